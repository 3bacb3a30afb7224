#include "core/football/live_events.hpp"

#include "core/football/football_decode.hpp"

#include <string>
#include <utility>

namespace phoenix::core {
namespace {

/// Why `item` cannot be keyed, or "" when it can.
std::string missing_part(const fixture& item) {
  if (item.id <= 0)
    return "fixture.id";
  if (item.status.short_name.empty())
    return "fixture.status.short";
  if (item.home.id <= 0 || item.away.id <= 0 || item.home.id == item.away.id)
    return "teams.home.id/teams.away.id";
  return "";
}

live_match to_live_match(fixture&& item) {
  live_match out;
  out.fixture_id = item.id;
  out.league_name = std::move(item.league_name);
  out.status = std::move(item.status);
  out.home = std::move(item.home);
  out.away = std::move(item.away);
  out.goals = item.goals;
  out.penalty = item.penalty;
  out.events = std::move(item.events);
  return out;
}

} // namespace

decoded<live_snapshot> decode_live_fixtures(std::string_view body) {
  // The envelope, size, depth and shape checks are the /fixtures decoder's.
  decoded<std::vector<fixture>> fixtures = decode_fixtures(body);
  decoded<live_snapshot> result;
  if (!fixtures.ok()) {
    result.error = std::move(fixtures.error);
    return result;
  }
  live_snapshot snapshot;
  std::size_t position = 0;
  for (fixture& item : *fixtures.value) {
    const std::string missing = missing_part(item);
    if (!missing.empty()) {
      result.error = make_football_error(
          football_errc::malformed, "live fixture #" + std::to_string(position) + " (id " +
                                        std::to_string(item.id) + ") has no usable " + missing);
      return result;
    }
    const int64_t id = item.id;
    if (!snapshot.emplace(id, to_live_match(std::move(item))).second) {
      result.error = make_football_error(football_errc::malformed,
                                         "live fixture " + std::to_string(id) + " appears twice");
      return result;
    }
    ++position;
  }
  result.value = std::move(snapshot);
  return result;
}

} // namespace phoenix::core
