// The cache actor: owns the in-memory store, the dirty flag and the periodic
// flush. Puts change memory only; a detached writer does all disk I/O.
#pragma once

#include "core/cache/ttl_lru_store.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace phoenix {

struct cache_config {
  std::string path = "var/cache.snapshot";
  caf::timespan flush_interval = std::chrono::minutes{5};
  core::store_limits limits;
  /// Deadline for one snapshot write before it counts as failed.
  caf::timespan write_timeout = std::chrono::minutes{2};
  /// false runs the writer on the scheduler (deterministic tests only).
  bool detached_writer = true;
};

/// A flush_now caller waiting until everything it could see is on disk.
struct flush_waiter {
  uint64_t generation;
  caf::typed_response_promise<flush_report> promise;
};

struct cache_state {
  static inline const char* name = "cache";

  cache_config config;
  core::ttl_lru_store store{core::store_limits{}};
  cache_writer_actor writer;
  uint64_t generation = 0;         ///< bumped by every put
  uint64_t flushed_generation = 0; ///< the newest generation on disk
  bool writing = false;            ///< a snapshot is with the writer
  std::vector<flush_waiter> waiters;
  cache_stats stats;

  bool dirty() const { return generation != flushed_generation; }
};

/// The actor's behaviour; `loaded` are the entries found on disk at start.
cache_actor::behavior_type cache(cache_actor::stateful_pointer<cache_state> self,
                                 cache_config config, core::entry_list loaded);

/// Loads the snapshot (logging what it found), then spawns the cache. Runs in
/// the caller's thread: start-up, before any request can arrive.
cache_actor spawn_cache(caf::actor_system& sys, const cache_config& config);

} // namespace phoenix
