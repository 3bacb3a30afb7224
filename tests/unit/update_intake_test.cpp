#include "core/ops/process_stats.hpp"
#include "core/telegram/update_intake.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;
using next = poll_outcome::next;
using note = poll_outcome::note;

namespace {

std::string message(int64_t id, int64_t chat = 7) {
  return R"({"update_id":)" + std::to_string(id) + R"(,"message":{"message_id":1,"chat":{"id":)" +
         std::to_string(chat) + R"(,"type":"private"},"text":"hi"}})";
}

/// getUpdates' answer holding a text message for each id.
bot_api_answer updates(const std::vector<int64_t>& ids) {
  std::string result;
  for (auto id : ids)
    result += (result.empty() ? "" : ",") + message(id);
  return parse_bot_api_answer(200, R"({"ok":true,"result":[)" + result + "]}");
}

bot_api_answer error(int code, int retry_after = 0) {
  return parse_bot_api_answer(
      static_cast<unsigned>(code),
      R"({"ok":false,"error_code":)" + std::to_string(code) + R"(,"description":"no")" +
          (retry_after > 0 ? R"(,"parameters":{"retry_after":)" + std::to_string(retry_after) + "}"
                           : "") +
          "}");
}

bot_api_answer unreadable(int64_t id) {
  return parse_bot_api_answer(200, R"({"ok":true,"result":[{"update_id":)" + std::to_string(id) +
                                       R"(,"message":{"text":"\ud83d)");
}

std::vector<int64_t> ids_of(const std::vector<telegram_update>& updates) {
  std::vector<int64_t> ids;
  for (auto& u : updates)
    ids.push_back(u.update_id);
  return ids;
}

const update_intake::time_point t0{};

/// Started, the inbox read, nothing handled before: updates go at once.
struct running {
  update_intake intake{1000, 10s, 42};
  running() {
    intake.start();
    intake.replay({}, t0);
  }
  /// Polls, gets these ids, takes them; the outcome.
  poll_outcome poll_and_get(const std::vector<int64_t>& ids) {
    BOOST_REQUIRE(intake.begin_poll().has_value());
    auto out = intake.on_poll_answer(updates(ids));
    intake.take(out.fresh, t0);
    return out;
  }
};

} // namespace

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
