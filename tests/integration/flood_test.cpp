// One chat flooding the bot: the rest of its burst beyond
// handlers.max-queued-per-chat is confirmed without handling (counted), the
// chat gets one notice, and the other chats are answered meanwhile. Flood
// control counts commands only, never ordinary messages in a group.
#include "tests/integration/bot_fixture.hpp"

namespace phoenix::test {

namespace {

constexpr int64_t flooding_chat = 1, other_chat = 2;
constexpr size_t burst = 200;
constexpr size_t cap = 30; // handlers.max-queued-per-chat's default

/// The value of one series in a /metrics page; -1 if absent.
double series_value(const std::string& page, const std::string& series) {
  auto pos = page.find("\n" + series + " ");
  return pos == std::string::npos ? -1 : std::stod(page.substr(pos + series.size() + 2));
}

/// Reads /metrics until `series` is at least `wanted` (the metrics actor
/// collects every second) or 10 s passed; its last value.
double await_series(bot_fixture& f, const std::string& series, double wanted) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  double value = -1;
  do {
    value = series_value(f.metrics_get("/metrics").response.body, series);
  } while (value < wanted && std::chrono::steady_clock::now() < deadline);
  return value;
}

size_t count_containing(const std::vector<fakes::sent_message>& sent, const std::string& part) {
  return std::count_if(sent.begin(), sent.end(),
                       [&](const fakes::sent_message& m) { return contains(m.plain_text, part); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(flood_tests)

BOOST_AUTO_TEST_CASE(a_flooding_chat_gets_one_notice_and_cannot_hold_up_the_others) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.values.limits_user_commands_per_minute = 0; // the queue cap alone
  f.values.handlers_max_in_flight = 60;         // less than the burst
  f.start();
  f.ask(other_chat, "/help"); // the poller runs
  // Replies take 100 ms: the chat's queue cannot drain while the burst arrives.
  f.telegram.set_latency("sendMessage", 100ms);
  f.telegram.push_messages(std::vector<std::pair<int64_t, std::string>>(
      burst, std::pair<int64_t, std::string>{flooding_chat, "/help"}));
  // Another chat is answered while the flood's replies still go out (30 x 100 ms).
  auto asked = std::chrono::steady_clock::now();
  auto other = f.ask(other_chat, "/help", 5s);
  BOOST_TEST(contains(other.plain_text, "/stats"));
  BOOST_TEST((std::chrono::steady_clock::now() - asked < 2s));

  auto dropped = burst - cap - 1; // the cap's worth is answered, one more is the notice
  BOOST_TEST(await_series(f, "phoenix_updates_flood_dropped_total", double(dropped)) ==
             double(dropped));
  BOOST_TEST(await_series(f, "phoenix_flood_notices_total", 1) == 1);
  auto sent = f.telegram.wait_for_messages(flooding_chat, cap + 1, 15s);
  BOOST_TEST(sent.size() == cap + 1);
  BOOST_TEST(count_containing(sent, "too quickly") == 1u);
  BOOST_TEST(count_containing(sent, "/stats") == cap); // the help text
}

BOOST_AUTO_TEST_CASE(ordinary_group_messages_do_not_count_as_commands) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f; // limits.user-commands-per-minute = 20
  f.start();
  constexpr int64_t group = -100;
  // One member chats more than 20 times (fewer than the queue cap), then asks.
  for (int i = 0; i < 25; ++i)
    f.telegram.push_message(group, "what a goal " + std::to_string(i));
  auto reply = f.ask(group, "/help");
  BOOST_TEST(contains(reply.plain_text, "/stats"));
  BOOST_TEST(!contains(reply.plain_text, "quickly"));
  BOOST_TEST(f.telegram.sent(group).size() == 1u); // no flood notice either
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
