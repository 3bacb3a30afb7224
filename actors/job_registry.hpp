// The job registry: runs background jobs in worker actors (at most
// jobs.max-running), queues the rest (jobs.queue-max), and reaps finished
// jobs on a timer so that its memory stays bounded however long it runs.
// With a database, the queue is the shared jobs table (actors/job_queue.cpp):
// every instance claims and runs jobs; the active one sends the results.
#pragma once

#include "core/jobs/job_table.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
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
  db_pool_actor db;             ///< the shared queue; none: memory only (tests)
  telegram_sender_actor sender; ///< tells owners their results; none: nobody (tests)
  // The shared queue (with db):
  std::string instance;                                   ///< lease owner: unique per process
  caf::timespan claim_interval = std::chrono::seconds{1}; ///< jobs.claim-interval
  caf::timespan lease = std::chrono::seconds{30};         ///< jobs.lease
  int64_t max_attempts = 3;                               ///< jobs.max-attempts
  /// Results wait for leader_atom (only the active instance talks to Telegram).
  bool await_leadership = false;
};

struct job_registry_state {
  static inline const char* name = "job_registry";
  job_registry_config config;
  std::unique_ptr<core::job_table> table;
  std::map<int64_t, caf::actor> workers; ///< running job -> its worker
  job_stats totals;
  // The shared queue (with db):
  bool active = false;             ///< sends results (the active instance)
  bool claiming = false;           ///< a claim is on its way: no second one
  bool renewing = false;           ///< a renewal is on its way: no second one
  std::set<int64_t> notifying;     ///< results being sent: not sent twice
  std::set<int64_t> told_unmarked; ///< sent, but the mark failed: marked at the next tick
};

job_registry_actor::behavior_type
job_registry(job_registry_actor::stateful_pointer<job_registry_state> self,
             job_registry_config config);

/// The database's view of a job record.
core::db::job_row to_row(const core::job_record& job);

} // namespace phoenix
