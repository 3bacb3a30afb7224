// The job registry's side of the shared job queue (the jobs table): every
// instance claims jobs for its free slots under a lease it renews while they
// run; a job whose lease ran out (its instance died) is claimed again, at
// most jobs.max-attempts times. Results are written by the lease holder only
// and sent by the active instance alone, which marks them told once Telegram
// answered (see docs/architecture.md, "Background jobs").
#pragma once

#include "actors/job_registry.hpp"

#include <string>

namespace phoenix {

using job_registry_pointer = job_registry_actor::stateful_pointer<job_registry_state>;

// From job_registry.cpp, used by the queue:

/// Starts the worker of job `id` (running in the table), or fails it when no
/// runner knows its kind.
void run_job(job_registry_pointer self, int64_t id);

/// Ends a job in memory; `write` also stores the result (the lease holder's).
void end_job(job_registry_pointer self, int64_t id, core::job_status status, std::string result,
             bool write = true);

// The queue:

/// Queues a job in the database; the promise gets its id, "busy" or "unavailable".
void queue_create(job_registry_pointer self, int64_t owner, int64_t update_id,
                  const std::string& kind, const std::string& parameters,
                  caf::typed_response_promise<job_reply> promise);

/// Claims jobs for the free slots and starts them (one claim at a time).
void queue_claim(job_registry_pointer self);

/// The periodic tick: renew the leases here, claim, and send results when active.
void queue_tick(job_registry_pointer self);

/// Stores how a job run here ended (refused when the lease was lost).
void queue_finish(job_registry_pointer self, const core::job_record& job);

void queue_progress(job_registry_pointer self, int64_t id, const std::string& progress);

/// Cancels a job that is not running here (queued, or running elsewhere).
void queue_cancel(job_registry_pointer self, int64_t id, int64_t owner,
                  caf::typed_response_promise<job_reply> promise);

/// Active instance: sends finished jobs' results not sent yet, each marked
/// told once every part was answered by Telegram.
void queue_notify(job_registry_pointer self);

} // namespace phoenix
