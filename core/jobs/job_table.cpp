#include "core/jobs/job_table.hpp"

#include <algorithm>

namespace phoenix::core {

const char* to_string(job_status status) {
  switch (status) {
  case job_status::queued:
    return "queued";
  case job_status::running:
    return "running";
  case job_status::done:
    return "done";
  case job_status::failed:
    return "failed";
  case job_status::cancelled:
    return "cancelled";
  }
  return "unknown";
}

std::optional<job_status> job_status_of(const std::string& name) {
  for (auto s : {job_status::queued, job_status::running, job_status::done, job_status::failed,
                 job_status::cancelled})
    if (name == to_string(s))
      return s;
  return std::nullopt;
}

job_table::job_table(job_limits limits, int64_t first_id)
    : limits_(limits), next_id_(std::max<int64_t>(1, first_id)) {}

std::optional<int64_t> job_table::create(int64_t owner_chat, std::string kind,
                                         std::string parameters,
                                         std::chrono::system_clock::time_point now) {
  if (queue_.size() >= limits_.queue_max)
    return std::nullopt;
  auto id = next_id_++;
  job_record job;
  job.id = id;
  job.owner_chat = owner_chat;
  job.kind = std::move(kind);
  job.parameters = std::move(parameters);
  job.created = now;
  jobs_.emplace(id, std::move(job));
  queue_.push_back(id);
  return id;
}

std::optional<int64_t> job_table::start_next(std::chrono::system_clock::time_point now,
                                             steady_time steady_now) {
  while (!queue_.empty() && running_ < limits_.max_running) {
    auto id = queue_.front();
    queue_.pop_front();
    auto pos = jobs_.find(id);
    if (pos == jobs_.end() || pos->second.status != job_status::queued)
      continue; // cancelled while queued
    pos->second.status = job_status::running;
    pos->second.started = now;
    pos->second.started_at = steady_now;
    running_ids_.insert(id);
    ++running_;
    return id;
  }
  return std::nullopt;
}

size_t job_table::free_slots() const {
  return running_ < limits_.max_running ? limits_.max_running - running_ : 0;
}

bool job_table::start_claimed(job_record job, std::chrono::system_clock::time_point now,
                              steady_time steady_now) {
  if (free_slots() == 0 || jobs_.count(job.id) > 0)
    return false;
  auto id = job.id;
  job.status = job_status::running;
  job.started = now;
  job.started_at = steady_now;
  jobs_.emplace(id, std::move(job));
  running_ids_.insert(id);
  ++running_;
  return true;
}

std::vector<int64_t> job_table::running_ids() const {
  return {running_ids_.begin(), running_ids_.end()};
}

bool job_table::finish(int64_t id, job_status status, std::string result,
                       std::chrono::system_clock::time_point now, steady_time steady_now) {
  auto pos = jobs_.find(id);
  if (pos == jobs_.end() || pos->second.is_finished())
    return false;
  auto& job = pos->second;
  if (job.status == job_status::running) {
    --running_;
    running_ids_.erase(id);
  } else
    queue_.erase(std::remove(queue_.begin(), queue_.end(), id), queue_.end());
  job.status = status;
  job.result = std::move(result);
  job.finished = now;
  job.finished_at = steady_now;
  ++finished_count_;
  return true;
}

bool job_table::set_progress(int64_t id, std::string progress) {
  auto pos = jobs_.find(id);
  if (pos == jobs_.end() || pos->second.is_finished())
    return false;
  pos->second.progress = std::move(progress);
  return true;
}

std::vector<int64_t> job_table::overdue(steady_time now, std::chrono::nanoseconds timeout) const {
  std::vector<int64_t> out;
  for (auto id : running_ids_)
    if (now - jobs_.at(id).started_at >= timeout)
      out.push_back(id);
  return out;
}

const job_record* job_table::find(int64_t id) const {
  auto pos = jobs_.find(id);
  return pos == jobs_.end() ? nullptr : &pos->second;
}

std::vector<job_record> job_table::of_owner(int64_t owner_chat, size_t limit) const {
  std::vector<job_record> out;
  for (auto it = jobs_.rbegin(); it != jobs_.rend() && out.size() < limit; ++it)
    if (it->second.owner_chat == owner_chat)
      out.push_back(it->second);
  return out;
}

size_t job_table::reap(steady_time now) {
  size_t removed = 0;
  // Ids grow with creation time; finished ones may finish in any order, so
  // the age check looks at every finished job, the cap keeps the newest ids.
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.is_finished() && now - it->second.finished_at >= limits_.ttl) {
      it = jobs_.erase(it);
      ++removed;
      --finished_count_;
    } else {
      ++it;
    }
  }
  for (auto it = jobs_.begin(); finished_count_ > limits_.max_finished && it != jobs_.end();) {
    if (it->second.is_finished()) {
      it = jobs_.erase(it);
      ++removed;
      --finished_count_;
    } else {
      ++it;
    }
  }
  reaped_total_ += removed;
  return removed;
}

} // namespace phoenix::core
