// update_intake: polling, what an answer means, conflicts, errors and backoff.
#include "tests/unit/update_intake_answers.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::test::intake; // and phoenix::core, chrono literals

BOOST_AUTO_TEST_SUITE(update_intake_tests)

BOOST_AUTO_TEST_CASE(no_poll_before_start_nor_while_one_runs) {
  update_intake intake;
  BOOST_TEST(!intake.begin_poll().has_value());
  intake.start();
  auto first = intake.begin_poll();
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(!first->offset.has_value()); // Telegram's own memory decides at first
  BOOST_TEST(first->limit == 100);
  BOOST_TEST(!intake.begin_poll().has_value()); // one at a time
  auto out = intake.on_poll_answer(updates({}));
  BOOST_TEST((out.then == next::poll));
  BOOST_TEST(intake.begin_poll().has_value());
  BOOST_TEST(intake.counted().polls == 2u);
}

BOOST_AUTO_TEST_CASE(the_limit_is_the_room_left_and_a_full_room_stops_polling) {
  update_intake intake{3, 10s, 1};
  intake.start();
  intake.replay({}, t0);
  BOOST_TEST(intake.begin_poll()->limit == 3);
  auto out = intake.on_poll_answer(updates({1, 2}));
  intake.take(out.fresh, t0);
  intake.stored({1, 2}); // confirmable: the next answer may bring new ones
  BOOST_TEST(intake.begin_poll()->limit == 1);
  out = intake.on_poll_answer(updates({3}));
  intake.take(out.fresh, t0);
  intake.stored({3});
  BOOST_TEST(!intake.begin_poll().has_value()); // full
  BOOST_TEST((intake.finish(1, t0 + 2s) == std::optional<update_intake::clock::duration>{2s}));
  BOOST_TEST((intake.begin_poll()->offset == std::optional<int64_t>{4}));
}

BOOST_AUTO_TEST_CASE(no_poll_when_the_updates_in_hand_would_fill_the_answer) {
  update_intake intake{3, 10s, 1};
  intake.start();
  intake.replay({}, t0);
  intake.begin_poll();
  intake.take(intake.on_poll_answer(updates({1, 2, 3})).fresh, t0);
  intake.finish(1, t0);
  // Room for one, but Telegram would answer with 2 again: it is not confirmable.
  BOOST_TEST(!intake.begin_poll().has_value());
  BOOST_TEST(intake.stored({1, 2, 3}) == std::vector<int64_t>{1}); // 1 was handled meanwhile
  BOOST_TEST(intake.begin_poll().has_value());
}

BOOST_AUTO_TEST_CASE(repeats_are_not_new_and_wait_a_moment) {
  running r;
  auto out = r.poll_and_get({100, 101});
  BOOST_TEST(ids_of(out.fresh) == (std::vector<int64_t>{100, 101}));
  BOOST_TEST((out.then == next::poll));
  out = r.poll_and_get({100, 101});
  BOOST_TEST(out.fresh.empty());
  BOOST_TEST((out.then == next::wait));
  BOOST_TEST(out.wait.count() == 500);
  BOOST_TEST(r.intake.counted().received == 2u);
}

BOOST_AUTO_TEST_CASE(the_offset_confirms_only_handled_or_stored_updates) {
  running r;
  r.poll_and_get({100, 101});
  auto poll = r.intake.begin_poll();
  BOOST_TEST(poll->offset.value_or(0) <= 100);
  r.intake.finish(101, t0);
  r.intake.on_poll_answer(updates({}));
  BOOST_TEST(r.intake.begin_poll()->offset.value_or(0) <= 100);
  r.intake.finish(100, t0);
  r.intake.on_poll_answer(updates({}));
  BOOST_TEST((r.intake.begin_poll()->offset == std::optional<int64_t>{102}));
  BOOST_TEST((r.intake.offset_to_save() == std::optional<int64_t>{102}));
  BOOST_TEST(!r.intake.offset_to_save().has_value()); // saved once
}

BOOST_AUTO_TEST_CASE(a_lower_id_starts_a_new_numbering) {
  running r;
  r.poll_and_get({5000});
  r.intake.finish(5000, t0);
  auto out = r.poll_and_get({12});
  BOOST_TEST(out.renumbered_at == std::vector<int64_t>{12});
  BOOST_TEST(ids_of(out.fresh) == std::vector<int64_t>{12});
  BOOST_TEST(r.intake.counted().renumbered == 1u);
  BOOST_TEST(r.intake.begin_poll()->offset.value_or(0) <= 12); // never 5001
  // Every id of the new numbering is new: no database check.
  std::vector<telegram_update> next_ones(1);
  next_ones[0].update_id = 13;
  r.intake.handled_before_start(6000); // a late answer does not undo it
  BOOST_TEST(!r.intake.needs_dedupe_check(next_ones));
}

BOOST_AUTO_TEST_CASE(ids_up_to_the_highest_handled_before_start_are_checked) {
  update_intake intake;
  std::vector<telegram_update> some(2);
  some[0].update_id = 250;
  some[1].update_id = 301;
  BOOST_TEST(!intake.needs_dedupe_check(some)); // inbox unread: the database is not answering
  intake.replay({}, t0);
  BOOST_TEST(intake.needs_dedupe_check(some)); // unknown: check
  intake.handled_before_start(300);
  BOOST_TEST(intake.needs_dedupe_check(some));
  some.erase(some.begin());
  BOOST_TEST(!intake.needs_dedupe_check(some)); // all newer
}

BOOST_AUTO_TEST_CASE(a_conflict_backs_off_growing_and_is_noted_once_per_episode) {
  running r;
  std::vector<int64_t> waits;
  for (int i = 0; i < 3; ++i) {
    r.intake.begin_poll();
    auto out = r.intake.on_poll_answer(error(409));
    BOOST_TEST((out.what == (i == 0 ? note::conflict : note::none)));
    BOOST_TEST((out.then == next::wait));
    waits.push_back(out.wait.count());
  }
  BOOST_TEST((waits[0] >= 50 && waits[0] < 100));
  BOOST_TEST((waits[1] >= 75 && waits[1] < 150));
  BOOST_TEST((waits[2] >= 112 && waits[2] < 225));
  r.intake.begin_poll();
  r.intake.on_poll_answer(updates({}));
  r.intake.begin_poll();
  auto out = r.intake.on_poll_answer(error(409));
  BOOST_TEST((out.what == note::conflict)); // a new episode
  BOOST_TEST(out.wait.count() < 100);       // the backoff started over
  BOOST_TEST(r.intake.counted().poll_errors == 4u);
}

BOOST_AUTO_TEST_CASE(a_429_waits_retry_after_and_a_401_ends_polling) {
  running r;
  r.intake.begin_poll();
  auto out = r.intake.on_poll_answer(error(429, 7));
  BOOST_TEST((out.then == next::wait));
  BOOST_TEST(out.wait.count() == 7000);
  r.intake.begin_poll();
  out = r.intake.on_poll_answer(error(401));
  BOOST_TEST((out.then == next::token_rejected));
}

BOOST_AUTO_TEST_CASE(server_errors_back_off_up_to_30_seconds) {
  running r;
  int64_t longest = 0;
  for (int i = 0; i < 30; ++i) {
    r.intake.begin_poll();
    auto out = r.intake.on_poll_answer(error(502));
    BOOST_TEST((out.what == note::failed));
    longest = std::max<int64_t>(longest, out.wait.count());
  }
  BOOST_TEST(longest >= 15000);
  BOOST_TEST(longest <= 30000);
}

BOOST_AUTO_TEST_CASE(an_unreadable_update_is_skipped_once_it_came_alone_twice) {
  running r;
  BOOST_TEST(r.intake.begin_poll()->limit == 100);
  auto out = r.intake.on_poll_answer(unreadable(105));
  BOOST_TEST((out.then == next::poll));
  BOOST_TEST((out.what == note::none));
  BOOST_TEST(r.intake.begin_poll()->limit == 1); // one at a time
  out = r.intake.on_poll_answer(unreadable(105));
  BOOST_TEST((out.then == next::poll)); // once alone: maybe garbled on the way
  BOOST_TEST(r.intake.begin_poll()->limit == 1);
  out = r.intake.on_poll_answer(unreadable(105));
  BOOST_TEST((out.what == note::unreadable_skipped));
  BOOST_TEST(out.skipped == 105);
  auto after = r.intake.begin_poll();
  BOOST_TEST((after->offset == std::optional<int64_t>{106}));
  BOOST_TEST(after->limit == 100);
}

BOOST_AUTO_TEST_CASE(an_unreadable_answer_naming_no_update_backs_off) {
  running r;
  r.intake.begin_poll();
  r.intake.on_poll_answer(parse_bot_api_answer(200, "<html>"));
  r.intake.begin_poll(); // one at a time now
  auto out = r.intake.on_poll_answer(parse_bot_api_answer(200, "<html>"));
  BOOST_TEST((out.what == note::unreadable));
  BOOST_TEST((out.then == next::wait));
  BOOST_TEST(r.intake.counted().poll_errors == 2u);
}

BOOST_AUTO_TEST_CASE(an_update_without_an_id_is_told_once_while_it_repeats) {
  running r;
  auto no_id = parse_bot_api_answer(200, R"({"ok":true,"result":[{"message":{}}]})");
  r.intake.begin_poll();
  auto out = r.intake.on_poll_answer(no_id);
  BOOST_TEST(out.problems.size() == 1u);
  BOOST_TEST((out.then == next::wait));
  r.intake.begin_poll();
  BOOST_TEST(r.intake.on_poll_answer(no_id).problems.empty());
}

BOOST_AUTO_TEST_SUITE_END()
