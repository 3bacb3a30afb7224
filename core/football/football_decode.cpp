#include "core/football/football_decode.hpp"

#include "core/football/football_envelope.hpp"
#include "core/text/json_read.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <rapidjson/document.h>
#include <utility>

namespace phoenix::core {
namespace {

using json = rapidjson::Value;
using namespace json_read;

team_ref read_team(const json& team) {
  return team_ref{int64_or_zero(field(team, "id")), text(field(team, "name")),
                  optional_bool(field(team, "winner"))};
}

score_pair read_score(const json& score) {
  return score_pair{optional_int(field(score, "home")), optional_int(field(score, "away"))};
}

event read_event(const json& item) {
  event out;
  const json& time = field(item, "time");
  out.elapsed = optional_int(field(time, "elapsed"));
  out.extra = optional_int(field(time, "extra"));
  const json& team = field(item, "team");
  out.team_id = int64_or_zero(field(team, "id"));
  out.team_name = text(field(team, "name"));
  out.player = text(field(field(item, "player"), "name"));
  out.assist = text(field(field(item, "assist"), "name"));
  out.type = text(field(item, "type"));
  out.detail = text(field(item, "detail"));
  out.comments = text(field(item, "comments"));
  return out;
}

template <class Fn> void for_each_object(const json& list, Fn&& visit) {
  if (!list.IsArray())
    return;
  for (const json& entry : list.GetArray())
    if (entry.IsObject()) // stray scalars in a list are skipped
      visit(entry);
}

/// A statistic: int, "NN%", numeric string or null.
stat_value read_stat_value(const json& value) {
  stat_value out;
  if (value.IsInt64()) {
    out.k = stat_value::kind::integer;
    out.number = static_cast<double>(value.GetInt64());
    out.text = display_text(value);
  } else if (value.IsNumber()) {
    out.k = stat_value::kind::decimal;
    out.number = value.GetDouble();
    out.text = display_text(value);
  } else if (value.IsString()) {
    // Unrecognised text stays kind none but is still shown as sent.
    out.text = text(value);
    std::string_view shown = out.text;
    if (!shown.empty() && shown.back() == '%') {
      if (auto number = parse_number(shown.substr(0, shown.size() - 1))) {
        out.k = stat_value::kind::percent;
        out.number = *number;
      }
    } else if (auto number = parse_number(shown)) {
      out.k = stat_value::kind::decimal;
      out.number = *number;
    }
  }
  return out;
}

team_statistics read_team_statistics(const json& item) {
  team_statistics out;
  out.team = read_team(field(item, "team"));
  out.team.winner.reset();
  for_each_object(field(item, "statistics"), [&out](const json& entry) {
    out.values.emplace_back(text(field(entry, "type")), read_stat_value(field(entry, "value")));
  });
  return out;
}

fixture read_fixture(const json& item) {
  fixture out;
  const json& info = field(item, "fixture");
  out.id = int64_or_zero(field(info, "id"));
  out.referee = text(field(info, "referee"));
  out.timezone = text(field(info, "timezone"));
  out.date = text(field(info, "date"));
  out.timestamp = int64_or_zero(field(info, "timestamp"));
  out.venue_name = text(field(field(info, "venue"), "name"));
  out.venue_city = text(field(field(info, "venue"), "city"));
  const json& status = field(info, "status");
  out.status.long_name = text(field(status, "long"));
  out.status.short_name = text(field(status, "short"));
  out.status.elapsed = optional_int(field(status, "elapsed"));
  out.status.extra = optional_int(field(status, "extra"));

  const json& league = field(item, "league");
  out.league_id = int64_or_zero(field(league, "id"));
  out.league_name = text(field(league, "name"));
  out.league_country = text(field(league, "country"));
  out.league_round = text(field(league, "round"));
  out.league_season = optional_int(field(league, "season")).value_or(0);

  const json& teams = field(item, "teams");
  out.home = read_team(field(teams, "home"));
  out.away = read_team(field(teams, "away"));
  out.goals = read_score(field(item, "goals"));
  const json& score = field(item, "score");
  out.halftime = read_score(field(score, "halftime"));
  out.fulltime = read_score(field(score, "fulltime"));
  out.extratime = read_score(field(score, "extratime"));
  out.penalty = read_score(field(score, "penalty"));

  for_each_object(field(item, "events"),
                  [&out](const json& entry) { out.events.push_back(read_event(entry)); });
  for_each_object(field(item, "statistics"), [&out](const json& entry) {
    out.statistics.push_back(read_team_statistics(entry));
  });
  return out;
}

prediction read_prediction(const json& item) {
  prediction out;
  const json& predictions = field(item, "predictions");
  const json& winner = field(predictions, "winner");
  if (field(winner, "id").IsInt64()) {
    out.winner = team_ref{field(winner, "id").GetInt64(), text(field(winner, "name")), {}};
  }
  out.winner_comment = text(field(winner, "comment"));
  out.advice = text(field(predictions, "advice"));
  out.under_over = display_text(field(predictions, "under_over"));
  out.win_or_draw = optional_bool(field(predictions, "win_or_draw"));
  out.goals_home = display_text(field(field(predictions, "goals"), "home"));
  out.goals_away = display_text(field(field(predictions, "goals"), "away"));
  const json& percent = field(predictions, "percent");
  out.percent_home = display_text(field(percent, "home"));
  out.percent_draw = display_text(field(percent, "draw"));
  out.percent_away = display_text(field(percent, "away"));

  const json& teams = field(item, "teams");
  out.home = read_team(field(teams, "home"));
  out.away = read_team(field(teams, "away"));
  out.home.winner.reset();
  out.away.winner.reset();
  out.home_last5_form = display_text(field(field(field(teams, "home"), "last_5"), "form"));
  out.away_last5_form = display_text(field(field(field(teams, "away"), "last_5"), "form"));

  const json& comparison = field(item, "comparison");
  if (comparison.IsObject()) {
    for (const auto& entry : comparison.GetObject()) {
      out.comparison.emplace_back(text(entry.name),
                                  std::make_pair(display_text(field(entry.value, "home")),
                                                 display_text(field(entry.value, "away"))));
    }
  }
  return out;
}

api_status read_status(const json& response) {
  api_status out;
  const json& subscription = field(response, "subscription");
  out.plan = text(field(subscription, "plan"));
  out.active = optional_bool(field(subscription, "active")).value_or(false);
  const json& requests = field(response, "requests");
  out.requests_current = int64_or_zero(field(requests, "current"));
  out.requests_limit_day = int64_or_zero(field(requests, "limit_day"));
  return out;
}

// Parses, checks the envelope, then lets `build` fill `result` from the
// response; nothing thrown on the way (bad_alloc on absurd input) escapes.
template <class T, class Build>
decoded<T> decode_body(std::string_view body, response_shape wanted, Build build) {
  decoded<T> result;
  try {
    rapidjson::Document doc;
    const json* response = nullptr;
    if (auto error = parse_envelope(body, doc, wanted, response))
      result.error = std::move(*error);
    else
      build(*response, result);
  } catch (const std::exception& e) {
    result.value.reset();
    result.error = malformed_answer(std::string("decoder failed: ") + e.what());
  } catch (...) {
    result.value.reset();
    result.error = malformed_answer("decoder failed: unknown exception");
  }
  return result;
}

template <class T, class Reader>
decoded<std::vector<T>> decode_list(std::string_view body, Reader read_item) {
  return decode_body<std::vector<T>>(
      body, response_shape::array, [&](const json& response, decoded<std::vector<T>>& result) {
        std::vector<T> items;
        items.reserve(response.Size());
        for (const json& item : response.GetArray()) {
          if (!item.IsObject()) {
            result.error = malformed_answer("response[" + std::to_string(items.size()) + "] is " +
                                            json_type_name(item) + ", expected an object");
            return;
          }
          items.push_back(read_item(item));
        }
        result.value = std::move(items);
      });
}

} // namespace

std::optional<football_error> decode_envelope_error(std::string_view body) {
  auto checked = decode_body<bool>(body, response_shape::either,
                                   [](const json&, decoded<bool>& result) { result.value = true; });
  return checked.ok() ? std::nullopt : std::optional<football_error>(std::move(checked.error));
}

decoded<std::vector<fixture>> decode_fixtures(std::string_view body) {
  return decode_list<fixture>(body, read_fixture);
}

decoded<std::vector<team_statistics>> decode_statistics(std::string_view body) {
  return decode_list<team_statistics>(body, read_team_statistics);
}

decoded<std::vector<event>> decode_events(std::string_view body) {
  return decode_list<event>(body, read_event);
}

decoded<std::vector<prediction>> decode_predictions(std::string_view body) {
  return decode_list<prediction>(body, read_prediction);
}

decoded<std::vector<team_info>> decode_teams(std::string_view body) {
  return decode_list<team_info>(body, [](const json& item) {
    const json& team = field(item, "team");
    return team_info{int64_or_zero(field(team, "id")), text(field(team, "name")),
                     text(field(team, "country"))};
  });
}

namespace {

standing_row read_standing(const json& league, const json& entry) {
  const auto number = [](const json& value) { return optional_int(value).value_or(0); };
  standing_row row;
  row.league_name = text(field(league, "name"));
  row.group = text(field(entry, "group"));
  row.rank = number(field(entry, "rank"));
  row.team = read_team(field(entry, "team"));
  row.points = number(field(entry, "points"));
  row.goals_diff = number(field(entry, "goalsDiff"));
  row.form = text(field(entry, "form"));
  const json& all = field(entry, "all");
  row.played = number(field(all, "played"));
  row.win = number(field(all, "win"));
  row.draw = number(field(all, "draw"));
  row.lose = number(field(all, "lose"));
  row.goals_for = number(field(field(all, "goals"), "for"));
  row.goals_against = number(field(field(all, "goals"), "against"));
  return row;
}

} // namespace

decoded<std::vector<standing_row>> decode_standings(std::string_view body) {
  // Each item is a league; league.standings is a list of groups, each a list of rows.
  auto leagues = decode_list<std::vector<standing_row>>(body, [](const json& item) {
    std::vector<standing_row> rows;
    const json& league = field(item, "league");
    const json& groups = field(league, "standings");
    if (groups.IsArray())
      for (const json& group : groups.GetArray())
        for_each_object(group,
                        [&](const json& entry) { rows.push_back(read_standing(league, entry)); });
    return rows;
  });
  decoded<std::vector<standing_row>> out;
  if (!leagues.ok()) {
    out.error = std::move(leagues.error);
    return out;
  }
  out.value.emplace();
  for (auto& rows : *leagues.value)
    out.value->insert(out.value->end(), rows.begin(), rows.end());
  return out;
}

decoded<api_status> decode_status(std::string_view body) {
  return decode_body<api_status>(body, response_shape::object,
                                 [](const json& response, decoded<api_status>& result) {
                                   result.value = read_status(response);
                                 });
}

} // namespace phoenix::core
