#include "tests/integration/child_process.hpp"

#include <csignal>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace phoenix::test {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

child_process::child_process(const std::string& program, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  int fds[2];
  if (::pipe(fds) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> argv_store{program};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  for (auto& [k, v] : env)
    env_store.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_store)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  auto rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  out_fd_ = fds[0];
  if (rc != 0)
    throw std::runtime_error("cannot start " + program);
}

child_process::~child_process() {
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::close(out_fd_);
}

bool child_process::read_some(milliseconds timeout) {
  pollfd p{out_fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
    return false;
  char buf[4096];
  auto n = ::read(out_fd_, buf, sizeof(buf));
  if (n <= 0)
    return false;
  output_.append(buf, static_cast<size_t>(n));
  return true;
}

bool child_process::wait_for_line(const std::string& text, milliseconds deadline) {
  auto until = steady_clock::now() + deadline;
  while (output_.find(text) == std::string::npos) {
    auto left = std::chrono::duration_cast<milliseconds>(until - steady_clock::now());
    if (left <= milliseconds::zero() || !read_some(left))
      return output_.find(text) != std::string::npos;
  }
  return true;
}

void child_process::signal(int sig) {
  ::kill(pid_, sig);
}

int child_process::wait_exit(milliseconds deadline) {
  // A pidfd becomes readable when the child exits: poll it beside the output
  // pipe (which must be drained, or a chatty child blocks on a full pipe).
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  auto until = steady_clock::now() + deadline;
  int status = 0;
  bool output_open = true;
  while (::waitpid(pid_, &status, WNOHANG) != pid_) {
    auto left = std::chrono::duration_cast<milliseconds>(until - steady_clock::now());
    if (left <= milliseconds::zero()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      exited_ = true;
      ::close(pidfd);
      return -1;
    }
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {output_open ? out_fd_ : -1, POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(left.count()));
    if (fds[1].revents != 0)
      output_open = read_some(milliseconds{0});
  }
  ::close(pidfd);
  exited_ = true;
  while (read_some(milliseconds{0})) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace phoenix::test
