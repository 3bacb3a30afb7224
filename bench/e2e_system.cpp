#include "bench/e2e_system.hpp"

#include "tests/fakes/fake_api_football.hpp"

#include <cstdlib>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace phoenix::bench {

using namespace std::chrono_literals;

namespace {

// The fake's default token; the bot gets it from the environment as in production.
const std::string token = "123456:TEST-token-for-the-fake-telegram-0001";
const std::string api_key = "test-key";

std::string listening_url(const child_process& fake) {
  fake.wait_for_log("listening on ", 10s);
  auto url = fake.log_value("listening on ");
  if (url.rfind("http://127.0.0.1:", 0) != 0)
    throw std::runtime_error(fake.name() + " printed no loopback URL: " + url);
  return url;
}

} // namespace

system_under_test::system_under_test(const bench_options& o, const std::string& dir,
                                     int64_t first_update_id)
    : options_(o), dir_(dir), postgres_(o.database_url) {
  const std::map<std::string, std::string> fake_env{{"PATH", "/usr/bin:/bin"}};
  const auto threads = std::to_string(o.fake_threads);
  telegram_ = std::make_unique<child_process>(
      "fake-telegram", o.bin_dir + "/fake-telegram",
      std::vector<std::string>{"--token", token, "--threads", threads, "--first-update-id",
                               std::to_string(first_update_id)},
      fake_env, dir + "/fake-telegram.log");
  // Quotas far above anything a run spends: the budgets are not under test here. The
  // scenarios ask for many distinct fixtures (1000001.., 2000001.., 3000001): generated ids.
  const auto ids = std::to_string(fakes::test_fixture_ids.first) + "-" +
                   std::to_string(fakes::test_fixture_ids.last);
  football_ = std::make_unique<child_process>(
      "fake-api-football", o.bin_dir + "/fake-api-football",
      std::vector<std::string>{"--key", api_key, "--threads", threads, "--per-minute-limit",
                               "1000000000", "--daily-limit", "1000000000", "--generated-ids", ids},
      fake_env, dir + "/fake-api-football.log");
  telegram_url_ = listening_url(*telegram_);
  football_url_ = listening_url(*football_);
  telegram_driver_ = std::make_unique<telegram_driver>(telegram_url_);
  football_driver_ = std::make_unique<football_driver>(football_url_);
  start_bot();
}

std::unique_ptr<child_process> system_under_test::spawn_bot(const std::string& cache_file) {
  const auto& o = options_;
  std::vector<std::string> args{"--telegram.api-url=" + telegram_url_,
                                "--football.api-url=" + football_url_,
                                "--cache.path=" + dir_ + "/" + cache_file,
                                "--metrics.listen=\"\"",
                                "--limits.user-commands-per-minute=0",
                                "--handlers.max-in-flight=" + std::to_string(o.max_in_flight)};
  if (!o.telegram_limits)
    args.insert(args.end(), {"--limits.global-per-second=0", "--limits.chat-per-second=0",
                             "--limits.group-per-minute=0"});
  args.insert(args.end(), o.bot_args.begin(), o.bot_args.end());
  // A restarted bot logs beside the first one: the killed one's log stays readable.
  auto log = dir_ + (bot_starts_++ == 0 ? "/phoenix-bot.log"
                                        : "/phoenix-bot." + std::to_string(bot_starts_) + ".log");
  std::map<std::string, std::string> env{{"TELEGRAM_BOT_TOKEN", token},
                                         {"API_FOOTBALL_KEY", api_key},
                                         {"DATABASE_URL", o.database_url},
                                         {"PATH", "/usr/bin:/bin"}};
  // Allocator settings to compare (glibc tunables, a preloaded allocator).
  for (const char* name : {"GLIBC_TUNABLES", "LD_PRELOAD", "MALLOC_CONF"})
    if (const char* value = std::getenv(name))
      env[name] = value;
  return std::make_unique<child_process>("phoenix-bot", o.bot, args, env, log);
}

void system_under_test::start_bot() {
  auto polls_before = telegram_driver_->calls("getUpdates");
  bot_ = spawn_bot("cache.snapshot");
  bot_->wait_for_log("phoenix-bot running", 30s);
  // Started once its first long poll waits in the fake.
  auto until = std::chrono::steady_clock::now() + 30s;
  while (telegram_driver_->calls("getUpdates") == polls_before) {
    if (std::chrono::steady_clock::now() > until)
      throw std::runtime_error("phoenix-bot did not poll within 30 s:\n" + bot_->log_tail());
    std::this_thread::sleep_for(10ms);
  }
}

void system_under_test::start_standby() {
  // Instances on one machine: each its own snapshot.
  standby_ = spawn_bot("cache." + std::to_string(bot_starts_) + ".snapshot");
  standby_->wait_for_log("leadership: standby", 30s);
}

void system_under_test::standby_takes_over() {
  if (!standby_)
    throw std::logic_error("standby_takes_over without a standby");
  bot_ = std::move(standby_);
}

void system_under_test::kill_bot() {
  bot_->kill();
}

system_under_test::~system_under_test() {
  // The bot first: it confirms its offset to the fake Telegram on the way out.
  if (bot_)
    bot_->stop(30s);
  if (standby_)
    standby_->stop(30s);
}

int system_under_test::stop_bot() {
  return bot_->stop(30s);
}

int system_under_test::wait_for_bot_exit() {
  return bot_->wait_exit(30s);
}

usage_sample system_under_test::sample() const {
  usage_sample s;
  s.at = std::chrono::steady_clock::now();
  s.bot = process_cpu_ms(bot_->pid());
  s.telegram = process_cpu_ms(telegram_->pid());
  s.football = process_cpu_ms(football_->pid());
  s.bench = own_cpu_ms();
  s.postgres = postgres_.sample();
  return s;
}

usage_sample system_under_test::window_start() {
  if (options_.perf) {
    perf_ = std::make_unique<child_process>(
        "perf", "/usr/bin/perf",
        // DWARF stacks: the build keeps no frame pointers; 250 Hz keeps the file small.
        std::vector<std::string>{"record", "--call-graph", "dwarf", "-F", "250", "-o",
                                 dir_ + "/perf.data", "-p", std::to_string(bot_->pid())},
        std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}}, dir_ + "/perf.log");
    std::this_thread::sleep_for(500ms); // perf attaches to every thread first
  }
  return sample();
}

cpu_used system_under_test::window_end(const usage_sample& before) {
  auto now = sample();
  if (perf_) {
    perf_->stop(30s);
    perf_.reset();
    std::printf("  perf record of the bot: %s/perf.data\n", dir_.c_str());
  }
  cpu_used used;
  used.bot = now.bot - before.bot;
  used.telegram = now.telegram - before.telegram;
  used.football = now.football - before.football;
  used.bench = now.bench - before.bench;
  used.postgres = postgres_processes::used_ms(before.postgres, now.postgres);
  used.wall_ms = std::chrono::duration<double, std::milli>(now.at - before.at).count();
  return used;
}

std::string describe(const cpu_used& cpu) {
  char line[400];
  auto share = [&](double ms) { return cpu.wall_ms > 0 ? 100.0 * ms / cpu.wall_ms : 0.0; };
  std::snprintf(line, sizeof line,
                "CPU ms in %.2f s (%% of one core): bot %.0f (%.0f%%), fake-telegram %.0f "
                "(%.0f%%), fake-api-football %.0f (%.0f%%), postgres %.0f (%.0f%%), bench %.0f "
                "(%.0f%%)",
                cpu.wall_ms / 1000, cpu.bot, share(cpu.bot), cpu.telegram, share(cpu.telegram),
                cpu.football, share(cpu.football), cpu.postgres, share(cpu.postgres), cpu.bench,
                share(cpu.bench));
  return line;
}

} // namespace phoenix::bench
