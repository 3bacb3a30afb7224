#include "core/bot/team_commands.hpp"

#include "core/bot/subscription_text.hpp"
#include "core/text/html_text.hpp"

#include <cctype>
#include <cstdio>

namespace phoenix::core {

namespace {

using arguments = std::vector<std::string>;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class T> const std::vector<T>& list_of(const football_payload& data) {
  static const std::vector<T> none;
  const auto* list = std::get_if<std::vector<T>>(&data);
  return list != nullptr ? *list : none;
}

// "2022-03-19 13:00" from the API's date text (already in the asked zone).
std::string when(const fixture& match) {
  return match.date.size() >= 10 ? match.date.substr(0, 10) + " " + kick_off_time(match.date)
                                 : "date unknown";
}

std::string fixture_line(const fixture& match, bool with_score) {
  std::string line = "<code>" + html_escape(when(match)) + "</code> " +
                     html_escape(match.home.name) + " – " + html_escape(match.away.name);
  if (with_score && match.goals.home && match.goals.away)
    line += " <b>" + std::to_string(*match.goals.home) + ":" + std::to_string(*match.goals.away) +
            "</b> " + html_escape(match.status.short_name);
  return line;
}

football_action team_step(team_info team, std::string zone) {
  // Last fixtures first, then the next ones; both render together.
  return {football_query::team_fixtures(team.id, 0, team_fixture_count, zone),
          [team, zone](const football_payload& data) {
            return render_team_fixtures(team, {}, list_of<fixture>(data), zone);
          },
          [team, zone](const football_payload& last_data) -> std::optional<football_action> {
            const std::vector<fixture> last = list_of<fixture>(last_data);
            return football_action{
                football_query::team_fixtures(team.id, team_fixture_count, 0, zone),
                [team, zone, last](const football_payload& next_data) {
                  return render_team_fixtures(team, list_of<fixture>(next_data), last, zone);
                },
                {}};
          }};
}

} // namespace

int64_t current_season(std::string_view local_date) {
  int year = 0, month = 0;
  if (std::sscanf(std::string(local_date).c_str(), "%4d-%2d", &year, &month) != 2)
    return 0;
  return month >= 7 ? year : year - 1;
}

std::optional<team_info> chosen_team(const std::vector<team_info>& teams, std::string_view search) {
  const std::string wanted = lower(search);
  const team_info* first = nullptr;
  for (const team_info& team : teams) {
    if (team.id <= 0)
      continue;
    if (lower(team.name) == wanted)
      return team;
    if (first == nullptr)
      first = &team;
  }
  return first != nullptr ? std::optional<team_info>(*first) : std::nullopt;
}

rendered render_team_fixtures(const team_info& team, const std::vector<fixture>& next,
                              const std::vector<fixture>& last, std::string_view timezone_label) {
  rendered out;
  out.html = "<b>" + html_escape(team.name) + "</b>";
  if (!timezone_label.empty())
    out.html += "\n<i>Times in " + html_escape(timezone_label) + "</i>";
  out.html += "\n\n<b>Next</b>";
  for (const fixture& match : next)
    out.html += "\n" + fixture_line(match, false);
  if (next.empty())
    out.html += "\nNo fixture scheduled.";
  out.html += "\n\n<b>Last</b>";
  for (const fixture& match : last) {
    out.html += "\n" + fixture_line(match, true);
    if (match.id > 0 && out.keyboard.size() < max_fixture_buttons)
      out.keyboard.push_back({inline_button{match.home.name + " – " + match.away.name,
                                            stats_callback_data(match.id)}});
  }
  if (last.empty())
    out.html += "\nNo fixture played.";
  return out;
}

std::string render_standings(const std::vector<standing_row>& rows, int64_t league,
                             int64_t season) {
  if (rows.empty())
    return "No table for league " + std::to_string(league) + " in season " +
           std::to_string(season) + ". Try another season, e.g. /standings " +
           std::to_string(league) + " " + std::to_string(season - 1);
  std::string out =
      "<b>" + html_escape(rows.front().league_name) + " " + std::to_string(season) + "</b>";
  std::string group = "\x01"; // no group yet
  for (const standing_row& row : rows) {
    if (row.group != group) {
      group = row.group;
      if (!group.empty() && group != rows.front().league_name)
        out += "\n\n<b>" + html_escape(group) + "</b>";
      out += "\n<code> # Team                 P  GD Pts</code>";
    }
    char line[128];
    std::snprintf(line, sizeof line, "%2d %-20.20s %2d %+3d %3d", row.rank, row.team.name.c_str(),
                  row.played, row.goals_diff, row.points);
    out += "\n<code>" + html_escape(line) + "</code>";
  }
  return out;
}

std::optional<command_action> team_handler(const arguments& args, const command_context& context) {
  if (args.empty())
    return std::nullopt;
  std::string search;
  for (const std::string& word : args)
    search += (search.empty() ? "" : " ") + word;
  if (utf8_length(search) < min_team_search_letters)
    return reply_action{"Give at least 3 letters of the team's name, e.g. /team Arsenal",
                        "bad arguments"};
  const std::string zone = context.timezone;
  return football_action{
      football_query::teams(search),
      [search](const football_payload&) {
        return rendered{"No team matches “" + html_escape(search) +
                            "”. Try another part of its name, e.g. /team Arsenal",
                        {}};
      },
      [search, zone](const football_payload& data) -> std::optional<football_action> {
        const std::optional<team_info> team = chosen_team(list_of<team_info>(data), search);
        if (!team)
          return std::nullopt;
        return team_step(*team, zone);
      }};
}

std::optional<command_action> standings_handler(const arguments& args,
                                                const command_context& context) {
  if (args.empty() || args.size() > 2)
    return std::nullopt;
  const std::optional<int64_t> league = parse_fixture_id(args[0]);
  std::optional<int64_t> season;
  if (args.size() == 2)
    season = parse_fixture_id(args[1]);
  else if (auto today = parse_day("today", context.unix_now, context.utc_offset_minutes))
    season = current_season(today->iso);
  if (!league || !season || *season < 1900 || *season > 2100)
    return std::nullopt;
  return football_action{
      football_query::standings(*league, *season),
      [league = *league, season = *season](const football_payload& data) {
        return rendered{render_standings(list_of<standing_row>(data), league, season), {}};
      },
      {}};
}

} // namespace phoenix::core
