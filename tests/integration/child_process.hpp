// Runs build/bin/phoenix-bot as a child process with its stderr captured,
// so tests can wait for a log line (no sleeps) and check the exit code.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace phoenix::test {

class child_process {
public:
  /// Starts `program` with `args` and exactly the environment `env`.
  child_process(const std::string& program, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env);
  ~child_process();

  /// Reads output until a line contains `text` or `deadline` passes.
  bool wait_for_line(const std::string& text, std::chrono::milliseconds deadline);

  void signal(int sig);
  int pid() const { return pid_; }

  /// Waits for the exit (killing the child after `deadline`); returns the
  /// exit code, or -1 if it had to be killed.
  int wait_exit(std::chrono::milliseconds deadline);

  /// Everything the child wrote to stdout and stderr so far.
  const std::string& output() const { return output_; }

private:
  bool read_some(std::chrono::milliseconds timeout);

  int pid_ = -1;
  int out_fd_ = -1;
  std::string output_;
  bool exited_ = false;
};

} // namespace phoenix::test
