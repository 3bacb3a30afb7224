// phoenix-bot as a process: configuration errors, start-up, SIGTERM.
#include "core/cache/snapshot_file.hpp"
#include "tests/fakes/fake_api_football.hpp"
#include "tests/fakes/fake_telegram.hpp"
#include "tests/integration/child_process.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>

using namespace phoenix;
using namespace phoenix::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string bot = std::string{PHOENIX_BINARY_DIR} + "/bin/phoenix-bot";
const std::string shipped_ini = std::string{PHOENIX_SOURCE_DIR} + "/configs/phoenix.ini";
const std::string token = "7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9";

struct bot_folder {
  fs::path path = fs::temp_directory_path() / ("phoenix-bot-test-" + std::to_string(::getpid()));
  bot_folder() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~bot_folder() { fs::remove_all(path); }
  std::string cache() const { return (path / "cache.snapshot").string(); }
};

std::map<std::string, std::string> env_with_token(const std::string& bot_token = token) {
  std::map<std::string, std::string> env{{"TELEGRAM_BOT_TOKEN", bot_token},
                                         {"API_FOOTBALL_KEY", "test-key"},
                                         {"PATH", "/usr/bin:/bin"}};
  if (auto db = std::getenv("PHOENIX_TEST_DATABASE_URL"))
    env["DATABASE_URL"] = db;
  return env;
}

// Loopback only: the fakes stand in for Telegram and API-Football.
struct upstreams {
  fakes::fake_telegram telegram{[] {
    fakes::fake_telegram_options o;
    o.token = token;
    return o;
  }()};
  fakes::fake_api_football football;
  std::vector<std::string> args() const {
    return {"--telegram.api-url=" + telegram.base_url(),
            "--football.api-url=" + football.base_url(), "--telegram.poll-timeout=1s"};
  }
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

} // namespace

BOOST_AUTO_TEST_SUITE(phoenix_bot_tests)

BOOST_AUTO_TEST_CASE(without_a_token_it_names_the_key_and_exits_2) {
  child_process p{bot, {"--config-file=" + shipped_ini}, {}};
  BOOST_TEST(p.wait_exit(10s) == 2);
  BOOST_TEST(p.output().find("telegram.token is missing") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_config_file_exits_2_with_one_line_per_problem) {
  bot_folder dir;
  auto ini = (dir.path / "bad.ini").string();
  std::ofstream{ini} << "[db]\npool-min = 5\npool-max = 2\n[cache]\nflush-every = 5min\n";
  child_process p{bot, {"--config-file=" + ini}, env_with_token()};
  BOOST_TEST(p.wait_exit(10s) == 2);
  BOOST_TEST(p.output().find("unknown key cache.flush-every") != std::string::npos);
  BOOST_TEST(p.output().find("Assertion") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_lists_phoenixs_keys_and_exits_0) {
  child_process p{bot, {"--help"}, {}};
  BOOST_TEST(p.wait_exit(10s) == 0);
  for (auto* line : {"\n[db]\n", "\n  pool-max = 10 ", "a whole number from 1 to 500", "\n[log]\n",
                     "one of \"text\", \"json\"", "\n  --long-help "})
    BOOST_TEST(p.output().find(line) != std::string::npos, line);
}

BOOST_AUTO_TEST_CASE(a_file_with_a_syntax_error_has_all_its_problems_named_at_once) {
  bot_folder dir;
  auto ini = (dir.path / "bad.ini").string();
  std::ofstream{ini} << "[db]\npool-max = 0\n[log\nlevel = info\n[cache]\nflush-every = 5min\n";
  child_process p{bot, {"--config-file=" + ini, "--db.poolmin=1"}, env_with_token()};
  BOOST_TEST(p.wait_exit(10s) == 2);
  for (auto line : {ini + ":2: db.pool-max = 0: expected a whole number from 1 to 500",
                    ini + ":3:5: a section header needs a closing ']'",
                    ini + ":4:9: log.level: text needs double quotes: \"info\"",
                    ini + ":6: unknown key cache.flush-every",
                    std::string{"command line: unknown key db.poolmin"}})
    BOOST_TEST(p.output().find("phoenix-bot: config error: " + line) != std::string::npos,
               p.output());
  BOOST_TEST(p.output().find("parser_error") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(values_that_crashed_or_spun_caf_exit_2_naming_key_value_and_range) {
  // Before the check: SIGFPE (exit 136) for the first two, a spinning process ignoring
  // SIGTERM for max-throughput = 0, a spinning poller for poll-timeout = 0s.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--scheduler.max-threads=0", "scheduler.max-threads = 0: expected a whole number from 1"},
      {"--work-stealing.moderate-steal-interval=0",
       "work-stealing.moderate-steal-interval = 0: expected a whole number from 1"},
      {"--scheduler.max-throughput=0", "scheduler.max-throughput = 0: expected a whole number"},
      {"--telegram.poll-timeout=0s", "telegram.poll-timeout = 0s: expected a duration from 1s"}};
  for (auto& [arg, message] : cases) {
    child_process p{bot, {"--config-file=" + shipped_ini, arg}, env_with_token()};
    BOOST_TEST_INFO(arg);
    BOOST_TEST(p.wait_exit(10s) == 2);
    BOOST_TEST(p.output().find(message) != std::string::npos, p.output());
  }
  bot_folder dir;
  auto ini = (dir.path / "caf.ini").string();
  std::ofstream{ini} << "[work-stealing]\nrelaxed-steal-interval = 0\n";
  child_process p{bot, {"--config-file=" + ini}, env_with_token()};
  BOOST_TEST(p.wait_exit(10s) == 2);
  BOOST_TEST(p.output().find("work-stealing.relaxed-steal-interval = 0: expected") !=
                 std::string::npos,
             p.output());
}

BOOST_AUTO_TEST_CASE(sigterm_stops_cleanly_with_the_cache_on_disk_and_no_secret_logged) {
  bot_folder dir;
  // A snapshot from an earlier run: loaded at start, intact after the stop.
  core::ttl_lru_store store{{}};
  auto now = std::chrono::steady_clock::now();
  store.put("fixture:1", "one", 1h, now);
  store.put("fixture:2", "two", 1h, now);
  core::write_file_atomically(dir.cache(), core::encode_snapshot(store.snapshot().entries, now,
                                                                 std::chrono::system_clock::now()));
  upstreams fakes;
  child_process p{bot,
                  std::vector<std::string>{"--config-file=" + shipped_ini,
                                           "--cache.path=" + dir.cache(), "--log.level=debug",
                                           "--metrics.listen=\"\""} +
                      fakes.args(),
                  env_with_token()};
  BOOST_REQUIRE(p.wait_for_line("phoenix-bot running", 20s));
  BOOST_TEST(p.output().find("loaded 2 entries") != std::string::npos);
  BOOST_TEST(p.output().find("config: telegram.token = <set>") != std::string::npos);
  p.signal(SIGTERM);
  BOOST_TEST(p.wait_exit(20s) == 0);
  BOOST_TEST(p.output().find("phoenix-bot stopped") != std::string::npos);
  BOOST_TEST(p.output().find("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9") == std::string::npos);
  auto loaded = core::load_snapshot_file(dir.cache(), std::chrono::steady_clock::now(),
                                         std::chrono::system_clock::now());
  BOOST_TEST(loaded.problem.empty());
  BOOST_TEST(loaded.entries.size() == 2u);
}

BOOST_AUTO_TEST_CASE(sigint_also_stops_cleanly) {
  bot_folder dir;
  upstreams fakes;
  child_process p{bot, std::vector<std::string>{"--cache.path=" + dir.cache()} + fakes.args(),
                  env_with_token()};
  BOOST_REQUIRE(p.wait_for_line("phoenix-bot running", 20s));
  p.signal(SIGINT);
  BOOST_TEST(p.wait_exit(20s) == 0);
}

BOOST_AUTO_TEST_CASE(a_rejected_token_exits_3_with_a_clear_message) {
  bot_folder dir;
  upstreams fakes;
  child_process p{bot, std::vector<std::string>{"--cache.path=" + dir.cache()} + fakes.args(),
                  env_with_token("999999:not-the-token-the-fake-knows-00000000")};
  BOOST_TEST(p.wait_exit(30s) == 3);
  BOOST_TEST(p.output().find("the bot token was rejected") != std::string::npos);
  BOOST_TEST(p.output().find("not-the-token") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_malformed_token_exits_3_instead_of_retrying_forever) {
  // Telegram answers 404 Not Found to getMe when the token is malformed.
  bot_folder dir;
  upstreams fakes;
  fakes.telegram.fail_next("getMe", 1000, 404);
  child_process p{bot, std::vector<std::string>{"--cache.path=" + dir.cache()} + fakes.args(),
                  env_with_token()};
  BOOST_TEST(p.wait_exit(30s) == 3);
  BOOST_TEST(p.output().find("the bot token was rejected (404") != std::string::npos);
  BOOST_TEST(fakes.telegram.calls("getMe") == 1u);
}

// glibc's thread cache kept a crowd's memory from going back (issue 18): off
// by default, through GLIBC_TUNABLES set by a restart of the bot itself
// (same pid); an operator's own tunables are kept; on when asked for.
BOOST_AUTO_TEST_CASE(the_thread_cache_is_off_unless_asked_for) {
#if defined(__SANITIZE_ADDRESS__)
  return; // AddressSanitizer's allocator has no such cache
#endif
  bot_folder dir;
  upstreams fakes;
  auto started = [&](const std::string& thread_cache) {
    auto env = env_with_token();
    env["GLIBC_TUNABLES"] = "glibc.malloc.arena_max=4";
    child_process p{bot,
                    std::vector<std::string>{"--config-file=" + shipped_ini,
                                             "--cache.path=" + dir.cache(), "--metrics.listen=\"\"",
                                             "--memory.thread-cache=\"" + thread_cache + "\""} +
                        fakes.args(),
                    env};
    BOOST_REQUIRE(p.wait_for_line("phoenix-bot running", 20s));
    p.signal(SIGTERM);
    BOOST_TEST(p.wait_exit(20s) == 0);
    BOOST_TEST(p.output().find("restarting with GLIBC_TUNABLES set failed") == std::string::npos);
    return p.output();
  };
  BOOST_TEST(started("off").find("glibc's thread cache is off") != std::string::npos);
  BOOST_TEST(started("on").find("glibc's thread cache is on") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
