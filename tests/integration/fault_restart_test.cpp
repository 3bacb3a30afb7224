// The fault suite, phoenix-bot as a process: stopped (SIGTERM) or killed
// (SIGKILL) in the middle of 1,000 updates, then started again. The fakes
// live in the test, so Telegram keeps its queue, its offset and every message
// the bot sent across the restart.
#include "tests/fakes/fake_api_football.hpp"
#include "tests/fakes/fake_telegram.hpp"
#include "tests/integration/child_process.hpp"
#include "tests/integration/delivery_ledger.hpp"
#include "tests/integration/test_database.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <memory>

using namespace phoenix;
using namespace phoenix::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

constexpr int updates = 1000;

std::string help(int) {
  return "/help";
}

struct bot_process_run {
  fakes::fake_telegram telegram;
  fakes::fake_api_football football{fakes::options_for_tests()};
  test_database database{"restart"};
  fs::path folder = fs::temp_directory_path() / ("phoenix-restart-" + std::to_string(::getpid()));
  delivery_ledger ledger{telegram};
  std::unique_ptr<child_process> bot;
  steady::time_point restarted_at;

  bot_process_run() {
    fs::remove_all(folder);
    fs::create_directories(folder);
    // Replies take a while, so that a signal finds sends in flight.
    telegram.set_latency("sendMessage", 10ms, 30ms);
  }
  ~bot_process_run() {
    bot.reset(); // SIGKILL if still running
    fs::remove_all(folder);
  }

  void start() {
    bot = std::make_unique<child_process>(
        std::string{PHOENIX_BINARY_DIR} + "/bin/phoenix-bot",
        std::vector<std::string>{
            "--telegram.api-url=" + telegram.base_url(),
            "--football.api-url=" + football.base_url(), "--telegram.poll-timeout=1s",
            "--cache.path=" + (folder / "cache.snapshot").string(), "--metrics.listen=\"\"",
            "--limits.global-per-second=0", "--limits.chat-per-second=0",
            "--limits.group-per-minute=0", "--limits.user-commands-per-minute=0"},
        std::map<std::string, std::string>{{"TELEGRAM_BOT_TOKEN", telegram.token()},
                                           {"API_FOOTBALL_KEY", "test-key"},
                                           {"DATABASE_URL", database.uri()},
                                           {"PATH", "/usr/bin:/bin"}});
    BOOST_REQUIRE_MESSAGE(bot->wait_for_line("phoenix-bot running", 30s), bot->output());
  }

  /// Starts the bot, pushes the updates, sends `sig` once a third of them is
  /// answered, checks the exit code, starts the bot again and lets it answer
  /// everything; then stops it and counts the replies.
  delivery_count signal_under_load_and_restart(int sig, int exit_code) {
    auto started = steady::now();
    start();
    ledger.push_many(updates, 100, 1, help);
    telegram.wait_for_total_sent(updates / 3, 30s);
    auto sent_at_signal = telegram.sent_count();
    bot->signal(sig);
    BOOST_TEST(bot->wait_exit(30s) == exit_code);
    BOOST_TEST(sent_at_signal < static_cast<size_t>(updates)); // the signal came under load
    restarted_at = steady::now();
    start();
    ledger.wait_until_answered(60s);
    BOOST_TEST(stop());
    auto answered = ledger.count(); // once stopped: nothing may follow late
    BOOST_TEST_MESSAGE(strsignal(sig)
                       << " after " << sent_at_signal << " replies, restart: " << answered << " in "
                       << std::chrono::duration<double>(steady::now() - started).count() << " s");
    return answered;
  }

  /// Stops the bot in order; true if it exited with 0.
  bool stop() {
    bot->signal(SIGTERM);
    auto code = bot->wait_exit(30s);
    if (code != 0)
      BOOST_TEST_MESSAGE(bot->output());
    return code == 0;
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(fault_restart_tests, *boost::unit_test::label("fault"))

BOOST_AUTO_TEST_CASE(sigterm_under_load_then_a_restart_answers_each_update_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_process_run run;
  auto answered = run.signal_under_load_and_restart(SIGTERM, 0);
  BOOST_CHECK_MESSAGE(answered.exactly_once(), answered);
}

BOOST_AUTO_TEST_CASE(kill_9_under_load_then_a_restart_loses_nothing_and_repeats_only_sends) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_process_run run;
  auto answered = run.signal_under_load_and_restart(SIGKILL, 128 + SIGKILL);
  BOOST_TEST(answered.lost == 0u);
  BOOST_TEST(answered.strays == 0u);
  // Only the window between a send and its record may repeat: every repeated
  // reply's first copy went out from the killed process.
  auto repeats = run.ledger.first_copies_of_repeats();
  auto first_after_restart = std::count_if(repeats.begin(), repeats.end(),
                                           [&](auto at) { return at >= run.restarted_at; });
  BOOST_TEST(first_after_restart == 0);
}

BOOST_AUTO_TEST_SUITE_END()
