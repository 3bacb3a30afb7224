#include "core/jobs/job_text.hpp"

#include "core/text/html_text.hpp"

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

std::string job_cancelled_text(int64_t job_id) {
  return "Job #" + std::to_string(job_id) + " cancelled.";
}

std::string job_end_notice(const job_record& job) {
  if (job.status == job_status::done)
    return job.result;
  return "Job #" + std::to_string(job.id) + " " + to_string(job.status) + ": " +
         html_escape(job.result);
}

std::string job_end_notice(const db::job_row& job) {
  job_record record;
  record.id = job.id;
  // A stored status is one of the five (the table checks it); anything else reads as failed.
  record.status = job_status_of(job.status).value_or(job_status::failed);
  record.result = job.result;
  return job_end_notice(record);
}

std::string jobs_busy_refusal() {
  return "Phoenix is busy; please try again in a minute.";
}

std::string unknown_job_kind_refusal() {
  return "Phoenix does not know jobs of that kind.";
}

std::string jobs_unavailable_refusal() {
  return "Background jobs are unavailable while the database is unreachable; please try again "
         "in a minute.";
}

std::string job_records_unreachable_refusal() {
  return "The job records are unreachable right now; please try again in a minute.";
}

std::string no_such_job_refusal(int64_t job_id) {
  return "No job #" + std::to_string(job_id) + " of yours.";
}

std::string job_already_finished_refusal(int64_t job_id) {
  return "Job #" + std::to_string(job_id) + " has already finished.";
}

std::string cancelled_by_owner_result() {
  return "cancelled by you";
}

std::string timed_out_result() {
  return "it took longer than the time allowed";
}

std::string no_runner_result(const std::string& kind) {
  return "no runner for jobs of kind " + kind;
}

std::string worker_died_result(const std::string& reason) {
  return "the job stopped unexpectedly (" + reason + ")";
}

std::string attempts_exhausted_result(int64_t attempts) {
  return "the instance running it stopped " + std::to_string(attempts) +
         " time(s); it is not tried again";
}

} // namespace phoenix::core
