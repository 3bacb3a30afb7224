#include "core/bot/bot_text.hpp"

#include "core/football/match_check.hpp"
#include "core/text/html_text.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace phoenix::core {
namespace {

constexpr std::string_view stats_prefix = "stats:";
constexpr std::string_view en_dash = "\xE2\x80\x93"; // –

// Button labels have no documented limit, but long ones are unreadable.
constexpr std::size_t button_text_limit = 60;

// The <pre> table must fit a phone screen: ~32 monospace characters.
constexpr std::size_t team_column_width = 9;

std::string pad_right(std::string text, std::size_t width) {
  const std::size_t length = utf8_length(text);
  return length < width ? text + std::string(width - length, ' ') : text;
}

std::string pad_left(std::string text, std::size_t width) {
  const std::size_t length = utf8_length(text);
  return length < width ? std::string(width - length, ' ') + text : text;
}

std::string minute_text(const std::optional<int>& elapsed, const std::optional<int>& extra) {
  if (!elapsed)
    return {};
  std::string text = std::to_string(*elapsed);
  if (extra && *extra > 0)
    text += "+" + std::to_string(*extra);
  return text + "'";
}

bool has_score(const score_pair& score) {
  return score.home.has_value() && score.away.has_value();
}

std::string score_text(const score_pair& score) {
  return has_score(score) ? std::to_string(*score.home) + ":" + std::to_string(*score.away) : "";
}

std::string teams_text(const fixture& match) {
  return match.home.name + " " + std::string(en_dash) + " " + match.away.name;
}

std::string league_header(const fixture& match) {
  std::string header = match.league_name.empty() ? "Other matches" : match.league_name;
  if (!match.league_country.empty())
    header += " \xC2\xB7 " + match.league_country; // middle dot
  return "<b>" + html_escape(header) + "</b>";
}

std::string penalties_note(const fixture& match) {
  if (match.status.short_name != "PEN" || !has_score(match.penalty))
    return {};
  return " (pens " + score_text(match.penalty) + ")";
}

// Fixtures grouped by league in first-seen order; `line` renders one fixture.
template <class LineFn>
rendered render_grouped(std::string header, const std::vector<fixture>& fixtures, LineFn&& line) {
  std::vector<std::vector<const fixture*>> groups;
  std::unordered_map<std::string, std::size_t> group_of;
  for (const fixture& match : fixtures) {
    const std::string key = match.league_id != 0
                                ? std::to_string(match.league_id)
                                : "#" + match.league_name + "\n" + match.league_country;
    auto [found, inserted] = group_of.emplace(key, groups.size());
    if (inserted)
      groups.emplace_back();
    groups[found->second].push_back(&match);
  }

  rendered out;
  out.html = std::move(header);
  for (auto& group : groups) {
    // By kick-off within a league; the API's order breaks ties.
    std::stable_sort(group.begin(), group.end(), [](const fixture* a, const fixture* b) {
      return a->timestamp < b->timestamp;
    });
    out.html += "\n\n" + league_header(*group.front());
    for (const fixture* match : group) {
      out.html += "\n" + line(*match);
      if (out.keyboard.size() < max_fixture_buttons) {
        out.keyboard.push_back({inline_button{shorten(teams_text(*match), button_text_limit),
                                              stats_callback_data(match->id)}});
      } else {
        out.html += " <code>/stats " + std::to_string(match->id) + "</code>";
      }
    }
  }
  if (fixtures.size() > max_fixture_buttons) {
    out.html += "\n\n<i>Buttons for the first " + std::to_string(max_fixture_buttons) +
                " matches only; for the others send the /stats command shown.</i>";
  }
  return out;
}

std::string event_line(const event& item, std::string_view note) {
  std::string line = minute_text(item.elapsed, item.extra);
  line += " " + html_escape(item.player.empty() ? "unknown player" : item.player);
  line += note;
  if (!item.team_name.empty())
    line += " (" + html_escape(item.team_name) + ")";
  return line;
}

std::string events_section(const fixture& match) {
  std::string goals, red_cards;
  for (const event& item : match.events) {
    if (item.type == "Goal" && item.detail != "Missed Penalty" &&
        item.comments != "Penalty Shootout") {
      const std::string_view note = item.detail == "Own Goal"  ? " (own goal)"
                                    : item.detail == "Penalty" ? " (penalty)"
                                                               : "";
      goals += "\n" + event_line(item, note);
    } else if (item.type == "Card" && (item.detail.find("Red") != std::string::npos ||
                                       item.detail.find("Second Yellow") != std::string::npos)) {
      red_cards += "\n" + event_line(item, "");
    }
  }
  std::string section;
  if (!goals.empty())
    section += "\n\n<b>Goals</b>" + goals;
  if (!red_cards.empty())
    section += "\n\n<b>Red cards</b>" + red_cards;
  return section;
}

const stat_value* find_stat(const team_statistics* team, std::string_view type) {
  if (team == nullptr)
    return nullptr;
  for (const auto& [name, value] : team->values)
    if (name == type)
      return &value;
  return nullptr;
}

std::string stat_text(const stat_value* value) {
  return value == nullptr || value->k == stat_value::kind::none || value->text.empty()
             ? "-"
             : value->text;
}

// The statistics entry of one side: by team id, else by position.
const team_statistics* side_statistics(const fixture& match, const team_ref& team,
                                       std::size_t position) {
  for (const team_statistics& entry : match.statistics)
    if (team.id != 0 && entry.team.id == team.id)
      return &entry;
  if (position < match.statistics.size() && match.statistics[position].team.id == 0)
    return &match.statistics[position];
  return nullptr;
}

std::string statistics_table(const fixture& match) {
  struct row {
    std::string_view label;
    std::string_view type; // API-Football's statistic name
  };
  static constexpr row rows[] = {{"Shots", "Total Shots"},
                                 {"On target", "Shots on Goal"},
                                 {"Possession", "Ball Possession"},
                                 {"Corners", "Corner Kicks"},
                                 {"Fouls", "Fouls"},
                                 {"Yellow cards", "Yellow Cards"},
                                 {"Red cards", "Red Cards"},
                                 {"Passes", "Total passes"},
                                 {"Pass accuracy", "Passes %"},
                                 {"xG", "expected_goals"}};
  const team_statistics* home = side_statistics(match, match.home, 0);
  const team_statistics* away = side_statistics(match, match.away, 1);

  std::vector<std::array<std::string, 3>> cells;
  cells.push_back({"", shorten(match.home.name, team_column_width),
                   shorten(match.away.name, team_column_width)});
  for (const row& r : rows) {
    const stat_value* home_value = find_stat(home, r.type);
    const stat_value* away_value = find_stat(away, r.type);
    const bool is_xg = r.type == "expected_goals";
    if (is_xg && stat_text(home_value) == "-" && stat_text(away_value) == "-")
      continue; // older seasons have no xG at all
    cells.push_back({std::string(r.label), stat_text(home_value), stat_text(away_value)});
  }
  std::size_t widths[3] = {0, 0, 0};
  for (const auto& line : cells)
    for (std::size_t i = 0; i < 3; ++i)
      widths[i] = std::max(widths[i], utf8_length(line[i]));

  std::string table;
  for (const auto& line : cells) {
    const std::string text = pad_right(line[0], widths[0]) + " " + pad_left(line[1], widths[1]) +
                             "  " + pad_left(line[2], widths[2]);
    table += (table.empty() ? "" : "\n") + html_escape(text);
  }
  return "<pre>" + table + "</pre>";
}

} // namespace

std::string stats_callback_data(int64_t fixture_id) {
  return std::string(stats_prefix) + std::to_string(fixture_id);
}

std::optional<int64_t> parse_stats_callback(std::string_view callback_data) {
  if (callback_data.substr(0, stats_prefix.size()) != stats_prefix)
    return std::nullopt;
  return parse_fixture_id(callback_data.substr(stats_prefix.size()));
}

std::string kick_off_time(std::string_view iso_date) {
  auto digit = [&iso_date](std::size_t i) { return iso_date[i] >= '0' && iso_date[i] <= '9'; };
  if (iso_date.size() < 16 || iso_date[10] != 'T' || iso_date[13] != ':' || !digit(11) ||
      !digit(12) || !digit(14) || !digit(15))
    return "--:--";
  return std::string(iso_date.substr(11, 5));
}

std::string status_label(const fixture_status& status) {
  static const std::pair<std::string_view, std::string_view> spelled_out[] = {
      {"NS", ""},
      {"TBD", "time to be announced"},
      {"HT", "HT"},
      {"BT", "break"},
      {"P", "penalties"},
      {"SUSP", "suspended"},
      {"INT", "interrupted"},
      {"PST", "postponed"},
      {"CANC", "cancelled"},
      {"ABD", "abandoned"},
      {"AWD", "awarded"},
      {"WO", "walkover"}};
  for (const auto& [code, text] : spelled_out)
    if (status.short_name == code)
      return std::string(text);
  if (status.is_live()) { // 1H, 2H, ET, LIVE: the minute says more
    const std::string minute = minute_text(status.elapsed, status.extra);
    if (!minute.empty())
      return minute;
  }
  return status.short_name.empty() ? status.long_name : status.short_name;
}

rendered render_fixtures(const std::vector<fixture>& fixtures, const date_choice& day,
                         std::string_view timezone_label) {
  const std::string when = day.label == day.iso
                               ? "on " + html_escape(day.iso)
                               : html_escape(day.label) + ", " + html_escape(day.iso);
  if (fixtures.empty())
    return {"No fixtures found " + when + ". Try another day with /fixtures tomorrow.", {}};
  std::string header = "<b>Fixtures " + when + "</b>";
  if (!timezone_label.empty())
    header += "\n<i>Times in " + html_escape(timezone_label) + "</i>";
  return render_grouped(std::move(header), fixtures, [](const fixture& match) {
    std::string line =
        "<code>" + kick_off_time(match.date) + "</code> " + html_escape(teams_text(match));
    if (has_score(match.goals) && !match.status.is_scheduled())
      line += " <b>" + score_text(match.goals) + "</b>" + penalties_note(match);
    if (const std::string label = status_label(match.status); !label.empty())
      line += " " + html_escape(label);
    return line;
  });
}

rendered render_live(const std::vector<fixture>& fixtures) {
  if (fixtures.empty())
    return {"No matches are being played right now.", {}};
  std::string header = "<b>Live now</b> (" + std::to_string(fixtures.size()) +
                       (fixtures.size() == 1 ? " match)" : " matches)");
  return render_grouped(std::move(header), fixtures, [](const fixture& match) {
    const std::string score = has_score(match.goals) ? score_text(match.goals) : "-:-";
    return "<code>" + html_escape(status_label(match.status)) + "</code> " +
           html_escape(match.home.name) + " <b>" + score + "</b> " + html_escape(match.away.name);
  });
}

std::string render_stats(const fixture& reported) {
  // Events and statistics of a team not in this match are left out, with a note.
  const foreign_parts foreign = foreign_parts_of(reported);
  std::optional<fixture> own;
  if (foreign.any())
    own = without_foreign_parts(reported);
  const fixture& match = own ? *own : reported;
  const fixture_status& status = match.status;
  std::string text = "<b>" + html_escape(match.home.name);
  text += has_score(match.goals) ? " " + score_text(match.goals) + " "
                                 : " " + std::string(en_dash) + " ";
  text += html_escape(match.away.name) + "</b>";

  std::string status_line = status.long_name.empty() ? status.short_name : status.long_name;
  if (status.is_live())
    status_line += ", " + status_label(status);
  text += "\n" + html_escape(status_line) + html_escape(penalties_note(match));

  std::string league = match.league_name;
  if (!match.league_country.empty())
    league += " (" + match.league_country + ")";
  if (!match.league_round.empty())
    league += " \xC2\xB7 " + match.league_round;
  if (!league.empty())
    text += "\n" + html_escape(league);
  if (!match.venue_name.empty()) {
    text += "\nVenue: " + html_escape(match.venue_name);
    if (!match.venue_city.empty())
      text += ", " + html_escape(match.venue_city);
  }
  if (match.date.size() >= 10) {
    text +=
        "\nKick-off: " + html_escape(match.date.substr(0, 10)) + " " + kick_off_time(match.date);
    if (!match.timezone.empty())
      text += " " + html_escape(match.timezone);
  }
  text += "\nFixture id: <code>" + std::to_string(match.id) + "</code>";

  text += events_section(match);
  if (!match.statistics.empty()) {
    text += "\n\n<b>Statistics</b>\n" + statistics_table(match);
  } else if (status.is_scheduled()) {
    text += "\n\nNo statistics yet: the match has not started.";
  } else {
    text += "\n\nNo statistics available for this match yet.";
  }
  if (foreign.any())
    text += "\n\n" + left_out_note(foreign);
  return text;
}

std::string stale_note(std::chrono::seconds age) {
  const long long minutes = std::max<long long>(age.count(), 0) / 60;
  std::string when;
  if (minutes < 1)
    when = "less than a minute";
  else if (minutes < 60)
    when = std::to_string(minutes) + " min";
  else if (minutes < 48 * 60)
    when = std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
  else
    when = std::to_string(minutes / (24 * 60)) + " days";
  return "<i>Data from " + when + " ago (the data service is not answering).</i>";
}

std::string error_text(const football_error& error) {
  if (error.user_message.empty())
    return html_escape(football_user_message(error.code));
  return html_escape(error.user_message);
}

std::string not_found_text() {
  return "Fixture not found.";
}

} // namespace phoenix::core
