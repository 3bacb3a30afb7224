// The live alerts: polls API-Football's live fixtures while anyone is
// subscribed, turns the changes into alerts (core::live_watch) and fans each
// alert out: subscribers -> claim_alert -> send (the sender's bulk lane) ->
// record_alert_sent; an edit goes to the messages the alert went out as.
#pragma once

#include "core/football/alert_revisions.hpp"
#include "core/football/live_watch.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <deque>

namespace phoenix {

struct live_alerts_config {
  football_actor football;
  db_pool_actor db;
  telegram_sender_actor sender;
  caf::timespan poll_interval = std::chrono::seconds{60}; ///< alerts.poll-interval
  bool paid_broadcast = false;                            ///< telegram.paid-broadcast
  /// With ha.leader-lock: wait for leader_atom (a standby sends no alerts).
  bool await_leadership = false;
  /// Deadline of one database operation or football answer.
  caf::timespan step_timeout = std::chrono::seconds{30};
};

struct live_alerts_state {
  static inline const char* name = "live_alerts";
  live_alerts_config config;
  core::live_watch watch;
  std::deque<core::live_alert> todo; ///< alerts whose fan-out has not started
  core::alert_revisions revisions;   ///< newest texts; records being written
  /// Edits waiting for the records started before them: (last record, key).
  std::deque<std::pair<uint64_t, std::string>> edits_waiting;
  bool started = false;
  bool busy = false; ///< a poll, or an alert's database steps, is under way
  live_stats stats;
};

live_alerts_actor::behavior_type
live_alerts(live_alerts_actor::stateful_pointer<live_alerts_state> self, live_alerts_config config);

} // namespace phoenix
