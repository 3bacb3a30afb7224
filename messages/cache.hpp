// Payload types of the cache protocol (see actors.hpp for the messages).
#pragma once

#include "core/cache/ttl_lru_store.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>
#include <cstdint>
#include <memory>
#include <string>

namespace phoenix {

/// Answer to a cache lookup: a hit shares the stored entry (immutable, so no
/// copy of the value; its identity tells a reader whether it saw it before)
/// and says how long ago it was stored.
struct cache_lookup {
  bool hit = false;
  core::cache_entry_ptr entry; ///< set on a hit
  caf::timespan age{0};
  bool expired = false; ///< only from cache_get_stale: past its TTL

  /// The stored value; "" on a miss.
  const std::string& value() const {
    static const std::string none;
    return entry ? entry->value : none;
  }
};

/// Counters of the cache, for operators and metrics.
struct cache_stats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t expirations = 0;
  uint64_t flushes = 0;
  uint64_t flush_failures = 0;
  caf::timespan last_flush_duration{0};
  uint64_t last_flush_bytes = 0;
  bool dirty = false;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, cache_stats& x) {
  return f(caf::meta::type_name("cache_stats"), x.entries, x.bytes, x.hits, x.misses, x.evictions,
           x.expirations, x.flushes, x.flush_failures, x.last_flush_duration, x.last_flush_bytes,
           x.dirty);
}

/// What one snapshot write put on disk.
struct flush_report {
  bool written = false; ///< false: the cache was clean, nothing to write
  uint64_t entries = 0;
  uint64_t bytes = 0;
  caf::timespan duration{0};
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, flush_report& x) {
  return f(caf::meta::type_name("flush_report"), x.written, x.entries, x.bytes, x.duration);
}

/// An immutable view of the cache's entries at one instant. Shares the entries
/// with the store (no copy of keys or values), so taking it is cheap for the
/// cache and the writer serialises it on its own thread.
struct cache_snapshot {
  std::shared_ptr<const core::store_snapshot> entries;
  core::steady_time taken_at;
};

} // namespace phoenix

// Local-only messages: they hold pointers into the cache's memory and never
// cross a process boundary.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::cache_lookup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::cache_entry_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::cache_snapshot)
