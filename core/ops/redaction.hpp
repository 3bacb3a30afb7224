// Removes secrets from text before it reaches a log line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

/// Replaces every registered secret, anything shaped like a Telegram bot token
/// (digits ':' 30+ token characters) and the password of a `scheme://user:pw@`
/// URI with "<redacted>". Configure it before threads start; redact() is const
/// and safe to call from any thread afterwards.
class redactor {
public:
  static constexpr std::string_view mask = "<redacted>";

  /// Registers a secret; empty strings and strings shorter than 4 are ignored
  /// (masking them would garble ordinary words).
  void add_secret(std::string secret);

  std::string redact(std::string_view text) const;

private:
  std::vector<std::string> secrets_;
};

} // namespace phoenix::core
