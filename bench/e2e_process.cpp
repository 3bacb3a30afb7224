#include "bench/e2e_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <pqxx/pqxx>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace phoenix::bench {

using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

double process_cpu_ms(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text))
    return -1;
  // The name in parentheses may hold spaces: fields are counted after its ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos)
    return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) { // field 3 is the state
    if (i == 14)
      utime = std::stoull(field);
    if (i == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long process_memory_kb(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  const std::string prefix = std::string(field) + ":";
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0)
      return std::stol(line.substr(prefix.size()));
  return -1;
}

double own_cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& t) { return t.tv_sec * 1000.0 + t.tv_usec / 1000.0; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

child_process::child_process(std::string name, const std::string& program,
                             const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env, std::string log_path)
    : name_(std::move(name)), log_path_(std::move(log_path)) {
  int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0)
    throw std::runtime_error("cannot create " + log_path_);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log, 1);
  posix_spawn_file_actions_adddup2(&actions, log, 2);
  std::vector<std::string> argv_store{program};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  for (auto& [key, value] : env)
    env_store.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& e : env_store)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(log);
  if (rc != 0)
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
}

child_process::~child_process() {
  if (!exited_)
    stop(milliseconds{10000});
}

std::string child_process::read_log() const {
  std::ifstream in(log_path_);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void child_process::wait_for_log(const std::string& text, milliseconds deadline) const {
  auto until = steady::now() + deadline;
  for (;;) {
    if (read_log().find(text) != std::string::npos)
      return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_)
      throw std::runtime_error(name_ + " exited before logging '" + text + "':\n" + log_tail());
    if (steady::now() > until)
      throw std::runtime_error(name_ + " did not log '" + text + "' in time:\n" + log_tail());
    // A benchmark harness, not a test: polling the log file is good enough.
    std::this_thread::sleep_for(milliseconds{10});
  }
}

std::string child_process::log_value(const std::string& prefix) const {
  std::istringstream in(read_log());
  for (std::string line; std::getline(in, line);)
    if (auto at = line.find(prefix); at != std::string::npos)
      return line.substr(at + prefix.size());
  return "";
}

std::string child_process::log_tail(size_t lines) const {
  std::string log = read_log();
  size_t at = log.size();
  for (size_t n = 0; n <= lines && at > 0; ++n)
    at = log.rfind('\n', at - 1);
  return at == std::string::npos || at == 0 ? log : log.substr(at + 1);
}

int child_process::stop(milliseconds deadline) {
  if (exited_)
    return 0;
  ::kill(pid_, SIGTERM);
  return wait_exit(deadline);
}

int child_process::wait_exit(milliseconds deadline) {
  if (exited_)
    return 0;
  auto until = steady::now() + deadline;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) != pid_) {
    if (steady::now() > until) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      exited_ = true;
      return -1;
    }
    std::this_thread::sleep_for(milliseconds{10});
  }
  exited_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void child_process::kill() {
  if (exited_)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exited_ = true;
}

std::map<pid_t, double> postgres_processes::sample() const {
  std::map<pid_t, double> cpu;
  pqxx::connection c{uri_};
  pqxx::nontransaction tx{c};
  for (const auto& row :
       tx.exec("SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")) {
    auto pid = static_cast<pid_t>(row[0].as<long>());
    if (double ms = process_cpu_ms(pid); ms >= 0)
      cpu[pid] = ms;
  }
  return cpu;
}

double postgres_processes::used_ms(const std::map<pid_t, double>& before,
                                   const std::map<pid_t, double>& after) {
  double used = 0;
  for (auto& [pid, ms] : after) {
    auto earlier = before.find(pid);
    used += ms - (earlier == before.end() ? 0.0 : earlier->second);
  }
  return used;
}

} // namespace phoenix::bench
