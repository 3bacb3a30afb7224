// Checks what the user wrote before CAF reads it: CAF 0.17 silently ignores
// unknown INI keys and wrongly typed INI values, and its command-line errors
// do not say what is allowed. Phoenix names the key, the value and the rule.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phoenix {

/// Problems in the file at `path` (unreadable, syntax, unknown key, wrong
/// type, out of range), one line each naming file, key, value and what is allowed.
std::vector<std::string> check_config_file(const std::string& path);

/// The same for INI text; `origin` names it in the messages.
std::vector<std::string> check_config_text(std::string_view text, const std::string& origin);

/// Problems in `--section.key=value` arguments for Phoenix's keys (CAF's own
/// options are left to CAF).
std::vector<std::string> check_command_line(const std::vector<std::string>& args);

} // namespace phoenix
