// The cache writer: the only place where the cache touches the disk.
#pragma once

#include "messages/actors.hpp"

#include <string>

namespace phoenix {

/// Serialises snapshots and writes them atomically to `path`. Spawned
/// detached by the cache (file I/O blocks; it must not hold a scheduler thread).
cache_writer_actor::behavior_type cache_writer(cache_writer_actor::pointer self, std::string path);

} // namespace phoenix
