// /team <name> (the team's next and last fixtures: a team search, then
// fixtures?team=&last=, then &next=, chained football queries) and
// /standings <league> [season] (the table), with their texts.
#pragma once

#include "core/bot/command_table.hpp"

namespace phoenix::core {

/// Fixtures /team shows of each kind.
inline constexpr int team_fixture_count = 5;

std::optional<command_action> team_handler(const std::vector<std::string>& args,
                                           const command_context& context);
std::optional<command_action> standings_handler(const std::vector<std::string>& args,
                                                const command_context& context);

/// The season a league table defaults to: the year the season started, in
/// July or later (European seasons run August to May) of `local_date` (YYYY-MM-DD).
int64_t current_season(std::string_view local_date);

/// The team whose name is `search` (letter case ignored), else the first found.
std::optional<team_info> chosen_team(const std::vector<team_info>& teams, std::string_view search);

/// /team's answer: its next fixtures (date and kick-off in the user's zone)
/// and its last ones with their scores; a statistics button per last match.
rendered render_team_fixtures(const team_info& team, const std::vector<fixture>& next,
                              const std::vector<fixture>& last, std::string_view timezone_label);

/// /standings' answer: the table of each group, or that there is none.
std::string render_standings(const std::vector<standing_row>& rows, int64_t league, int64_t season);

} // namespace phoenix::core
