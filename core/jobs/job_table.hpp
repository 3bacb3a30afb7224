// The job registry's memory: jobs by id with their status and times, the
// queue, and the reaper that keeps finished jobs bounded in age and number.
// Time is passed in, so tests drive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace phoenix::core {

enum class job_status : uint8_t { queued, running, done, failed, cancelled };

const char* to_string(job_status status);
/// The status a stored name stands for (nullopt: not a status).
std::optional<job_status> job_status_of(const std::string& name);

struct job_record {
  int64_t id = 0;
  int64_t owner_chat = 0;
  std::string kind;
  std::string parameters;
  job_status status = job_status::queued;
  std::string progress;
  std::string result; ///< the report, or why it failed
  std::chrono::system_clock::time_point created, started, finished;
  std::chrono::steady_clock::time_point started_at{};  ///< steady: what the timeout compares
  std::chrono::steady_clock::time_point finished_at{}; ///< steady: what the reaper compares

  bool is_finished() const { return status >= job_status::done; }
};

struct job_limits {
  size_t max_running = 4;
  size_t queue_max = 100;
  std::chrono::nanoseconds ttl = std::chrono::hours{24};
  size_t max_finished = 1000;
};

class job_table {
public:
  using steady_time = std::chrono::steady_clock::time_point;

  explicit job_table(job_limits limits, int64_t first_id = 1);

  /// A new queued job, or nullopt when the queue is full ("busy").
  std::optional<int64_t> create(int64_t owner_chat, std::string kind, std::string parameters,
                                std::chrono::system_clock::time_point now);

  /// The next queued job to run, if a running slot is free (it becomes running).
  std::optional<int64_t> start_next(std::chrono::system_clock::time_point now,
                                    steady_time steady_now = {});

  /// Running slots free: the shared queue is asked for at most this many jobs.
  size_t free_slots() const;

  /// A job claimed from the shared queue (numbered by the database) runs
  /// here; false when its id is known already or no slot is free.
  bool start_claimed(job_record job, std::chrono::system_clock::time_point now,
                     steady_time steady_now);

  /// The jobs running here, by id (their leases are renewed).
  std::vector<int64_t> running_ids() const;

  /// Running jobs that started `timeout` or longer ago.
  std::vector<int64_t> overdue(steady_time now, std::chrono::nanoseconds timeout) const;

  /// Ends a queued or running job; false if it is unknown or already finished.
  bool finish(int64_t id, job_status status, std::string result,
              std::chrono::system_clock::time_point now, steady_time steady_now);

  bool set_progress(int64_t id, std::string progress);

  const job_record* find(int64_t id) const;

  /// The newest jobs of one chat (in memory), newest first.
  std::vector<job_record> of_owner(int64_t owner_chat, size_t limit) const;

  /// Removes finished jobs older than the TTL, then the oldest finished ones
  /// beyond max_finished. Queued and running jobs are never removed.
  size_t reap(steady_time now);

  size_t queued() const { return queue_.size(); }
  size_t running() const { return running_; }
  size_t finished() const { return finished_count_; }
  size_t size() const { return jobs_.size(); }
  uint64_t reaped_total() const { return reaped_total_; }

private:
  job_limits limits_;
  int64_t next_id_;
  std::map<int64_t, job_record> jobs_; ///< by id: ids grow, so oldest first
  std::deque<int64_t> queue_;
  std::set<int64_t> running_ids_;
  size_t running_ = 0;
  size_t finished_count_ = 0;
  uint64_t reaped_total_ = 0;
};

} // namespace phoenix::core
