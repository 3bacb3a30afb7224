#include "core/telegram/chat_queue_cap.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {

using verdict = chat_queue_cap::verdict;
const chat_queue_cap::time_point t0{std::chrono::hours{1000}};

telegram_update message(std::string chat_type, std::string text) {
  telegram_update u;
  u.type = telegram_update::kind::message;
  u.chat_type = std::move(chat_type);
  u.text = std::move(text);
  return u;
}

} // namespace

BOOST_AUTO_TEST_SUITE(chat_queue_cap_tests)

BOOST_AUTO_TEST_CASE(a_flood_beyond_the_cap_gets_one_notice_and_the_rest_is_dropped) {
  chat_queue_cap cap{3};
  for (int i = 0; i < 3; ++i)
    BOOST_TEST((cap.on_arrival(1, true, t0) == verdict::queue));
  BOOST_TEST((cap.on_arrival(1, true, t0) == verdict::notice));
  for (int i = 0; i < 600; ++i)
    BOOST_TEST_REQUIRE((cap.on_arrival(1, true, t0 + 1ms) == verdict::drop));
  BOOST_TEST(cap.queued(1) == 4u); // three and the notice
  // Other chats have room of their own.
  BOOST_TEST((cap.on_arrival(2, true, t0) == verdict::queue));
  BOOST_TEST(cap.queued(2) == 1u);
}

BOOST_AUTO_TEST_CASE(after_an_overflow_the_queue_takes_updates_again_once_empty) {
  chat_queue_cap cap{2};
  cap.on_arrival(1, true, t0);
  cap.on_arrival(1, true, t0);
  BOOST_TEST((cap.on_arrival(1, true, t0) == verdict::notice));
  cap.on_done(1, t0 + 1s);
  BOOST_TEST((cap.on_arrival(1, true, t0 + 1s) == verdict::drop)); // room, but the flood goes on
  cap.on_done(1, t0 + 2s);
  cap.on_done(1, t0 + 2s);
  BOOST_TEST((cap.on_arrival(1, true, t0 + 2s) == verdict::queue)); // empty: open again
  BOOST_TEST((cap.on_arrival(1, true, t0 + 3s) == verdict::queue));
  BOOST_TEST((cap.on_arrival(1, true, t0 + 3s) == verdict::drop)); // same episode: no second notice
  // A minute without a dropped update ends the episode: the next flood earns a notice.
  cap.on_done(1, t0 + 4s);
  cap.on_done(1, t0 + 4s);
  cap.on_arrival(1, true, t0 + 63s);
  cap.on_arrival(1, true, t0 + 63s);
  BOOST_TEST((cap.on_arrival(1, true, t0 + 63s) == verdict::notice));
}

BOOST_AUTO_TEST_CASE(the_rest_of_a_burst_is_dropped_even_once_the_queue_is_empty) {
  chat_queue_cap cap{1}; // held for 1 s after an overflow
  cap.on_arrival(1, true, t0);
  BOOST_TEST((cap.on_arrival(1, true, t0) == verdict::notice));
  cap.on_done(1, t0 + 10ms);
  cap.on_done(1, t0 + 20ms);
  BOOST_TEST(cap.queued(1) == 0u);
  BOOST_TEST((cap.on_arrival(1, true, t0 + 50ms) == verdict::drop)); // the burst's next page
  BOOST_TEST((cap.on_arrival(1, true, t0 + 1s) == verdict::queue));  // a second later
}

BOOST_AUTO_TEST_CASE(chatter_over_the_cap_is_dropped_without_a_notice) {
  chat_queue_cap cap{1};
  cap.on_arrival(-5, false, t0);
  BOOST_TEST((cap.on_arrival(-5, false, t0) == verdict::drop));
  BOOST_TEST((cap.on_arrival(-5, false, t0) == verdict::drop));
  BOOST_TEST((cap.on_arrival(-5, true, t0) == verdict::notice)); // a command: told once
  BOOST_TEST((cap.on_arrival(-5, true, t0) == verdict::drop));
}

BOOST_AUTO_TEST_CASE(off_queues_everything_and_remembers_nothing) {
  chat_queue_cap off{0};
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST_REQUIRE((off.on_arrival(1, true, t0) == verdict::queue));
  BOOST_TEST(off.tracked_chats() == 0u);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded_by_busy_chats) {
  chat_queue_cap cap{1};
  for (int64_t chat = 0; chat < 10000; ++chat) {
    cap.on_arrival(chat, true, t0);
    cap.on_done(chat, t0);
  }
  BOOST_TEST(cap.tracked_chats() == 0u);
  // A chat that flooded is remembered until its episode is over.
  cap.on_arrival(7, true, t0);
  cap.on_arrival(7, true, t0);
  cap.on_done(7, t0);
  cap.on_done(7, t0);
  BOOST_TEST(cap.tracked_chats() == 1u);
  cap.on_arrival(8, true, t0 + 2min);
  BOOST_TEST(cap.tracked_chats() == 1u); // 7 forgotten, 8 has one queued
  cap.on_done(9, t0 + 2min);             // unknown chat: nothing happens
  BOOST_TEST(cap.queued(8) == 1u);
}

BOOST_AUTO_TEST_CASE(answers_are_expected_for_buttons_private_chats_and_group_commands) {
  BOOST_TEST(expects_answer(message("private", "hello"), "phoenix_bot"));
  BOOST_TEST(expects_answer(message("group", "/help"), "phoenix_bot"));
  BOOST_TEST(expects_answer(message("supergroup", "/stats@phoenix_bot 1"), "phoenix_bot"));
  BOOST_TEST(!expects_answer(message("supergroup", "/stats@other_bot 1"), "phoenix_bot"));
  BOOST_TEST(!expects_answer(message("group", "what a goal"), "phoenix_bot"));
  telegram_update button;
  button.type = telegram_update::kind::callback_query;
  BOOST_TEST(expects_answer(button, "phoenix_bot"));
  BOOST_TEST(!expects_answer(telegram_update{}, "phoenix_bot"));
}

BOOST_AUTO_TEST_SUITE_END()
