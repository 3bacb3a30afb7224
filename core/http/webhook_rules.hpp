// What a webhook request must satisfy before its body is read: the secret
// token Telegram sends back (compared in constant time), the source networks
// allowed. Plain functions, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

/// setWebhook's secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
bool is_valid_secret_token(std::string_view token);

/// Whether a == b, taking the same time whatever the position of the first
/// difference (a timing attack cannot guess the secret byte by byte). The
/// length of `expected` is not hidden: it is not the secret part.
bool constant_time_equal(std::string_view given, std::string_view expected);

/// A network in CIDR notation: IPv4 ("149.154.160.0/20") or IPv6 ("2001:db8::/32").
struct cidr_block {
  std::array<uint8_t, 16> bytes{}; ///< the address; IPv4 in the first 4 bytes
  bool v6 = false;
  int prefix = 0; ///< bits that must match: 0-32 (IPv4), 0-128 (IPv6)
};

/// "149.154.160.0/20" (a bare address is a /32 or /128). None when malformed.
std::optional<cidr_block> parse_cidr(std::string_view text);

/// A comma- or space-separated list; `error` names the first bad entry. An
/// empty list parses (it means: any source).
std::optional<std::vector<cidr_block>> parse_cidr_list(std::string_view text, std::string* error);

/// Whether the address ("91.108.4.7", "::1", or IPv4 mapped into IPv6
/// "::ffff:91.108.4.7") lies in the block. A malformed address lies nowhere.
bool cidr_contains(const cidr_block& block, std::string_view address);

/// Whether the address may deliver: the list is empty, or a block holds it.
bool address_allowed(const std::vector<cidr_block>& allowed, std::string_view address);

/// The networks Telegram sends webhooks from (core.telegram.org/bots/webhooks).
inline constexpr const char* telegram_webhook_networks = "149.154.160.0/20, 91.108.4.0/22";

} // namespace phoenix::core
