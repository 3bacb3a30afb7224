#include "core/football/match_check.hpp"

#include <algorithm>

namespace phoenix::core {

const fixture* requested_fixture(const std::vector<fixture>& answer, int64_t fixture_id) {
  auto pos = std::find_if(answer.begin(), answer.end(),
                          [&](const fixture& f) { return f.id == fixture_id; });
  return pos == answer.end() ? nullptr : &*pos;
}

std::optional<football_error> answer_mismatch(const football_query& query,
                                              const football_payload& payload) {
  if (query.kind != query_kind::fixture_by_id)
    return std::nullopt;
  auto* fixtures = std::get_if<std::vector<fixture>>(&payload);
  // An empty answer is "not found", not a wrong one.
  if (fixtures == nullptr || fixtures->empty() || requested_fixture(*fixtures, query.fixture))
    return std::nullopt;
  return make_football_error(football_errc::malformed, "asked for fixture " +
                                                           std::to_string(query.fixture) +
                                                           ", the answer is about fixture " +
                                                           std::to_string(fixtures->front().id));
}

bool plays_in(const fixture& match, int64_t team_id) {
  return team_id == match.home.id || team_id == match.away.id;
}

namespace {

// Id 0: the answer does not say whose it is; nothing to check.
bool is_foreign(const fixture& match, int64_t team_id) {
  return team_id != 0 && !plays_in(match, team_id);
}

} // namespace

std::vector<fixture> meetings_between(const fixture& match, const std::vector<fixture>& answer,
                                      std::size_t& left_out) {
  std::vector<fixture> kept;
  left_out = 0;
  for (auto& meeting : answer) {
    bool same = meeting.home.id == match.home.id && meeting.away.id == match.away.id;
    bool swapped = meeting.home.id == match.away.id && meeting.away.id == match.home.id;
    if (same || swapped)
      kept.push_back(meeting);
    else
      ++left_out;
  }
  return kept;
}

bool prediction_is_for(const prediction& forecast, const fixture& match) {
  return forecast.home.id == match.home.id && forecast.away.id == match.away.id;
}

foreign_parts foreign_parts_of(const fixture& match) {
  foreign_parts parts;
  for (auto& e : match.events)
    parts.events += is_foreign(match, e.team_id) ? 1 : 0;
  for (auto& s : match.statistics)
    parts.statistics += is_foreign(match, s.team.id) ? 1 : 0;
  return parts;
}

fixture without_foreign_parts(const fixture& match) {
  fixture own = match;
  own.events.erase(std::remove_if(own.events.begin(), own.events.end(),
                                  [&](const event& e) { return is_foreign(match, e.team_id); }),
                   own.events.end());
  own.statistics.erase(
      std::remove_if(own.statistics.begin(), own.statistics.end(),
                     [&](const team_statistics& s) { return is_foreign(match, s.team.id); }),
      own.statistics.end());
  return own;
}

std::string left_out_note(const foreign_parts& parts) {
  if (!parts.any())
    return {};
  std::string what;
  if (parts.events > 0)
    what = std::to_string(parts.events) + (parts.events == 1 ? " event" : " events");
  if (parts.statistics > 0)
    what += std::string{what.empty() ? "" : " and "} + "statistics";
  return "<i>Left out: " + what +
         " of a team not playing in this match (the data service mixed in another match).</i>";
}

} // namespace phoenix::core
