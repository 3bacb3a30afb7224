// phoenix-bot: reads and checks the configuration, starts the actors, and
// turns SIGINT/SIGTERM into the orderly shutdown of the lifecycle actor.
#include "app/bot_system.hpp"
#include "app/config.hpp"
#include "app/logging.hpp"
#include "core/ops/process_stats.hpp"

#include <caf/all.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

using namespace phoenix;

// Exit codes: 0 orderly stop, 1 forced stop (second signal), 2 bad
// configuration, 3 the bot token was rejected.
constexpr int exit_forced = 1;

std::shared_ptr<const core::redactor> make_redactor(const settings& values) {
  auto redactor = std::make_shared<core::redactor>();
  for (auto& spec : option_specs())
    if (spec.secret)
      redactor->add_secret(values.*std::get<std::string settings::*>(spec.field));
  return redactor;
}

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2); // sent by main itself to end the signal thread
  return set;
}

// Waits for signals on its own thread: the first SIGINT/SIGTERM starts the
// orderly shutdown, a second one forces the exit.
void wait_for_signals(lifecycle_actor root) {
  auto set = shutdown_signals();
  bool asked = false;
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0 || sig == SIGUSR2)
      return;
    if (asked) {
      spdlog::warn("second signal: exiting without waiting for shutdown to finish");
      spdlog::default_logger()->flush();
      std::_Exit(exit_forced);
    }
    asked = true;
    spdlog::info("received {}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    caf::anon_send(root, shutdown_atom::value);
  }
}

// glibc reads GLIBC_TUNABLES only when a program starts: to turn its thread
// cache off (memory.thread-cache = off), the bot starts itself again with it
// set, keeping its pid, before any thread exists. Empty if it did not need
// to; else why the restart failed (errno is read at once: logging's set-up
// would overwrite it).
std::string restart_without_thread_cache(char** argv) {
  auto tunables = core::tunables_without_thread_cache(std::getenv("GLIBC_TUNABLES"));
  if (!tunables)
    return {}; // set already (by the operator, or by this restart)
  ::setenv("GLIBC_TUNABLES", tunables->c_str(), 1);
  // By its path, so that the process keeps its name (ps, pgrep); the link
  // itself if the file was replaced meanwhile.
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec || !std::filesystem::exists(path))
    path = "/proc/self/exe";
  ::execv(path.c_str(), argv);
  return std::strerror(errno); // runs on with the cache
}

} // namespace

int main(int argc, char** argv) {
  phoenix_config cfg;
  auto outcome = load_config(cfg, std::vector<std::string>(argv + 1, argv + argc), process_env());
  if (outcome.help_printed)
    return 0;
  if (outcome.exit_code != 0) {
    for (auto& line : outcome.problems)
      std::cerr << "phoenix-bot: config error: " << line << '\n';
    return outcome.exit_code;
  }
  auto& values = cfg.values;
  auto restart_failed =
      values.memory_thread_cache == "on" ? std::string{} : restart_without_thread_cache(argv);
  setup_logging({values.log_level, values.log_format}, make_redactor(values));
  spdlog::info("phoenix-bot starting");
  if (!restart_failed.empty())
    spdlog::warn("memory.thread-cache = off, but restarting with GLIBC_TUNABLES set failed ({})",
                 restart_failed);
  spdlog::info("memory: glibc's thread cache is {}",
               core::thread_cache_in_use() ? "on" : "off (freed memory can go back)");
  for (auto& line : describe(values))
    spdlog::debug("config: {}", line);

  // Block the signals before CAF starts its threads so that only the signal
  // thread ever receives them.
  auto signals = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int exit_code = 0;
  {
    caf::actor_system sys{cfg};
    auto bot = start_bot(sys, values);
    std::thread signal_thread{wait_for_signals, bot.root};
    spdlog::info("phoenix-bot running; SIGINT or SIGTERM stops it");
    auto code = bot.exit_code;
    auto http = bot.http;
    auto football_http = bot.football_http;
    auto metrics_server = bot.metrics_server;
    auto webhook_server = bot.webhook_server;
    bot = running_bot{}; // drop our handles: the actors end by themselves
    sys.await_all_actors_done();
    pthread_kill(signal_thread.native_handle(), SIGUSR2);
    signal_thread.join();
    exit_code = *code;
  } // the actor system first, then the HTTP clients its actors used
  spdlog::info("phoenix-bot stopped");
  return exit_code;
}
