// The job registry: runs background jobs in worker actors (at most
// jobs.max-running), queues the rest (jobs.queue-max), and reaps finished
// jobs on a timer so that its memory stays bounded however long it runs.
#pragma once

#include "core/jobs/job_table.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace phoenix {

/// Starts the worker of one job (kind -> runner). The worker reports with
/// job_progress / job_done to `registry`; if it dies first, the job fails.
using job_runner = std::function<caf::actor(caf::local_actor* spawner, job_registry_actor registry,
                                            const core::job_record& job)>;

struct job_registry_config {
  core::job_limits limits;
  caf::timespan reap_interval = std::chrono::minutes{10};
  caf::timespan timeout = std::chrono::minutes{2};
  std::map<std::string, job_runner> runners;
  db_pool_actor db;             ///< durable copy; none: memory only (tests)
  telegram_sender_actor sender; ///< tells owners their results; none: nobody (tests)
};

/// A create that arrived before the first free id was known.
struct held_create {
  int64_t owner;
  std::string kind, parameters;
  caf::typed_response_promise<job_reply> promise;
};

/// How often the registry asks again for the stored jobs when the database was down.
inline constexpr auto load_retry_interval = std::chrono::seconds{5};

struct job_registry_state {
  static inline const char* name = "job_registry";
  job_registry_config config;
  std::unique_ptr<core::job_table> table;
  std::map<int64_t, caf::actor> workers; ///< running job -> its worker
  std::deque<held_create> held;
  bool load_failed = false; ///< the database did not say which ids are taken (retrying)
  job_stats totals;
};

job_registry_actor::behavior_type
job_registry(job_registry_actor::stateful_pointer<job_registry_state> self,
             job_registry_config config);

/// The database's view of a job record.
core::db::job_row to_row(const core::job_record& job);

} // namespace phoenix
