// Telegram's own limits, enforced by the fake as Telegram counts them (on
// arrival, over any sliding second, with network jitter on the way): with
// Phoenix's limits at their defaults, Telegram never has to answer 429.
#include "tests/integration/bot_fixture.hpp"

#include <cstdlib>
#include <set>

using namespace phoenix;
using namespace phoenix::test;

namespace {

using steady = std::chrono::steady_clock;

// Sends leaving Phoenix a window apart may arrive up to this much closer.
constexpr auto arrival_jitter = 50ms;

struct limits_fixture : bot_fixture {
  limits_fixture() {
    const settings defaults;
    values.limits_global_per_second = defaults.limits_global_per_second;
    values.limits_chat_per_second = defaults.limits_chat_per_second;
    values.limits_group_per_minute = defaults.limits_group_per_minute;
    values.limits_jitter_margin = defaults.limits_jitter_margin;
    // Another margin for the before/after figure of docs/benchmarks.md.
    if (const char* margin = std::getenv("PHOENIX_TEST_JITTER_MARGIN_MS"))
      values.limits_jitter_margin = std::chrono::milliseconds{std::atoi(margin)};
    values.limits_user_commands_per_minute = 0; // one user asks in a burst below
    telegram.enforce_limits(true);
    telegram.set_arrival_jitter("sendMessage", arrival_jitter);
  }
};

long long ms(steady::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

} // namespace

BOOST_AUTO_TEST_SUITE(telegram_limits, *boost::unit_test::label("delivery"))

BOOST_FIXTURE_TEST_CASE(three_hundred_users_get_their_replies_without_a_429, limits_fixture) {
  constexpr int users = 300;
  start();
  const auto asked = steady::now();
  for (int64_t chat = 1; chat <= users; ++chat)
    telegram.push_message(chat, "/help");
  const auto delivered = telegram.wait_for_total_sent(users, 30s);
  const auto took = steady::now() - asked;

  BOOST_TEST_MESSAGE("300 replies to 300 users, limits on, margin "
                     << ms(values.limits_jitter_margin) << " ms: " << delivered << " delivered in "
                     << ms(took) << " ms, span at the fake " << telegram.rate_limited_span().count()
                     << " ms, 429s " << telegram.rate_limited());
  BOOST_TEST(delivered == std::size_t{users});
  BOOST_TEST(telegram.rate_limited() == 0u);
  BOOST_TEST(telegram.rate_limited_span().count() <= 11000); // 10 windows of 30: ~9.9 s
  std::set<int64_t> answered;
  for (const auto& message : telegram.all_sent())
    answered.insert(message.chat_id);
  BOOST_TEST(answered.size() == std::size_t{users});
}

BOOST_FIXTURE_TEST_CASE(one_chat_asking_five_times_quickly_gets_five_replies, limits_fixture) {
  start();
  for (int i = 0; i < 5; ++i)
    telegram.push_message(42, "/help");
  const auto replies = telegram.wait_for_messages(42, 5, 20s);
  BOOST_TEST_MESSAGE("5 replies to one chat: span at the fake "
                     << telegram.rate_limited_span().count() << " ms, 429s "
                     << telegram.rate_limited());
  BOOST_TEST(replies.size() == 5u);
  BOOST_TEST(telegram.rate_limited() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
