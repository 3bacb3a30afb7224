// What `phoenix-bot --help` prints: Phoenix's keys by section with their
// defaults and what the checks allow, the CAF scheduler keys Phoenix sets and
// checks, and the global options. (`--long-help` stays CAF's own list.)
#pragma once

#include <string>

namespace phoenix {

/// The whole help text, ending in a newline.
std::string help_text();

/// Whether `arg` asks for it: -h, -? or --help.
bool is_help_flag(const std::string& arg);

} // namespace phoenix
