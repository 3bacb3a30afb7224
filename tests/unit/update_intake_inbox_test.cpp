// update_intake: the inbox of before a restart, inbox writes, records of
// handled ids, stopping, getMe failures and the memory of handled ids.
#include "core/ops/process_stats.hpp"
#include "tests/unit/update_intake_answers.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::test::intake; // and phoenix::core, chrono literals

BOOST_AUTO_TEST_SUITE(update_intake_tests)

BOOST_AUTO_TEST_CASE(new_updates_wait_for_the_inbox_then_follow_it) {
  update_intake intake{1000, 10s, 1};
  intake.start();
  intake.begin_poll();
  auto out = intake.on_poll_answer(updates({200, 201}));
  BOOST_TEST(intake.take(out.fresh, t0).empty()); // held
  BOOST_TEST(intake.release_if_waited_too_long(t0 + 9s).empty());
  std::vector<telegram_update> inbox(2);
  inbox[0].update_id = 150;
  inbox[1].update_id = 200; // Telegram sent it again: in hand already
  BOOST_TEST(ids_of(intake.replay(inbox, t0 + 1s)) == std::vector<int64_t>{150});
  BOOST_TEST(!intake.inbox_wanted());
  BOOST_TEST(ids_of(intake.take_held()) == (std::vector<int64_t>{200, 201}));
}

BOOST_AUTO_TEST_CASE(held_updates_go_after_inbox_wait_without_the_inbox) {
  update_intake intake{1000, 10s, 1};
  intake.start();
  intake.begin_poll();
  intake.take(intake.on_poll_answer(updates({300})).fresh, t0);
  BOOST_TEST(intake.inbox_failed().count() < 500);
  BOOST_TEST(ids_of(intake.release_if_waited_too_long(t0 + 10s)) == std::vector<int64_t>{300});
  intake.begin_poll();
  auto out = intake.on_poll_answer(updates({301}));
  BOOST_TEST(intake.take(out.fresh, t0 + 11s).size() == 1u); // not held any more
  BOOST_TEST(intake.inbox_wanted());                         // still to be read
}

BOOST_AUTO_TEST_CASE(a_page_mostly_in_hand_waits_for_its_inbox_write_a_moment_at_most) {
  running r;
  std::vector<int64_t> page;
  for (int64_t id = 100; id < 200; ++id)
    page.push_back(id);
  r.poll_and_get(page);
  auto write = r.intake.storing(t0);
  r.intake.finish(100, t0);
  // 101-199 would come back with one new update: the poll waits for the write.
  BOOST_TEST(!r.intake.begin_poll(t0 + 5ms).has_value());
  BOOST_TEST((r.intake.inbox_write_wait() == update_intake::clock::duration{95ms}));
  BOOST_TEST(r.intake.stored(page, write) == std::vector<int64_t>{100});
  auto next_page = r.intake.begin_poll(t0 + 6ms);
  BOOST_REQUIRE(next_page.has_value());
  BOOST_TEST((next_page->offset == std::optional<int64_t>{200}));
  BOOST_TEST(!r.intake.inbox_write_wait().has_value());
  // A write that does not answer holds the polls for inbox_write_grace only.
  page.clear();
  for (int64_t id = 200; id < 300; ++id)
    page.push_back(id);
  r.intake.take(r.intake.on_poll_answer(updates(page)).fresh, t0);
  r.intake.storing(t0 + 10ms);
  r.intake.finish(200, t0);
  BOOST_TEST(!r.intake.begin_poll(t0 + 109ms).has_value());
  BOOST_TEST(r.intake.begin_poll(t0 + 110ms).has_value());
}

BOOST_AUTO_TEST_CASE(overlapping_inbox_writes_each_get_the_grace_from_their_own_start) {
  running r;
  r.poll_and_get({100});
  auto first_write = r.intake.storing(t0);
  BOOST_REQUIRE(r.intake.begin_poll(t0 + 1ms).has_value()); // one in hand: polls
  std::vector<int64_t> page;
  for (int64_t id = 101; id < 200; ++id)
    page.push_back(id);
  r.intake.take(r.intake.on_poll_answer(updates(page)).fresh, t0 + 80ms);
  r.intake.storing(t0 + 80ms); // out before the first answered: no gap
  r.intake.finish(100, t0 + 85ms);
  BOOST_TEST(r.intake.stored({100}, first_write) == std::vector<int64_t>{100});
  // 101-199 in hand: their write, out since 80 ms, is waited for until 180 ms,
  // though some write has been out without a gap since 0 ms.
  BOOST_TEST(!r.intake.begin_poll(t0 + 150ms).has_value());
  BOOST_TEST((r.intake.inbox_write_wait() == update_intake::clock::duration{30ms}));
  BOOST_TEST(r.intake.begin_poll(t0 + 180ms).has_value());
}

BOOST_AUTO_TEST_CASE(a_failed_record_goes_with_the_next) {
  update_intake intake;
  auto first = intake.to_record({100});
  BOOST_TEST(!intake.has_unrecorded());
  intake.record_answered(first, false);
  BOOST_TEST(intake.has_unrecorded());
  BOOST_TEST(intake.to_record({101}) == (std::vector<int64_t>{100, 101}));
  BOOST_TEST(!intake.has_unrecorded());
}

BOOST_AUTO_TEST_CASE(one_record_at_a_time_takes_the_ids_handled_meanwhile) {
  update_intake intake;
  auto first = intake.to_record({100});
  BOOST_TEST(first == (std::vector<int64_t>{100}));
  for (int64_t id = 101; id <= 103; ++id) // handled while the first is out: they wait
    BOOST_TEST(intake.to_record({id}).empty());
  BOOST_TEST(intake.has_unrecorded());
  intake.record_answered(first, true);
  BOOST_TEST(intake.to_record({}) == (std::vector<int64_t>{101, 102, 103}));
  BOOST_TEST(intake.to_record({104}).empty());
  BOOST_TEST(intake.to_record({}, true) == (std::vector<int64_t>{104})); // a stop sends anyway
}

BOOST_AUTO_TEST_CASE(a_stop_drains_what_went_out_but_not_what_was_held) {
  update_intake intake;
  intake.start();
  intake.begin_poll();
  intake.take(intake.on_poll_answer(updates({1})).fresh, t0); // held: inbox unread
  intake.stop();
  BOOST_TEST(intake.drained()); // held ones never went out
  BOOST_TEST(!intake.begin_poll().has_value());
  BOOST_TEST(!intake.inbox_wanted());
  BOOST_TEST(intake.in_hand() == 0u);
}

BOOST_AUTO_TEST_CASE(an_answer_while_stopping_takes_nothing_new) {
  running r;
  r.poll_and_get({1});
  r.intake.begin_poll();
  r.intake.stop();
  BOOST_TEST(!r.intake.drained());
  auto out = r.intake.on_poll_answer(updates({1, 2}));
  BOOST_TEST(out.fresh.empty());
  BOOST_TEST((out.then == next::none));
  r.intake.finish(1, t0);
  BOOST_TEST(r.intake.drained());
  BOOST_TEST((r.intake.offset_to_send() == std::optional<int64_t>{2}));
}

BOOST_AUTO_TEST_CASE(get_me_failures_wait_longer_each_time) {
  update_intake intake{1000, 10s, 7};
  auto first = intake.start_failed().count();
  auto second = intake.start_failed().count();
  BOOST_TEST((first >= 500 && first < 1000));
  BOOST_TEST((second >= 750 && second < 1500));
  BOOST_TEST(intake.counted().poll_errors == 2u);
}

// The ids remembered for a webhook's repeats live in one block made at the
// start: a heap block per id, made during a crowd and kept long after it,
// pinned a page of the crowd's freed memory each (settled RSS, issue 18).
BOOST_AUTO_TEST_CASE(handled_ids_are_remembered_without_a_heap_block_each) {
  running r;
  int64_t next_id = 1;
  auto handle_a_page = [&] {
    std::vector<int64_t> ids;
    for (int i = 0; i < 100; ++i)
      ids.push_back(next_id++);
    r.poll_and_get(ids);
    for (auto id : ids)
      BOOST_REQUIRE(r.intake.finish(id, t0).has_value());
  };
  for (int i = 0; i < 5; ++i) // the intake's tables reach their size for a page
    handle_a_page();
  auto before = static_cast<int64_t>(phoenix::core::heap_in_use_bytes());
  for (int i = 0; i < 40; ++i) // 4,000 handled: each remembered
    handle_a_page();
  auto grown = static_cast<int64_t>(phoenix::core::heap_in_use_bytes()) - before;
  BOOST_TEST_MESSAGE("heap grown over 4,000 handled updates: " << grown << " bytes");
  BOOST_TEST(grown < 4096);
}

BOOST_AUTO_TEST_SUITE_END()
