// How jobs look to their owner in Telegram (/analyze, /job, /jobs, /cancel).
#pragma once

#include "core/db_types.hpp"

#include <string>
#include <vector>

namespace phoenix::core {

std::string job_started_text(int64_t job_id, const std::string& what);

/// One job: kind, parameters, status, progress, times, and the result when done.
std::string render_job(const db::job_row& job);

/// A list of jobs, newest first; "no jobs" when empty.
std::string render_jobs(const std::vector<db::job_row>& jobs);

} // namespace phoenix::core
