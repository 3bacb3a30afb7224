// Leadership: which of the Phoenix instances sharing a database polls
// Telegram. A detached actor (blocking libpq) on a connection of its own
// waits for the bot's session advisory lock; the holder raises the epoch and
// becomes active, and checks its connection every lock_retry: a broken one
// means the lock is gone, and the instance stops at once.
#pragma once

#include "core/db/db_leader_lock.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace phoenix {

struct leadership_config {
  std::string conninfo; ///< as core::db::leader_conninfo makes it; may hold the password
  core::db::keepalive_settings keepalive;
  /// A standby waits this long in the lock's queue per try; the active one
  /// checks its connection this often.
  caf::timespan lock_retry = std::chrono::seconds{1};
  int64_t bot_id = 0;        ///< from the token: the epoch row and the lock key
  std::string holder;        ///< host:pid, shown to operators in the leadership table
  lifecycle_actor lifecycle; ///< told leader_atom(epoch) and lead_lost_atom
  metrics_actor metrics;     ///< told each role (may be invalid)
};

struct leadership_state {
  static inline const char* name = "leadership";
  leadership_config config;
  std::unique_ptr<core::db::leader_lock> lock;
  core::db::leader_role role = core::db::leader_role::standby;
  int64_t epoch = 0;
  bool resigned = false;
  bool unreachable_logged = false;   ///< one log line per outage, not one per try
  bool takeover_wait_logged = false; ///< likewise while a former leader's transaction holds on
};

/// Spawn it detached; it starts trying at once.
leadership_actor::behavior_type
leadership(leadership_actor::stateful_pointer<leadership_state> self, leadership_config config);

} // namespace phoenix
