// The application's root actor: holds the top-level actors and runs the
// shutdown order of DESIGN.md: stop polling and drain the updates in flight
// (the offset is confirmed), release the leadership lock, stop the workers,
// flush the cache, close the pool. It spawns the poller when the instance
// becomes active, and stops polling and sending at once when it loses that.
#pragma once

#include "messages/actors.hpp"

#include <atomic>
#include <caf/fwd.hpp>
#include <memory>
#include <vector>

namespace phoenix {

/// The actors the lifecycle stops, in this order.
struct lifecycle_parts {
  std::vector<caf::actor> workers; ///< after the poller drained: dispatcher, sender, football...
  cache_actor cache;               ///< then flushed and stopped
  std::vector<caf::actor> last;    ///< then these (the database pool)
  db_pool_actor db;                ///< drained (pending writes done) before `last` stop
  caf::actor sender;               ///< stopped at once, with the poller, when leadership is lost
  job_registry_actor jobs;         ///< told when this instance is active (it sends job results)
};

/// Exit code of an instance that lost its leadership (systemd restarts it as a standby).
inline constexpr int exit_leadership_lost = 4;

struct lifecycle_state {
  static inline const char* name = "lifecycle";
  lifecycle_parts parts;
  telegram_poller_actor poller;
  leadership_actor leadership;    ///< resigned after the poller's last writes; stopped last
  telegram_webhook_actor webhook; ///< webhook mode: told leader_atom with the poller
  live_alerts_actor live;         ///< told leader_atom with the poller; stopped when it is lost
  bool lost = false;
  std::shared_ptr<std::atomic<int>> exit_code;
  bool stopping = false;
};

/// `flush_deadline` bounds the cache's last flush and the poller's drain
/// answer; `exit_code` receives the code main returns (fatal errors).
lifecycle_actor::behavior_type lifecycle(lifecycle_actor::stateful_pointer<lifecycle_state> self,
                                         lifecycle_parts parts, caf::timespan flush_deadline,
                                         std::shared_ptr<std::atomic<int>> exit_code);

} // namespace phoenix
