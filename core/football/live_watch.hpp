// The live alert engine's memory between polls: the last live snapshot, and
// which of the changes since concern a followed team. The live_alerts actor
// (actors/live_alerts.hpp) owns one and feeds it each poll's answer.
#pragma once

#include "core/football/football_types.hpp"
#include "core/football/live_diff.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace phoenix::core {

/// The fixtures of a `fixtures?live=all` answer (as the football actor
/// decoded them) as a live snapshot; fixtures without an id are dropped.
live_snapshot live_snapshot_of(const std::vector<fixture>& fixtures);

class live_watch {
public:
  /// The alerts from the last poll to `current` about a match of one of
  /// `teams` (ids, ascending); `current` becomes the last poll. The diff runs
  /// over every live match, so a team followed mid-match gets only what
  /// happens from then on. The first poll (after a start) gives everything so
  /// far: the alert store drops what was sent before.
  std::vector<live_alert> next(live_snapshot current, const std::vector<int64_t>& teams);

  /// Live matches known from the last poll.
  std::size_t matches() const { return last_.size(); }

private:
  live_snapshot last_;
};

} // namespace phoenix::core
