#include "core/telegram/update_window.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>

using phoenix::core::update_window;
using arrival = update_window::arrival;

BOOST_AUTO_TEST_SUITE(update_window_tests)

BOOST_AUTO_TEST_CASE(the_first_poll_carries_no_offset) {
  // Nothing received in this run: a stored offset could belong to an older
  // numbering, so Telegram's own memory of what was confirmed decides.
  update_window w;
  BOOST_TEST(!w.offset_to_send().has_value());
  BOOST_TEST(w.low_watermark() == 0);
}

BOOST_AUTO_TEST_CASE(handled_updates_are_confirmed_once) {
  update_window w;
  BOOST_TEST((w.arrive(100) == arrival::fresh));
  BOOST_TEST((w.arrive(101) == arrival::fresh));
  BOOST_TEST((w.offset_to_send() == 100)); // confirms nothing new, but harmless before the first
  w.confirmed(100);
  BOOST_TEST(!w.offset_to_send().has_value());
  BOOST_TEST(w.finish(101));
  BOOST_TEST(!w.offset_to_send().has_value()); // 100 is still in hand
  BOOST_TEST(w.finish(100));
  BOOST_TEST((w.offset_to_send() == 102));
  w.confirmed(102);
  BOOST_TEST(!w.offset_to_send().has_value()); // nothing new: polls carry no offset
  BOOST_TEST(!w.finish(100));                  // not in hand any more
}

BOOST_AUTO_TEST_CASE(repeats_of_updates_in_hand_or_not_yet_confirmed_are_skipped) {
  update_window w;
  w.arrive(7);
  w.arrive(8);
  BOOST_TEST((w.arrive(7) == arrival::repeat)); // in hand
  w.finish(8);
  BOOST_TEST((w.arrive(8) == arrival::repeat)); // handled above the lowest in hand
  w.finish(7);
  BOOST_TEST((w.arrive(7) == arrival::repeat)); // handled, offset not yet sent
  w.confirmed(9);
  BOOST_TEST((w.arrive(9) == arrival::fresh));
}

BOOST_AUTO_TEST_CASE(durable_updates_may_be_confirmed_while_in_hand) {
  update_window w;
  w.arrive(10);
  w.arrive(11);
  w.keep_durable(10);
  BOOST_TEST(w.low_watermark() == 11);
  w.keep_durable(11);
  BOOST_TEST((w.offset_to_send() == 12));
  w.confirmed(12);
  BOOST_TEST(w.finish(10));
  BOOST_TEST(w.finish(11));
  BOOST_TEST(!w.offset_to_send().has_value());
  BOOST_TEST(w.empty());
}

BOOST_AUTO_TEST_CASE(repeats_ahead_count_what_the_next_poll_gets_back) {
  update_window w;
  BOOST_TEST(w.repeats_ahead() == 0u);
  for (int64_t id = 20; id < 25; ++id)
    w.arrive(id);
  BOOST_TEST(w.repeats_ahead() == 5u); // none confirmable yet
  w.finish(22);
  BOOST_TEST(w.repeats_ahead() == 5u); // handled above one in hand: still unconfirmed
  w.keep_durable(20);
  w.finish(21);
  BOOST_TEST(w.repeats_ahead() == 2u); // 20-22 are below the watermark: confirmed with it
  w.replay(5);                         // from the inbox: Telegram holds it no more
  BOOST_TEST(w.repeats_ahead() == 2u);
  w.finish(23);
  w.finish(24);
  BOOST_TEST(w.repeats_ahead() == 0u);
}

BOOST_AUTO_TEST_CASE(ids_restarting_lower_start_a_new_numbering) {
  update_window w;
  for (int64_t id = 5000; id < 5200; ++id) {
    w.arrive(id);
    w.finish(id);
  }
  w.confirmed(5200);
  // After a week of silence Telegram picks a random lower id.
  BOOST_TEST((w.arrive(40) == arrival::renumbered));
  BOOST_TEST(w.renumberings() == 1u);
  BOOST_TEST((w.arrive(41) == arrival::fresh));
  BOOST_TEST(w.low_watermark() == 40);
  w.finish(40);
  w.finish(41);
  // The offset confirms exactly what was handled in the new numbering,
  // never the old 5200 (which would drop every new update below it).
  BOOST_TEST((w.offset_to_send() == 42));
}

BOOST_AUTO_TEST_CASE(updates_of_the_old_numbering_still_finish_but_do_not_hold_the_offset) {
  update_window w;
  w.arrive(900);
  w.arrive(3); // renumbered while 900 is still in hand
  BOOST_TEST(w.low_watermark() == 3);
  w.finish(3);
  BOOST_TEST((w.offset_to_send() == 4));
  BOOST_TEST(w.finish(900));
  BOOST_TEST((w.offset_to_send() == 4));
}

BOOST_AUTO_TEST_CASE(ids_jumping_far_ahead_are_fresh) {
  update_window w;
  w.arrive(10);
  w.finish(10);
  w.confirmed(11);
  BOOST_TEST((w.arrive(900000000) == arrival::fresh));
  w.finish(900000000);
  BOOST_TEST((w.offset_to_send() == 900000001));
  BOOST_TEST(w.renumberings() == 0u);
}

BOOST_AUTO_TEST_CASE(inbox_replays_never_move_the_offset) {
  // Inbox rows were confirmed before the restart; their ids may belong to a
  // numbering Telegram has since left.
  update_window w;
  w.replay(70000);
  BOOST_TEST(!w.offset_to_send().has_value());
  BOOST_TEST((w.arrive(70000) == arrival::repeat)); // unconfirmed when the process died
  BOOST_TEST((w.arrive(12) == arrival::fresh));
  w.finish(12);
  BOOST_TEST((w.offset_to_send() == 13));
  BOOST_TEST(w.finish(70000));
  BOOST_TEST((w.offset_to_send() == 13));
}

BOOST_AUTO_TEST_CASE(a_skipped_unreadable_update_is_confirmed_past) {
  update_window w;
  w.arrive(20);
  w.finish(20);
  w.skip(21);
  BOOST_TEST((w.offset_to_send() == 22));
  BOOST_TEST((w.arrive(21) == arrival::repeat));
}

BOOST_AUTO_TEST_CASE(a_crowd_in_the_inbox_is_finished_without_walking_it_each_time) {
  // 20,000 durable updates in flight, handled in any order, each finish
  // asking for the watermark: walking every one in flight per finish (as
  // before) took over 10 s here; a lookup each takes milliseconds. The bound
  // only separates the two.
  update_window w;
  constexpr int64_t first = 1000, crowd = 20000;
  for (int64_t id = first; id < first + crowd; ++id) {
    w.arrive(id);
    w.keep_durable(id);
  }
  BOOST_TEST(w.low_watermark() == first + crowd); // all durable: all confirmable
  w.arrive(first + crowd);                        // one not in the inbox yet holds it
  BOOST_TEST(w.low_watermark() == first + crowd);
  auto started = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < crowd; ++i)
    BOOST_TEST_REQUIRE(w.finish(first + (i * 7919) % crowd)); // a scattered order
  auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST(w.low_watermark() == first + crowd);
  BOOST_TEST(w.in_flight() == 1u);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 2000);
}

BOOST_AUTO_TEST_SUITE_END()
