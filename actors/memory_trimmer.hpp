// The memory trimmer: glibc keeps freed memory in its arenas (one per
// scheduler thread), so after a crowd of chats RSS stays at its peak although
// the chats' structures are gone. Every memory.trim-interval it gives the
// free pages back (core::return_free_memory, malloc_trim); measured in
// docs/benchmarks.md ("chats").
#pragma once

#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <functional>

namespace phoenix {

struct memory_trimmer_config {
  caf::timespan interval = std::chrono::seconds{10}; ///< memory.trim-interval (> 0)
  /// Returns the free pages; whether any were returned (tests count calls).
  std::function<bool()> trim;
};

struct memory_trimmer_state {
  static inline const char* name = "memory_trimmer";
  memory_trimmer_config config;
  uint64_t trims = 0;    ///< ticks so far
  uint64_t returned = 0; ///< ticks that gave memory back
};

memory_trimmer_actor::behavior_type
memory_trimmer(memory_trimmer_actor::stateful_pointer<memory_trimmer_state> self,
               memory_trimmer_config config);

} // namespace phoenix
