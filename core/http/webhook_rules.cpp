#include "core/http/webhook_rules.hpp"

#include <arpa/inet.h>
#include <cstring>

namespace phoenix::core {

bool is_valid_secret_token(std::string_view token) {
  if (token.empty() || token.size() > 256)
    return false;
  for (char c : token) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

bool constant_time_equal(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is compared whatever `given` holds.
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

namespace {

// "a.b.c.d" or an IPv6 text into 16 bytes; IPv4-mapped IPv6 counts as IPv4.
bool parse_address(std::string_view text, std::array<uint8_t, 16>& bytes, bool& v6) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
    return false;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  bytes.fill(0);
  if (inet_pton(AF_INET, buffer, bytes.data()) == 1) {
    v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, buffer, bytes.data()) != 1)
    return false;
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes.data(), mapped, sizeof mapped) == 0) {
    std::memmove(bytes.data(), bytes.data() + 12, 4);
    std::memset(bytes.data() + 4, 0, 12);
    v6 = false;
    return true;
  }
  v6 = true;
  return true;
}

bool parse_prefix(std::string_view text, int most, int& prefix) {
  if (text.empty() || text.size() > 3)
    return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + (c - '0');
  }
  if (value > most)
    return false;
  prefix = value;
  return true;
}

} // namespace

std::optional<cidr_block> parse_cidr(std::string_view text) {
  cidr_block block;
  auto slash = text.find('/');
  if (!parse_address(text.substr(0, slash), block.bytes, block.v6))
    return std::nullopt;
  int most = block.v6 ? 128 : 32;
  block.prefix = most;
  if (slash != std::string_view::npos && !parse_prefix(text.substr(slash + 1), most, block.prefix))
    return std::nullopt;
  return block;
}

std::optional<std::vector<cidr_block>> parse_cidr_list(std::string_view text, std::string* error) {
  std::vector<cidr_block> blocks;
  size_t at = 0;
  while (at < text.size()) {
    auto end = text.find_first_of(", ", at);
    if (end == std::string_view::npos)
      end = text.size();
    auto entry = text.substr(at, end - at);
    at = end + 1;
    if (entry.empty())
      continue;
    auto block = parse_cidr(entry);
    if (!block) {
      if (error)
        *error = "\"" + std::string{entry} + "\" is not a network such as 149.154.160.0/20";
      return std::nullopt;
    }
    blocks.push_back(*block);
  }
  return blocks;
}

bool cidr_contains(const cidr_block& block, std::string_view address) {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;
  if (!parse_address(address, bytes, v6) || v6 != block.v6)
    return false;
  int whole = block.prefix / 8;
  if (std::memcmp(bytes.data(), block.bytes.data(), static_cast<size_t>(whole)) != 0)
    return false;
  int rest = block.prefix % 8;
  if (rest == 0)
    return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[static_cast<size_t>(whole)] & mask) ==
         (block.bytes[static_cast<size_t>(whole)] & mask);
}

bool address_allowed(const std::vector<cidr_block>& allowed, std::string_view address) {
  if (allowed.empty())
    return true;
  for (auto& block : allowed)
    if (cidr_contains(block, address))
      return true;
  return false;
}

} // namespace phoenix::core
