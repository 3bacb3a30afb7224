// The application's root actor: holds the top-level actors and runs the
// shutdown order (DESIGN.md: ... flush the cache, close the pool, exit).
#pragma once

#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <vector>

namespace phoenix {

struct lifecycle_state {
  static inline const char* name = "lifecycle";
  cache_actor cache;
  std::vector<caf::actor> workers; ///< stopped before the cache's last flush
  bool stopping = false;
};

/// `workers` stop first (they write into the cache), then the cache flushes;
/// `flush_deadline` bounds how long shutdown waits for the cache to reach disk.
lifecycle_actor::behavior_type lifecycle(lifecycle_actor::stateful_pointer<lifecycle_state> self,
                                         cache_actor cache, std::vector<caf::actor> workers,
                                         caf::timespan flush_deadline);

} // namespace phoenix
