// The application's root actor: holds the top-level actors and runs the
// shutdown order (DESIGN.md: ... flush the cache, close the pool, exit).
#pragma once

#include "messages/actors.hpp"

#include <caf/fwd.hpp>

namespace phoenix {

struct lifecycle_state {
  static inline const char* name = "lifecycle";
  cache_actor cache;
  bool stopping = false;
};

/// `flush_deadline` bounds how long shutdown waits for the cache to reach disk.
lifecycle_actor::behavior_type lifecycle(lifecycle_actor::stateful_pointer<lifecycle_state> self,
                                         cache_actor cache, caf::timespan flush_deadline);

} // namespace phoenix
