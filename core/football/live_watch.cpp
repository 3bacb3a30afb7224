#include "core/football/live_watch.hpp"

#include <algorithm>

namespace phoenix::core {

live_snapshot live_snapshot_of(const std::vector<fixture>& fixtures) {
  live_snapshot out;
  for (const fixture& f : fixtures) {
    if (f.id == 0)
      continue;
    live_match& m = out[f.id];
    m.fixture_id = f.id;
    m.league_name = f.league_name;
    m.status = f.status;
    m.home = f.home;
    m.away = f.away;
    m.goals = f.goals;
    m.penalty = f.penalty;
    m.events = f.events;
  }
  return out;
}

std::vector<live_alert> live_watch::next(live_snapshot current, const std::vector<int64_t>& teams) {
  auto followed = [&teams](const team_ref& team) {
    return std::binary_search(teams.begin(), teams.end(), team.id);
  };
  std::vector<live_alert> alerts = live_diff(last_, current);
  alerts.erase(
      std::remove_if(alerts.begin(), alerts.end(),
                     [&](const live_alert& a) { return !followed(a.home) && !followed(a.away); }),
      alerts.end());
  last_ = std::move(current);
  return alerts;
}

} // namespace phoenix::core
