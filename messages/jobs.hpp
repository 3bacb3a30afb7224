// Payload types of the job registry protocol (see actors.hpp for the messages).
#pragma once

#include "core/db/db_types.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace phoenix {

/// The registry's answer: a job id, the jobs asked for, or why not.
struct job_reply {
  bool ok = false;
  int64_t id = 0;
  std::string message; ///< a sentence for the user when !ok
  std::vector<core::db::job_row> jobs;
  bool repeated = false; ///< create: this update had queued job `id` before
};

/// Counters of the job registry.
struct job_stats {
  uint64_t queued = 0;
  uint64_t running = 0;
  uint64_t finished_in_memory = 0;
  uint64_t done = 0; ///< totals since start
  uint64_t failed = 0;
  uint64_t cancelled = 0;
  uint64_t rejected = 0; ///< queue full
  uint64_t reaped = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, job_stats& x) {
  return f(caf::meta::type_name("job_stats"), x.queued, x.running, x.finished_in_memory, x.done,
           x.failed, x.cancelled, x.rejected, x.reaped);
}

} // namespace phoenix

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::job_reply) // local only
