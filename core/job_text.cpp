#include "core/job_text.hpp"

#include "core/html_text.hpp"

#include <ctime>

namespace phoenix::core {

namespace {

std::string utc_time(int64_t unix_seconds) {
  if (unix_seconds == 0)
    return "-";
  std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string title(const db::job_row& job) {
  return "Job #" + std::to_string(job.id) + " (" + html_escape(job.kind) + " " +
         html_escape(job.parameters) + ")";
}

} // namespace

std::string job_started_text(int64_t job_id, const std::string& what) {
  return "Job #" + std::to_string(job_id) + " started: " + html_escape(what) +
         ". The report comes here when it is ready; /job " + std::to_string(job_id) +
         " shows its progress.";
}

std::string render_job(const db::job_row& job) {
  std::string out = "<b>" + title(job) + "</b>: " + html_escape(job.status);
  if (!job.progress.empty() && (job.status == "running" || job.status == "queued"))
    out += " — " + html_escape(job.progress);
  out += "\nCreated " + utc_time(job.created) + ", started " + utc_time(job.started) +
         ", finished " + utc_time(job.finished);
  if (job.status == "done")
    out += "\n\n" + job.result; // the report is HTML already
  else if (!job.result.empty())
    out += "\n" + html_escape(job.result);
  return out;
}

std::string render_jobs(const std::vector<db::job_row>& jobs) {
  if (jobs.empty())
    return "You have no jobs. Start one with /analyze &lt;fixture id&gt;.";
  std::string out = "<b>Your recent jobs</b>\n";
  for (auto& job : jobs)
    out += title(job) + ": " + html_escape(job.status) + "\n";
  return out;
}

} // namespace phoenix::core
