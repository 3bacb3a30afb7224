// Live fixtures as the goal-alert engine sees them: one `fixtures?live=all`
// answer decoded into a snapshot keyed by fixture id. live_diff
// (core/football/live_diff.hpp) compares two snapshots.
#pragma once

#include "core/football/football_types.hpp"

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

namespace phoenix::core {

/// What the alerts need of one live fixture; the rest of the answer is dropped.
struct live_match {
  int64_t fixture_id = 0;
  std::string league_name;
  fixture_status status;
  team_ref home;
  team_ref away;
  score_pair goals;
  score_pair penalty; // the shoot-out; empty unless one was played
  std::vector<event> events;
};

/// Every fixture of one poll, by fixture id.
using live_snapshot = std::map<int64_t, live_match>;

/// Decodes a `fixtures?live=all` answer. Never throws: an error envelope, a
/// body that is not the documented shape, or a fixture without its id, status
/// or team ids (nothing could be keyed on it) gives a football_error naming
/// the fixture's position.
decoded<live_snapshot> decode_live_fixtures(std::string_view body);

} // namespace phoenix::core
