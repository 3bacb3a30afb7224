// Everything the bot says, as Telegram HTML. Every dynamic string (team
// names, user names, API texts) is html_escape'd here, so callers pass raw
// data. Long results may exceed one message: send them through split_message.
#pragma once

#include "core/football/football_types.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/telegram/command_parser.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phoenix::core {

/// (name, description) of the command table's menu entries, for set_my_commands_body.
std::vector<std::pair<std::string, std::string>> menu_commands();

std::string start_text(std::string_view first_name);
std::string help_text();
/// "Usage: /stats <fixture id>" with an example; short help for unknown names.
std::string usage_text(std::string_view command);
std::string unknown_command_text(std::string_view name);
/// The answer to a message that is not a command.
std::string not_a_command_text();
/// The one polite notice a user gets when sending commands too fast.
std::string flood_warning_text();
/// The one notice a chat gets when it sends more than its queue holds
/// (handlers.max-queued-per-chat): the rest of the burst is skipped.
std::string queue_full_text();
/// The football front did not answer within the conversation's deadline.
std::string answer_timeout_text();
/// A handler threw: the user is told, the conversation goes on.
std::string handler_failed_text();

struct rendered {
  std::string html;
  inline_keyboard keyboard;
};

/// Buttons per fixture list: more would make the keyboard unusable.
inline constexpr std::size_t max_fixture_buttons = 50;

/// callback_data of a fixture's statistics button: "stats:<id>" (<= 64 bytes).
std::string stats_callback_data(int64_t fixture_id);
/// The fixture id of a statistics button's callback_data, or nullopt.
std::optional<int64_t> parse_stats_callback(std::string_view callback_data);

/// "HH:MM" from an API date ("2024-05-01T20:45:00+02:00" -> "20:45"), which
/// the API already shifted to the asked timezone; "--:--" when unreadable.
std::string kick_off_time(std::string_view iso_date);

/// The status as shown in a list: "FT", "45'", "90+3'", "HT", "postponed";
/// "" for a match not started (its kick-off time says it all).
std::string status_label(const fixture_status& status);

/// Fixtures of one day grouped by league (first-seen order), one line and
/// one statistics button per fixture.
rendered render_fixtures(const std::vector<fixture>& fixtures, const date_choice& day,
                         std::string_view timezone_label);

/// Live matches grouped by league: minute and score, with buttons.
rendered render_live(const std::vector<fixture>& fixtures);

/// One match: header, goals and red cards, both teams' statistics in columns.
std::string render_stats(const fixture& match);

/// "Data from 12 min ago (the data service is not answering)."
std::string stale_note(std::chrono::seconds age);

/// The error's user sentence (escaped).
std::string error_text(const football_error& error);

/// For an empty answer to a fixture lookup.
std::string not_found_text();

} // namespace phoenix::core
