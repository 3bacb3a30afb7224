// The whole protocol: every actor's typed interface, one comment per message.
// Interfaces are added here as the issues that implement the actors land; an
// actor named in DESIGN.md but missing here does not exist yet.
#pragma once

#include "messages/atoms.hpp"
#include "messages/cache.hpp"
#include "messages/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <string>

namespace phoenix {

/// The cache: an in-memory TTL + LRU store of strings with a periodic flush
/// to an atomic snapshot file. Writes never touch the disk on the request path.
using cache_actor = caf::typed_actor<
    // Looks a key up: a hit (value, age) or a miss; expired entries are misses.
    caf::replies_to<cache_get_atom, std::string>::with<cache_lookup>,
    // Stores key -> value for the given TTL in memory and marks the cache dirty.
    caf::reacts_to<cache_put_atom, std::string, std::string, caf::timespan>,
    // Periodic timer (cache.flush-interval): if dirty, hand a snapshot to the writer.
    caf::reacts_to<flush_tick_atom>,
    // Writes the data now (if dirty) and answers once it is on disk.
    caf::replies_to<flush_now_atom>::with<flush_report>,
    // Counters: entries, bytes, hits, misses, evictions, flushes, failures.
    caf::replies_to<stats_atom>::with<cache_stats>>;

/// The cache writer: a detached actor that does the cache's disk I/O.
using cache_writer_actor = caf::typed_actor<
    // Serialises the snapshot and replaces the file atomically (temp file,
    // fsync, rename, fsync of the folder); answers with what it wrote or an error.
    caf::replies_to<write_atom, cache_snapshot>::with<flush_report>>;

/// The application's root: owns the other actors and the shutdown order.
using lifecycle_actor = caf::typed_actor<
    // Orderly shutdown: flush the cache, stop every actor, then quit.
    caf::reacts_to<shutdown_atom>>;

} // namespace phoenix
