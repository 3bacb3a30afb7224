// /healthz and /readyz verdicts from what the poller and the database pool
// last reported; plain functions so that every rule is unit-tested.
#pragma once

#include <cstdint>
#include <string>

namespace phoenix::core {

struct health_inputs {
  int64_t now_unix = 0;
  int64_t poll_timeout_seconds = 30; ///< telegram.poll-timeout
  bool poller_answered = false;      ///< the poller answered this check
  int64_t last_poll_ok_unix = 0;     ///< 0: no successful getUpdates yet
  bool db_answered = false;          ///< the pool answered this check
  int64_t db_last_ok_unix = 0;       ///< 0: the database never answered
  /// A standby (another instance holds the leadership) does not poll: its
  /// health and readiness are the database's alone.
  bool standby = false;
};

struct health_verdict {
  bool ok = false;
  std::string text; ///< "ok" / "ready", else one line per failing part ("database: unavailable")
};

/// A successful getUpdates may be at most this old (2 x poll timeout, at least 5 s).
int64_t poll_age_limit(int64_t poll_timeout_seconds);

/// The database must have answered within this many seconds (it is pinged every 5 s).
inline constexpr int64_t db_age_limit = 15;

/// Healthy: a poll completed recently and the database answered recently.
health_verdict check_health(const health_inputs& in);

/// Ready: migrations ran (the database answered once) and the first poll succeeded.
health_verdict check_ready(const health_inputs& in);

} // namespace phoenix::core
