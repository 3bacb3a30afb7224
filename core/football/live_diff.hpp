// The goal-alert engine's decisions: what changed in the live fixtures between
// two polls, as alerts with stable keys. Pure: no clock, no state but the two
// snapshots, so a restart (empty previous snapshot) recomputes the same keys
// and the alert store (alerts_sent) drops what was already sent.
#pragma once

#include "core/football/live_events.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

enum class alert_kind {
  kick_off,
  goal, // detail: "Normal Goal", "Own Goal", "Penalty", or "" while the feed has only the score
  missed_penalty,
  red_card,
  goal_cancelled, // a goal taken back (VAR, or a score corrected downwards)
  half_time,
  extra_time,
  penalty_shootout,
  full_time,     // FT, AET or PEN (status says which)
  match_stopped, // ABD, CANC, PST, AWD, WO (status says which)
};

/// Short stable name of `kind`, as used in alert keys ("goal_cancelled").
std::string_view to_string(alert_kind kind);

enum class alert_action {
  send, // a new message
  edit, // the message already sent under this key gets the new text (editMessageText)
};

struct live_alert {
  // "<fixture>:<kind>[:<team>:<ordinal>]"; a goal's ordinal is its place in the
  // team's score, with ".N" after N earlier VAR cancellations of that team, so
  // neither a corrected minute nor a late scorer changes it.
  std::string key;
  alert_kind kind = alert_kind::kick_off;
  alert_action action = alert_action::send;
  int64_t fixture_id = 0;
  std::string league_name;
  team_ref home;
  team_ref away;
  score_pair score;      // goal: the score just after it, as far as the feed tells
  score_pair penalty;    // the shoot-out score, when there was one
  std::string status;    // the fixture's status code when the alert was made
  int64_t team_id = 0;   // the team the event counts for; 0 for the whole match
  std::string team_name; // "" for the whole match
  std::string player;    // "" when the feed has not named them (yet)
  std::string assist;    // ""
  std::string detail;    // the event's detail as the API sent it
  std::optional<int> elapsed;
  std::optional<int> extra;
};

/// The alerts for what `current` says that `previous` did not: new events are
/// `send`, a scorer, assist or goal type filled in or changed later is `edit`
/// under the same key; a corrected minute alone gives nothing. A fixture
/// missing from `previous` gives everything so far (the store drops keys
/// already sent); a fixture missing from `current` gives nothing (live=all
/// drops finished matches). Ordered by fixture id, then as the match went.
std::vector<live_alert> live_diff(const live_snapshot& previous, const live_snapshot& current);

} // namespace phoenix::core
