#include "app/caf_keys.hpp"
#include "app/config.hpp"
#include "app/config_check.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/actor_system_config.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

using namespace phoenix;
namespace fs = std::filesystem;

namespace {

const std::string shipped_ini = std::string{PHOENIX_SOURCE_DIR} + "/configs/phoenix.ini";

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    if (auto pos = vars.find(name); pos != vars.end())
      return pos->second;
    return std::nullopt;
  };
}

const auto with_token = fake_env({{"TELEGRAM_BOT_TOKEN", "123456:test-token-from-env"}});

struct ini_file {
  fs::path path;
  explicit ini_file(const std::string& text)
      : path(fs::temp_directory_path() /
             ("phoenix-config-test-" + std::to_string(::getpid()) + ".ini")) {
    std::ofstream{path} << text;
  }
  ~ini_file() { fs::remove(path); }
  std::string arg() const { return "--config-file=" + path.string(); }
};

bool mentions(const std::vector<std::string>& lines, const std::string& what) {
  for (auto& line : lines)
    if (line.find(what) != std::string::npos)
      return true;
  return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_tests)

BOOST_AUTO_TEST_CASE(shipped_file_is_valid_and_holds_the_defaults) {
  BOOST_TEST(check_config_file(shipped_ini).empty());
  phoenix_config cfg;
  auto outcome = load_config(cfg, {"--config-file=" + shipped_ini}, with_token);
  BOOST_TEST(outcome.exit_code == 0);
  settings defaults;
  defaults.telegram_token = "from env";
  BOOST_TEST(describe(cfg.values) == describe(defaults), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_key_is_in_the_shipped_file) {
  std::ifstream in{shipped_ini};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  for (auto& spec : option_specs()) {
    auto line = std::string{spec.name} + " = ";
    BOOST_TEST_INFO("key " << spec.key());
    BOOST_TEST(text.find("[" + std::string{spec.section} + "]") != std::string::npos);
    BOOST_TEST(text.find(line) != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(good_file_values_are_applied) {
  ini_file ini{"[db]\npool-min = 2\npool-max = 20\n[cache]\nflush-interval = 30s\n"
               "path = \"/tmp/x.snapshot\"\n[log]\nformat = \"json\" ; for the shipper\n"};
  phoenix_config cfg;
  auto outcome = load_config(cfg, {ini.arg()}, with_token);
  BOOST_TEST(outcome.exit_code == 0);
  BOOST_TEST(cfg.values.db_pool_min == 2);
  BOOST_TEST(cfg.values.db_pool_max == 20);
  BOOST_TEST((cfg.values.cache_flush_interval == std::chrono::seconds{30}));
  BOOST_TEST(cfg.values.cache_path == "/tmp/x.snapshot");
  BOOST_TEST(cfg.values.log_format == "json");
}

BOOST_AUTO_TEST_CASE(dump_config_never_prints_secrets) {
  ini_file ini{"[telegram]\ntoken = \"999:secret-token-in-file\"\n[db]\npool-max = 7\n"};
  phoenix_config cfg;
  std::ostringstream printed;
  auto* old = std::cout.rdbuf(printed.rdbuf());
  auto outcome = load_config(cfg, {ini.arg(), "--dump-config"}, fake_env({}));
  std::cout.rdbuf(old);
  BOOST_TEST(outcome.exit_code == 0);
  BOOST_TEST(outcome.help_printed); // printed: the program exits
  BOOST_TEST(printed.str().find("secret-token-in-file") == std::string::npos, printed.str());
  BOOST_TEST(printed.str().find("telegram.token = <set>") != std::string::npos, printed.str());
  BOOST_TEST(printed.str().find("db.pool-max = 7") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unknown_time_zone_is_a_config_error) {
  phoenix_config cfg;
  auto outcome = load_config(cfg, {"--football.timezone=Mars/Olympus"}, with_token);
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(mentions(outcome.problems, "football.timezone"));
  BOOST_TEST(mentions(outcome.problems, "unknown time zone"));
  phoenix_config good;
  BOOST_TEST(load_config(good, {"--football.timezone=Europe/Berlin"}, with_token).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(unknown_key_is_named_with_the_known_ones) {
  ini_file ini{"[db]\npool_max = 20\n"};
  phoenix_config cfg;
  auto outcome = load_config(cfg, {ini.arg()}, with_token);
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_REQUIRE(outcome.problems.size() == 1u);
  BOOST_TEST(outcome.problems[0].find("unknown key db.pool_max") != std::string::npos);
  BOOST_TEST(outcome.problems[0].find("pool-max") != std::string::npos);
  BOOST_TEST(mentions(check_config_text("[dbx]\nuri = \"x\"\n", "f.ini"), "unknown key dbx.uri"));
}

BOOST_AUTO_TEST_CASE(bad_values_name_key_value_and_rule) {
  auto problems = check_config_text("[db]\npool-max = 0\nacquire-timeout = 5\n"
                                    "[log]\nlevel = \"loud\"\n[cache]\npath = 7\n",
                                    "f.ini");
  BOOST_TEST(problems.size() == 4u);
  BOOST_TEST(mentions(problems, "f.ini:2: db.pool-max = 0: expected a whole number from 1 to 500"));
  BOOST_TEST(mentions(problems, "db.acquire-timeout = 5: expected a duration from 10ms to 5min"));
  BOOST_TEST(mentions(problems, "log.level = \"loud\": expected one of \"trace\""));
  BOOST_TEST(mentions(problems, "cache.path = 7: expected a string in double quotes"));
}

BOOST_AUTO_TEST_CASE(syntax_errors_give_the_line) {
  auto problems = check_config_text("[log]\nlevel = info\n", "f.ini");
  BOOST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0] == "f.ini:2:9: log.level: text needs double quotes: \"info\"");
}

BOOST_AUTO_TEST_CASE(command_line_overrides_the_file) {
  ini_file ini{"[db]\npool-max = 5\n"};
  phoenix_config cfg;
  auto outcome = load_config(cfg, {ini.arg(), "--db.pool-max=20", "--log.level=debug"}, with_token);
  BOOST_TEST(outcome.exit_code == 0);
  BOOST_TEST(cfg.values.db_pool_max == 20);
  BOOST_TEST(cfg.values.log_level == "debug");
}

BOOST_AUTO_TEST_CASE(scheduler_threads_default_to_one_per_core_unless_set) {
  auto threads = [](std::vector<std::string> args) {
    phoenix_config cfg;
    BOOST_REQUIRE(load_config(cfg, std::move(args), with_token).exit_code == 0);
    return caf::get_or(cfg, "scheduler.max-threads", size_t{0});
  };
  auto cores = std::max<size_t>(2, std::thread::hardware_concurrency());
  BOOST_TEST(default_scheduler_threads() == static_cast<int64_t>(cores));
  BOOST_TEST(threads({}) == cores); // not CAF's max(cores, 4)
  phoenix_config shipped;
  BOOST_REQUIRE(load_config(shipped, {}, with_token).exit_code == 0);
  BOOST_TEST(caf::get_or(shipped, "scheduler.max-throughput", size_t{0}) == 4u); // CAF: unlimited
  BOOST_TEST(threads({"--scheduler.max-threads=7"}) == 7u);
  ini_file ini{"[scheduler]\nmax-threads = 3\n"};
  BOOST_TEST(threads({ini.arg()}) == 3u);
}

BOOST_AUTO_TEST_CASE(idle_polling_is_shorter_than_cafs_unless_set) {
  auto polling = [](std::vector<std::string> args) {
    phoenix_config cfg;
    BOOST_REQUIRE(load_config(cfg, std::move(args), with_token).exit_code == 0);
    return std::make_pair(
        caf::get_or(cfg, "work-stealing.moderate-poll-attempts", size_t{0}),
        caf::get_or(cfg, "work-stealing.relaxed-sleep-duration", caf::timespan{0}));
  };
  auto shipped = polling({});
  BOOST_TEST(shipped.first == 50u);                             // CAF: 500
  BOOST_TEST((shipped.second == std::chrono::milliseconds{2})); // CAF: 10 ms
  ini_file ini{"[work-stealing]\nmoderate-poll-attempts = 500\nrelaxed-sleep-duration = 10ms\n"};
  auto configured = polling({ini.arg()});
  BOOST_TEST(configured.first == 500u);
  BOOST_TEST((configured.second == std::chrono::milliseconds{10}));
}

BOOST_AUTO_TEST_CASE(bad_command_line_values_are_refused) {
  phoenix_config cfg;
  auto outcome = load_config(cfg, {"--db.pool-max=many"}, with_token);
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(mentions(outcome.problems, "db.pool-max = many: expected a whole number"));
  phoenix_config cfg2;
  BOOST_TEST(load_config(cfg2, {"--no.such-key=1"}, with_token).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(statement_timeout_and_job_retention_are_checked_and_applied) {
  ini_file ini{"[db]\nstatement-timeout = 0s\n[jobs]\nkeep-days = 0\n"};
  phoenix_config bad;
  auto outcome = load_config(bad, {ini.arg()}, with_token);
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(mentions(outcome.problems, "db.statement-timeout = 0"));
  BOOST_TEST(mentions(outcome.problems, ": expected a duration from 100ms to 1h"));
  BOOST_TEST(
      mentions(outcome.problems, "jobs.keep-days = 0: expected a whole number from 1 to 3650"));
  phoenix_config too_long;
  BOOST_TEST(load_config(too_long, {"--db.statement-timeout=2h"}, with_token).exit_code == 2);
  phoenix_config good;
  BOOST_TEST(load_config(good, {"--db.statement-timeout=3s", "--jobs.keep-days=90"}, with_token)
                 .exit_code == 0);
  BOOST_TEST((good.values.db_statement_timeout == std::chrono::seconds{3}));
  BOOST_TEST(good.values.jobs_keep_days == 90);
}

BOOST_AUTO_TEST_CASE(held_calls_and_the_user_upstream_budget_are_checked_and_applied) {
  ini_file ini{"[football]\nmax-held = -1\n[limits]\nuser-upstream-per-minute = 100001\n"};
  phoenix_config bad;
  auto outcome = load_config(bad, {ini.arg()}, with_token);
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(mentions(outcome.problems,
                      "football.max-held = -1: expected a whole number from 0 to 100000"));
  BOOST_TEST(mentions(outcome.problems, "limits.user-upstream-per-minute = 100001"));
  phoenix_config good;
  BOOST_TEST(load_config(good, {"--football.max-held=0", "--limits.user-upstream-per-minute=3"},
                         with_token)
                 .exit_code == 0);
  BOOST_TEST(good.values.football_max_held == 0);
  BOOST_TEST(good.values.limits_user_upstream_per_minute == 3);
  BOOST_TEST(settings{}.football_max_held == 100);
  BOOST_TEST(settings{}.limits_user_upstream_per_minute == 10);
}

BOOST_AUTO_TEST_CASE(secrets_come_from_the_environment) {
  phoenix_config cfg;
  auto env = fake_env({{"TELEGRAM_BOT_TOKEN", "111:from-env"},
                       {"API_FOOTBALL_KEY", "key-from-env"},
                       {"DATABASE_URL", "postgresql://u@127.0.0.1/db"}});
  BOOST_TEST(load_config(cfg, {}, env).exit_code == 0);
  BOOST_TEST(cfg.values.telegram_token == "111:from-env");
  BOOST_TEST(cfg.values.football_api_key == "key-from-env");
  BOOST_TEST(cfg.values.db_uri == "postgresql://u@127.0.0.1/db");
  for (auto& line : describe(cfg.values))
    BOOST_TEST(line.find("from-env") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_token_is_named) {
  phoenix_config cfg;
  auto outcome = load_config(cfg, {}, fake_env({}));
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(mentions(outcome.problems, "telegram.token is missing: set TELEGRAM_BOT_TOKEN"));
}

BOOST_AUTO_TEST_CASE(cross_key_rules) {
  phoenix_config cfg;
  auto outcome = load_config(
      cfg, {"--db.pool-min=8", "--db.pool-max=4", "--metrics.listen=localhost"}, with_token);
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(mentions(outcome.problems, "db.pool-min = 8: must not exceed db.pool-max = 4"));
  BOOST_TEST(mentions(outcome.problems, "metrics.listen = \"localhost\": host:port"));
}

BOOST_AUTO_TEST_CASE(a_zero_poll_timeout_is_refused) {
  // getUpdates with timeout 0 returns at once: the poller would spin.
  phoenix_config cfg;
  auto outcome = load_config(cfg, {"--telegram.poll-timeout=0s"}, with_token);
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(
      mentions(outcome.problems, "telegram.poll-timeout = 0s: expected a duration from 1s to 50s"));
  BOOST_TEST(mentions(check_config_text("[telegram]\npoll-timeout = 0s\n", "f.ini"),
                      "f.ini:2: telegram.poll-timeout = 0s: expected a duration from 1s to 50s"));
  phoenix_config good;
  BOOST_TEST(load_config(good, {"--telegram.poll-timeout=1s"}, with_token).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(no_problem_line_shows_a_secret) {
  // Wrong types, a key outside any section, a misspelt key: the values stay hidden.
  const std::vector<std::string> secrets{"7312345678",
                                         "a1b2c3d4e5f6a7b8",
                                         "hunter22",
                                         "outside-secret",
                                         "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9",
                                         "env-api-key-zz",
                                         "typo-key-value"};
  auto env = fake_env({{"API_FOOTBALL_KEY", "env-api-key-zz"}});
  auto check = [&](const std::vector<std::string>& args) {
    phoenix_config cfg;
    auto outcome = load_config(cfg, args, env);
    BOOST_TEST_INFO("run " << args.front());
    BOOST_TEST(outcome.exit_code == 2);
    BOOST_TEST(!outcome.problems.empty());
    for (auto& line : outcome.problems)
      for (auto& secret : secrets)
        BOOST_TEST(line.find(secret) == std::string::npos, line);
  };
  for (auto* text :
       {"token = \"outside-secret\"\n", "[telegram]\ntoken = 7312345678\n",
        "[football]\napi-key = 0xa1b2c3d4e5f6a7b8\n", "[db]\nuri = <postgresql://u:hunter22@h/d>\n",
        "[db]\nuri = postgresql://u:hunter22@h/d\n"}) {
    ini_file ini{text};
    check({ini.arg()});
  }
  check({"--football.apikey=typo-key-value"});
  check({"--telegram.tokn=7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9"});
  check({"--telegram.token=7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9", "--db.pool-max=0",
         "--telegram.api-url=ftp://x/7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9"});
  check({"--football.api-url=postgresql://u:hunter22@h/d"});
  check({"--football.api-url=env-api-key-zz"});
  auto problems = check_config_text(
      "[telegram]\ntoken = 7312345678\n[football]\napi-key = 12345678\n", "f.ini");
  BOOST_TEST(mentions(problems, "telegram.token = <secret, not shown>: expected a string"));
  BOOST_TEST(mentions(problems, "football.api-key = <secret, not shown>: expected a string"));
  BOOST_TEST(mentions(check_command_line({"--football.apikey=x"}), "unknown key football.apikey"));
}

BOOST_AUTO_TEST_CASE(cafs_own_keys_are_range_checked) {
  // Each of these crashed CAF 0.17 (SIGFPE) or made it spin without running an actor.
  const std::vector<std::pair<std::string, std::string>> bad{
      {"--scheduler.max-threads=0", "scheduler.max-threads = 0: expected a whole number from 1"},
      {"--scheduler.max-threads=-2", "scheduler.max-threads = -2: expected a whole number from 1"},
      {"--scheduler.max-throughput=0", "scheduler.max-throughput = 0: expected a whole number"},
      {"--work-stealing.aggressive-steal-interval=0",
       "work-stealing.aggressive-steal-interval = 0: expected a whole number from 1"},
      {"--work-stealing.moderate-steal-interval=0", "moderate-steal-interval = 0: expected"},
      {"--work-stealing.relaxed-steal-interval=0", "relaxed-steal-interval = 0: expected"},
      {"--work-stealing.moderate-poll-attempts=-1", "moderate-poll-attempts = -1: expected"},
      {"--work-stealing.relaxed-sleep-duration=0ms",
       "relaxed-sleep-duration = 0ms: expected a duration from 1ms to 10s"},
      {"--scheduler.policy=fastest", "scheduler.policy = fastest: expected one of 'stealing'"}};
  for (auto& [arg, message] : bad) {
    phoenix_config cfg;
    auto outcome = load_config(cfg, {arg}, with_token);
    BOOST_TEST_INFO(arg);
    BOOST_TEST(outcome.exit_code == 2);
    BOOST_TEST(mentions(outcome.problems, message), outcome.problems.front());
  }
  auto problems = check_config_text("[scheduler]\nmax-threads = 0\nmax-throughput = 0\n"
                                    "[work-stealing]\naggressive-steal-interval = 0\n"
                                    "moderate-sleep-duration = -1ms\n",
                                    "f.ini");
  BOOST_TEST(problems.size() == 4u);
  BOOST_TEST(mentions(problems, "f.ini:2: scheduler.max-threads = 0: expected a whole number"));
  BOOST_TEST(mentions(problems, "f.ini:3: scheduler.max-throughput = 0: expected"));
  BOOST_TEST(mentions(problems, "f.ini:5: work-stealing.aggressive-steal-interval = 0: expected"));
  BOOST_TEST(
      mentions(problems, "moderate-sleep-duration = -1ms: expected a duration from 0s to 1s"));
  phoenix_config good;
  BOOST_TEST(load_config(good,
                         {"--scheduler.policy=sharing", "--scheduler.max-throughput=1",
                          "--work-stealing.relaxed-steal-interval=1"},
                         with_token)
                 .exit_code == 0);
}

BOOST_AUTO_TEST_CASE(cafs_keys_are_checked_in_the_effective_configuration) {
  // caf-application.ini reaches CAF without Phoenix's file check.
  caf::settings content;
  caf::put(content, "scheduler.max-threads", int64_t{0});
  caf::put(content, "work-stealing.relaxed-sleep-duration", caf::timespan{0});
  auto problems = check_caf_settings(content);
  BOOST_TEST(problems.size() == 2u);
  BOOST_TEST(mentions(problems, "scheduler.max-threads = 0: expected a whole number from 1"));
  BOOST_TEST(mentions(problems, "work-stealing.relaxed-sleep-duration"));
  caf::put(content, "scheduler.max-threads", int64_t{2});
  caf::put(content, "work-stealing.relaxed-sleep-duration",
           caf::timespan{std::chrono::milliseconds{2}});
  BOOST_TEST(check_caf_settings(content).empty());
}

BOOST_AUTO_TEST_SUITE_END()
