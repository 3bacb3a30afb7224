// Checks what the user wrote before CAF reads it: CAF 0.17 silently ignores
// unknown INI keys and wrongly typed INI values, and its command-line errors
// do not say what is allowed. Phoenix names the key, the value and the rule.
#pragma once

#include "app/config.hpp"

#include <caf/error.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix {

/// Shown instead of a secret's value in every problem line.
inline constexpr std::string_view secret_shown = "<secret, not shown>";

/// Problems in the file at `path` (unreadable, syntax, unknown key, wrong
/// type, out of range), one line each naming file, key, value and what is allowed.
std::vector<std::string> check_config_file(const std::string& path);

/// The same for INI text; `origin` names it in the messages.
std::vector<std::string> check_config_text(std::string_view text, const std::string& origin);

/// Problems in `--section.key=value` arguments for Phoenix's keys and the CAF
/// keys of caf_keys.hpp (CAF names unknown options itself).
std::vector<std::string> check_command_line(const std::vector<std::string>& args);

/// Command-line arguments CAF would refuse, in words: options it does not
/// know (outside Phoenix's sections, which check_command_line covers), options
/// without their value, arguments that are not options.
std::vector<std::string> check_unknown_options(const phoenix_config& cfg,
                                               const std::vector<std::string>& args);

/// CAF's error for a command line it refused, in words (the value never shown).
std::string describe_command_line_error(const caf::error& err);

/// The last guard before problem lines are printed: every secret value known
/// (the settings, the environment, `--telegram.token=...` style arguments),
/// Telegram token shapes and URI passwords become "<redacted>".
std::vector<std::string> without_secrets(std::vector<std::string> problems,
                                         const std::vector<std::string>& args,
                                         const settings& values, const env_lookup& env);

} // namespace phoenix
