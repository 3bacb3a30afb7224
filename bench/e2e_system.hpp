// The system under test of the end-to-end benchmark: fake-telegram,
// fake-api-football and phoenix-bot as separate processes (so that each one's
// CPU can be read from /proc), the bot with its limits off and the real
// PostgreSQL of DATABASE_URL (scripts/pg). One per scenario: fresh caches,
// fresh counters.
#pragma once

#include "bench/e2e_fakes.hpp"
#include "bench/e2e_process.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace phoenix::bench {

struct bench_options {
  std::string bin_dir;               ///< fake-telegram, fake-api-football
  std::string bot;                   ///< the phoenix-bot binary under test
  std::string database_url;          ///< from DATABASE_URL
  int fake_threads = 1;              ///< --threads of each fake
  int max_in_flight = 1000;          ///< handlers.max-in-flight of the bot
  int chats = 100000;                ///< distinct chats of the chats scenario
  std::vector<std::string> bot_args; ///< appended to the bot's command line
  bool perf = false;                 ///< perf record (DWARF stacks) of the bot in each window
  bool telegram_limits = false;      ///< true: the bot keeps its default Telegram limits
};

/// CPU milliseconds each part used in a window, and the window's length.
struct cpu_used {
  double bot = 0, telegram = 0, football = 0, postgres = 0, bench = 0, wall_ms = 0;
};

/// A point in time to measure a window from.
struct usage_sample {
  std::chrono::steady_clock::time_point at;
  double bot = 0, telegram = 0, football = 0, bench = 0;
  std::map<pid_t, double> postgres;
};

class system_under_test {
public:
  /// Starts the three processes in `dir` (logs there) and waits until the
  /// bot polls. Update ids start at `first_update_id` (above any offset an
  /// earlier bot stored in the same database).
  system_under_test(const bench_options& options, const std::string& dir, int64_t first_update_id);
  ~system_under_test();

  telegram_driver& telegram() { return *telegram_driver_; }
  football_driver& football() { return *football_driver_; }
  const std::string& telegram_url() const { return telegram_url_; }
  pid_t bot_pid() const { return bot_->pid(); }

  /// Starts a measured window (and perf record on the bot, if asked).
  usage_sample window_start();
  /// What each part used since `before`; ends perf record (perf.data in the dir).
  cpu_used window_end(const usage_sample& before);

  /// SIGTERM to the bot and its exit code (0: an orderly stop).
  int stop_bot();
  /// The bot's exit code once it exits of its own (after a signal).
  int wait_for_bot_exit();
  /// SIGKILL to the bot (a crash: nothing confirmed on the way out).
  void kill_bot();
  /// Starts a bot on the same database and fakes (after kill_bot or
  /// stop_bot) and waits until it polls.
  void start_bot();
  /// Starts a second instance on the same database and fakes and waits
  /// until it stands by (the bot holds the leadership lock).
  void start_standby();
  /// After the bot was killed or stopped: the standby (which took the lock
  /// over) is the bot from now on.
  void standby_takes_over();
  /// Bot API getUpdates calls the fake answered or holds.
  size_t polls() { return telegram_driver_->calls("getUpdates"); }

private:
  usage_sample sample() const;
  std::unique_ptr<child_process> spawn_bot(const std::string& cache_file);

  const bench_options& options_;
  const std::string dir_;
  std::unique_ptr<child_process> telegram_, football_, bot_, standby_, perf_;
  std::unique_ptr<telegram_driver> telegram_driver_;
  std::unique_ptr<football_driver> football_driver_;
  postgres_processes postgres_;
  std::string telegram_url_, football_url_;
  int bot_starts_ = 0; ///< names each bot's log
};

/// "CPU ms: bot 1234 (61% of a core), fake-telegram ..." for one window.
std::string describe(const cpu_used& cpu);

} // namespace phoenix::bench
