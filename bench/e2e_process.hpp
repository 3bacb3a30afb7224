// The end-to-end benchmark's view of processes: start a program with its
// output in a log file, wait for a line, read its CPU time and memory from
// /proc, stop it. Also the CPU of the PostgreSQL server processes (the bot's
// backends and the server's own), found through pg_stat_activity.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace phoenix::bench {

/// CPU time (user + system, all threads) of a process in milliseconds, from
/// /proc/<pid>/stat (clock-tick resolution, 10 ms here); -1 when it is gone.
double process_cpu_ms(pid_t pid);

/// A "VmRSS" / "VmHWM" line of /proc/<pid>/status in kB; -1 when unknown.
long process_memory_kb(pid_t pid, const char* field);

/// CPU of this process (user + system, every thread) in milliseconds.
double own_cpu_ms();

/// A program running as a child process with stdout and stderr in `log_path`.
class child_process {
public:
  child_process(std::string name, const std::string& program, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env, std::string log_path);
  ~child_process(); ///< stops it (SIGTERM, then SIGKILL) if still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  /// Waits until the log holds `text`; throws with the log's tail when the
  /// process exits first or the deadline passes.
  void wait_for_log(const std::string& text, std::chrono::milliseconds deadline) const;
  /// The text after `prefix` on the first log line that has it ("" if none).
  std::string log_value(const std::string& prefix) const;
  /// The last lines of the log, for error messages.
  std::string log_tail(size_t lines = 20) const;

  /// SIGTERM, then waits up to `deadline` (SIGKILL after it). Returns the
  /// exit code, 128 + signal when killed by one, -1 when it had to be killed.
  int stop(std::chrono::milliseconds deadline);
  /// Waits up to `deadline` for an exit under way (SIGKILL after it); the
  /// same exit code as stop.
  int wait_exit(std::chrono::milliseconds deadline);
  /// SIGKILL (a crash: no orderly shutdown) and waits until it is gone.
  void kill();

private:
  std::string read_log() const;

  std::string name_, log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

/// The server processes of the PostgreSQL at `uri`: backends and background
/// processes (not the postmaster), found through pg_stat_activity.
class postgres_processes {
public:
  explicit postgres_processes(std::string uri) : uri_(std::move(uri)) {}
  /// CPU milliseconds per server process now.
  std::map<pid_t, double> sample() const;
  /// CPU used between two samples: processes that appeared count from zero,
  /// those that ended are lost (a connection closed meanwhile).
  static double used_ms(const std::map<pid_t, double>& before,
                        const std::map<pid_t, double>& after);

private:
  std::string uri_;
};

} // namespace phoenix::bench
