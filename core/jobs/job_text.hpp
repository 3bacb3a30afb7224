// How jobs look to their owner in Telegram (/analyze, /job, /jobs, /cancel),
// and every sentence about jobs the registry and the conversation send.
// Functions ending in _text return HTML; refusals and results are plain text
// (their readers escape them).
#pragma once

#include "core/db/db_types.hpp"
#include "core/jobs/job_table.hpp"

#include <string>
#include <vector>

namespace phoenix::core {

std::string job_started_text(int64_t job_id, const std::string& what);
std::string job_cancelled_text(int64_t job_id);

/// One job: kind, parameters, status, progress, times, and the result when done.
std::string render_job(const db::job_row& job);

/// A list of jobs, newest first; "no jobs" when empty.
std::string render_jobs(const std::vector<db::job_row>& jobs);

/// What the owner gets when a job ends: the report itself (HTML) when done,
/// else "Job #N failed: why".
std::string job_end_notice(const job_record& job);
/// The same for a job the shared queue ran (on any instance).
std::string job_end_notice(const db::job_row& job);

// Refusals (plain text): the registry's answers to a request it cannot serve.
/// The queue is full, or the registry did not answer.
std::string jobs_busy_refusal();
std::string unknown_job_kind_refusal();
/// The stored jobs were not read yet: new ids could overwrite them.
std::string jobs_unavailable_refusal();
/// A job only the database knows, while the database does not answer.
std::string job_records_unreachable_refusal();
std::string no_such_job_refusal(int64_t job_id);
std::string job_already_finished_refusal(int64_t job_id);

// Results (plain text) of jobs that did not end on their own; /job shows them.
std::string cancelled_by_owner_result();
std::string timed_out_result();
std::string no_runner_result(const std::string& kind);
std::string worker_died_result(const std::string& reason);
/// The instances running the job stopped (died) `attempts` times: not tried again.
std::string attempts_exhausted_result(int64_t attempts);

} // namespace phoenix::core
