#include "core/ops/health.hpp"

#include <algorithm>

namespace phoenix::core {

int64_t poll_age_limit(int64_t poll_timeout_seconds) {
  return std::max<int64_t>(2 * poll_timeout_seconds, 5);
}

namespace {

health_verdict verdict(const std::string& reasons, const char* good) {
  if (reasons.empty())
    return {true, good};
  return {false, reasons};
}

void add(std::string& reasons, const std::string& line) {
  reasons += line;
  reasons += '\n';
}

} // namespace

health_verdict check_health(const health_inputs& in) {
  std::string reasons;
  auto poll_limit = poll_age_limit(in.poll_timeout_seconds);
  if (in.standby)
    ; // polling is the active instance's part
  else if (!in.poller_answered)
    add(reasons, "telegram: the poller did not answer");
  else if (in.last_poll_ok_unix == 0)
    add(reasons, "telegram: no successful getUpdates yet");
  else if (auto age = in.now_unix - in.last_poll_ok_unix; age > poll_limit)
    add(reasons, "telegram: no successful getUpdates for " + std::to_string(age) + " s (limit " +
                     std::to_string(poll_limit) + " s)");
  // The part and the state only: the driver's error text names hosts and users
  // and /healthz needs no login (the log has the details).
  if (!in.db_answered)
    add(reasons, "database: unavailable (the pool did not answer)");
  else if (in.db_last_ok_unix == 0)
    add(reasons, "database: unavailable (no answer yet)");
  else if (auto age = in.now_unix - in.db_last_ok_unix; age > db_age_limit)
    add(reasons, "database: unavailable (no answer for " + std::to_string(age) + " s, limit " +
                     std::to_string(db_age_limit) + " s)");
  return verdict(reasons, "ok\n");
}

health_verdict check_ready(const health_inputs& in) {
  std::string reasons;
  if (!in.db_answered || in.db_last_ok_unix == 0)
    add(reasons, "starting: migrations have not run yet (no database answer)");
  if (!in.standby && (!in.poller_answered || in.last_poll_ok_unix == 0))
    add(reasons, "starting: no successful getUpdates yet");
  return verdict(reasons, "ready\n");
}

} // namespace phoenix::core
