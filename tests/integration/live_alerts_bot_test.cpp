// Goal alerts end to end: Phoenix's real actors (and phoenix-bot as a
// process) against the fake API-Football's scripted match and the fake
// Telegram, with PostgreSQL. A subscribed chat sees the match once: kick-off,
// the goal (edited when the scorer arrives late), the VAR correction, the
// rest, full time; a restart, even a SIGKILL in the middle of a fan-out to
// many chats, sends each remaining alert once.
#include "tests/integration/bot_fixture.hpp"
#include "tests/integration/child_process.hpp"
#include "tests/integration/ready_database.hpp"

#include <csignal>
#include <map>

using namespace phoenix;
using namespace phoenix::test;

namespace {

constexpr int64_t rovers = 917001; // home side of the scripted fixture 9170001

struct live_bot_fixture : bot_fixture {
  live_bot_fixture() {
    values.alerts_poll_interval = 200ms;
    values.football_ttl_live = 1s; // each step of the script is seen within about a second
  }

  void subscribe(const std::vector<int64_t>& chats) {
    auto c = ready(database);
    for (int64_t chat : chats)
      core::db::run(*c, core::db::subscribe{chat, rovers, "Phoenix Rovers"});
  }

  /// The chat's messages once there are `n` (fails the test when they do not come).
  std::vector<fakes::sent_message> wait_for(int64_t chat, size_t n) {
    auto sent = telegram.wait_for_messages(chat, n, 20s);
    BOOST_REQUIRE_MESSAGE(sent.size() >= n, "only " << sent.size() << " of " << n << " alerts");
    return sent;
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(live_alerts_bot_tests)

BOOST_FIXTURE_TEST_CASE(a_subscribed_chat_sees_the_match_once_across_a_restart, live_bot_fixture) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  subscribe({42});
  football.set_live_step(1);
  start();
  BOOST_TEST(contains(wait_for(42, 1)[0].text, "Kick-off"));
  football.set_live_step(2); // the goal, score only
  auto goal = wait_for(42, 2)[1];
  BOOST_TEST(contains(goal.text, "Goal for"));
  BOOST_TEST(!contains(goal.text, "R. Striker"));
  football.set_live_step(3); // the scorer, late: the same message edited
  BOOST_REQUIRE(telegram.wait_for_calls("editMessageText", 1, 20s) == 1u);
  BOOST_TEST(contains(telegram.sent(42)[1].text, "R. Striker"));
  BOOST_TEST(telegram.sent(42)[1].edits == 1);
  football.set_live_step(5); // United scores
  BOOST_TEST(contains(wait_for(42, 3)[2].text, "U. Forward"));
  football.set_live_step(6); // VAR takes it back
  auto corrected = wait_for(42, 4);
  BOOST_TEST(contains(corrected[3].text, "Goal cancelled"));

  stop(); // a restart: the new live actor knows no earlier poll
  start();
  // Half time, red card, missed penalty, two goals, full time: one a step.
  for (int step = 7; step <= 12; ++step) {
    football.set_live_step(step);
    wait_for(42, static_cast<size_t>(step) - 2);
  }
  auto all = telegram.sent(42);
  BOOST_TEST(contains(all[9].text, "Full time"));
  // Nothing comes twice: no eleventh message while later polls see the same.
  BOOST_TEST(telegram.wait_for_messages(42, 11, 3s).size() == 10u);
  std::set<std::string> distinct;
  for (const auto& m : all)
    distinct.insert(m.text);
  BOOST_TEST(distinct.size() == 10u);
  BOOST_TEST(telegram.calls("editMessageText") == 1u);
}

// phoenix-bot is killed (SIGKILL) while the kick-off goes out to many chats,
// then started again: every chat gets it; only a chat whose message went out
// before the kill and whose message id was not recorded yet gets it twice.
BOOST_FIXTURE_TEST_CASE(a_fan_out_killed_midway_sends_the_rest_once, live_bot_fixture) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  constexpr int64_t chats = 400;
  constexpr int in_flight = 4; // net.max-connections-per-host
  std::vector<int64_t> ids;
  for (int64_t chat = 1; chat <= chats; ++chat)
    ids.push_back(1000 + chat);
  subscribe(ids);
  telegram.set_latency("sendMessage", 10ms, 10ms);
  football.set_live_step(1);
  auto run_bot = [&] {
    auto bot = std::make_unique<child_process>(
        std::string{PHOENIX_BINARY_DIR} + "/bin/phoenix-bot",
        std::vector<std::string>{"--telegram.api-url=" + telegram.base_url(),
                                 "--football.api-url=" + football.base_url(),
                                 "--telegram.poll-timeout=1s", "--cache.path=" + values.cache_path,
                                 "--metrics.listen=\"\"", "--limits.global-per-second=0",
                                 "--net.max-connections-per-host=" + std::to_string(in_flight),
                                 "--alerts.poll-interval=200ms", "--football.ttl-live=1s"},
        std::map<std::string, std::string>{{"TELEGRAM_BOT_TOKEN", telegram.token()},
                                           {"API_FOOTBALL_KEY", "test-key"},
                                           {"DATABASE_URL", database.uri()},
                                           {"PATH", "/usr/bin:/bin"}});
    BOOST_REQUIRE_MESSAGE(bot->wait_for_line("phoenix-bot running", 30s), bot->output());
    return bot;
  };
  auto bot = run_bot();
  BOOST_REQUIRE(telegram.wait_for_total_sent(chats / 4, 30s) >= chats / 4);
  bot->signal(SIGKILL);
  bot->wait_exit(30s);
  const auto killed_at = std::chrono::steady_clock::now();
  BOOST_TEST(telegram.sent_count() < static_cast<size_t>(chats)); // the kill came mid-fan-out
  bot = run_bot();
  size_t missing = 0, twice = 0;
  for (int64_t chat : ids)
    missing += telegram.wait_for_messages(chat, 1, 30s).empty() ? 1 : 0;
  auto total = telegram.sent_count();
  while (telegram.wait_for_total_sent(total + 1, 3s) > total) // until nothing more comes
    total = telegram.sent_count();
  for (int64_t chat : ids) {
    auto got = telegram.sent(chat);
    if (got.size() > 1) {
      ++twice; // sent before the kill, its message id not yet recorded: at most once more
      BOOST_TEST(got.size() == 2u);
      BOOST_TEST((got[0].at < killed_at));
    }
  }
  BOOST_TEST(missing == 0u);
  BOOST_TEST(total == chats + twice);
  BOOST_TEST_MESSAGE("sent again after the kill: " << twice);
  bot->signal(SIGTERM);
  bot->wait_exit(30s);
}

BOOST_AUTO_TEST_SUITE_END()
