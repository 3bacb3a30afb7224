// The application's root actor: holds the top-level actors and runs the
// shutdown order of DESIGN.md: stop polling and drain the updates in flight
// (the offset is confirmed), stop the workers, flush the cache, close the pool.
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
};

struct lifecycle_state {
  static inline const char* name = "lifecycle";
  lifecycle_parts parts;
  telegram_poller_actor poller;
  std::shared_ptr<std::atomic<int>> exit_code;
  bool stopping = false;
};

/// `flush_deadline` bounds the cache's last flush and the poller's drain
/// answer; `exit_code` receives the code main returns (fatal errors).
lifecycle_actor::behavior_type lifecycle(lifecycle_actor::stateful_pointer<lifecycle_state> self,
                                         lifecycle_parts parts, caf::timespan flush_deadline,
                                         std::shared_ptr<std::atomic<int>> exit_code);

} // namespace phoenix
