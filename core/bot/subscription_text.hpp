// What the bot says about subscriptions and personal settings (/subscribe,
// /subscriptions, /unsubscribe, /timezone, /settings), and the buttons'
// callback data. Handlers: core/bot/subscription_commands.cpp.
#pragma once

#include "core/bot/bot_text.hpp"
#include "core/db/db_types.hpp"
#include "core/football/football_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

/// Shortest team name /subscribe searches for (API-Football's own minimum).
inline constexpr std::size_t min_team_search_letters = 3;
/// Buttons in a /subscribe answer: more would make the keyboard unusable.
inline constexpr std::size_t max_team_buttons = 8;

/// A subscribe or unsubscribe button: "sub:<team id>:<name>" or
/// "unsub:<team id>:<name>", the name cut (whole UTF-8 characters) to fit
/// Telegram's 64 bytes of callback data.
struct team_button {
  bool subscribe = true;
  int64_t team_id = 0;
  std::string team_name;
};
std::string team_callback_data(const team_button& button);
std::optional<team_button> parse_team_callback(std::string_view callback_data);

/// /subscribe's answer: the teams found as buttons, or that none was.
rendered render_team_choices(const std::vector<team_info>& teams, std::string_view search);
std::string team_search_too_short_text();

/// A subscribe button's outcome (db::subscribe's count: 1 new, 0 already, -1 cap).
std::string subscribed_text(int64_t outcome, std::string_view team_name, int64_t max_per_chat);

/// /subscriptions: each team with its unsubscribe button.
rendered render_subscriptions(const std::vector<int64_t>& team_ids,
                              const std::vector<std::string>& team_names);

/// An unsubscribe button's outcome (rows deleted).
std::string unsubscribed_text(int64_t deleted, std::string_view team_name);

/// /unsubscribe <name>: db::unsubscribe_team's answer.
rendered render_unsubscribe_by_name(const db::reply& answer, std::string_view name);

/// /timezone: the zone set (its offset now), or the refusal with an example.
std::string timezone_set_text(std::string_view zone, int offset_minutes_now);
std::string unknown_timezone_text(std::string_view name);

/// /settings: the user's zone ("" : `default_zone`) and the chat's subscriptions.
std::string settings_text(std::string_view zone, std::string_view default_zone,
                          int64_t subscriptions, int64_t max_per_chat);

/// The database did not answer: one sentence, nothing lost.
std::string settings_unavailable_text();

} // namespace phoenix::core
