// Reading bot commands out of message text ("/stats@phoenix_bot 123") and
// their arguments (fixture ids, days). Never throws; input of any size and
// content is bounded and either parsed or refused with nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

inline constexpr std::size_t max_command_args = 10;
inline constexpr std::size_t max_command_arg_bytes = 100;
inline constexpr std::size_t max_command_name_length = 32; // BotCommand's limit

struct bot_command {
  std::string name;              // lower case, no slash, no @bot
  std::vector<std::string> args; // at most 10, each at most 100 bytes
};

/// The command at the start of `text`, or nullopt for plain text, for a
/// malformed command word, and for commands addressed to another bot
/// ("/stats@other_bot"). `bot_username` is compared without case and may
/// carry a leading '@'; while it is empty, only commands without "@bot" are
/// taken as ours. Arguments are split on any whitespace; extra ones are
/// dropped and long ones cut at a character boundary.
std::optional<bot_command> parse_command(std::string_view text, std::string_view bot_username);

inline constexpr int64_t max_fixture_id = 1'000'000'000'000; // 10^12

/// A fixture id: digits only, 1..10^12.
std::optional<int64_t> parse_fixture_id(std::string_view word);

struct date_choice {
  std::string iso;   // YYYY-MM-DD
  std::string label; // "today", "tomorrow", "yesterday" or the ISO date
};

/// today | tomorrow | yesterday (any case, relative to `unix_now` shifted by
/// `utc_offset_minutes`, which must be within +-18 h; nullopt for a clock
/// before 1970 or past 9999) or an explicit
/// YYYY-MM-DD that is a real calendar date in the years 1900-2100.
std::optional<date_choice> parse_day(std::string_view word, int64_t unix_now,
                                     int utc_offset_minutes);

} // namespace phoenix::core
