// The poller under virtual time: the database inbox of before a restart,
// duplicates, a chat's flood, and the orderly stop.
#include "tests/actor/telegram_poller_fixture.hpp"

namespace phoenix::test {

namespace {

struct old_update {
  int64_t id;
  int64_t chat;
  std::string text;
};

/// load_inbox's answer: these updates were received before the restart.
db::reply inbox_of(const std::vector<old_update>& rows) {
  db::reply r;
  for (auto& row : rows) {
    r.ids.push_back(row.id);
    r.bodies.push_back(inbox_row(row.id, row.chat, row.text));
  }
  return r;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(telegram_poller_actor_tests, poller_fixture)

BOOST_AUTO_TEST_CASE(the_inbox_of_before_a_restart_goes_before_new_updates) {
  db_rule = hold_db<db::load_inbox>();
  start();
  answer(next_poll(), updates({text_update(200, 7, "new")}));
  BOOST_TEST(dispatched().empty()); // new updates wait for the inbox
  db.reply(held_db<db::load_inbox>(), inbox_of({{150, 7, "old one"}, {151, 9, "old two"}}));
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{150, 151, 200}),
             boost::test_tools::per_element());
  BOOST_TEST(dispatched().front().text == "old one");
  BOOST_TEST(log.lines_with("2 update(s) from before the restart") == 1u);
  // Only the new one is written to the inbox: the others are there already.
  auto stores = db_ops<db::store_updates>();
  BOOST_REQUIRE_EQUAL(stores.size(), 1u);
  BOOST_TEST(stores[0].update_ids == std::vector<int64_t>{200}, boost::test_tools::per_element());
  done(150, 7);
  done(151, 9);
  BOOST_TEST(recorded_ids() == (std::vector<int64_t>{150, 151}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_inbox_update_that_telegram_sends_again_is_handled_once) {
  db_rule = hold_db<db::load_inbox>();
  start();
  answer(next_poll(), updates({text_update(200, 7, "again")}));
  db.reply(held_db<db::load_inbox>(), inbox_of({{150, 7, "old"}, {200, 7, "again"}}));
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{150, 200}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(updates_handled_before_a_restart_are_confirmed_not_dispatched) {
  db_rule = [](const db::operation& op) -> std::optional<db::reply> {
    db::reply r;
    if (std::holds_alternative<db::max_processed>(op))
      r.count = 300; // handled up to 300 before the restart
    if (std::holds_alternative<db::filter_processed>(op))
      r.ids = {250};
    return r;
  };
  start();
  answer(next_poll(), updates_of(7, {250, 251, 301}));
  auto asked = db_ops<db::filter_processed>();
  BOOST_REQUIRE_EQUAL(asked.size(), 1u);
  BOOST_TEST(asked[0].bot_id == bot_id);
  BOOST_TEST(asked[0].update_ids == (std::vector<int64_t>{250, 251, 301}),
             boost::test_tools::per_element());
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{251, 301}),
             boost::test_tools::per_element());
  BOOST_TEST(recorded_ids() == std::vector<int64_t>{250}, boost::test_tools::per_element());
  BOOST_TEST(stats().duplicates == 1u);
  // Ids above the highest handled before cannot be repeats: no database on the way.
  answer(next_poll(), updates_of(7, {302}));
  BOOST_TEST(db_ops<db::filter_processed>().size() == 1u);
  BOOST_TEST(dispatched_ids().back() == 302);
}

BOOST_AUTO_TEST_CASE(a_flood_beyond_max_queued_per_chat_is_confirmed_with_one_notice) {
  config.max_queued_per_chat = 2;
  start();
  answer(next_poll(), updates_of(7, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  auto got = dispatched();
  BOOST_REQUIRE_EQUAL(got.size(), 3u);
  BOOST_TEST(!got[0].flood_notice);
  BOOST_TEST(!got[1].flood_notice);
  BOOST_TEST(got[2].flood_notice); // answered with the notice
  BOOST_TEST(recorded_ids() == (std::vector<int64_t>{4, 5, 6, 7, 8, 9, 10}),
             boost::test_tools::per_element());
  BOOST_TEST(log.lines_with("sends more than handlers.max-queued-per-chat") == 1u);
  auto s = stats();
  BOOST_TEST(s.flood_dropped == 7u);
  BOOST_TEST(s.flood_notices == 1u);
  // Another chat is not held back by it.
  answer(next_poll(), updates_of(8, {11}));
  BOOST_TEST(dispatched_ids().back() == 11);
}

BOOST_AUTO_TEST_CASE(a_stop_waits_for_handlers_then_confirms_with_a_last_get_updates) {
  db_rule = hold_db<db::store_updates>(); // only handling confirms
  start();
  answer(next_poll(), updates({text_update(1, 7), text_update(2, 8)}));
  auto long_poll = next_poll();
  stop();
  BOOST_TEST(!stop_answer().has_value()); // 1 and 2 are being handled
  // What the running poll brings now is left to Telegram for after the restart.
  answer(long_poll, updates({text_update(1, 7), text_update(2, 8), text_update(3, 9)}));
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{1, 2}), boost::test_tools::per_element());
  vs.advance(1s);
  BOOST_TEST(!edge.has_next()); // no more polls
  done(1, 7);
  BOOST_TEST(!stop_answer().has_value());
  done(2, 8);
  auto last = next_poll();
  BOOST_TEST(last.offset() == 3);
  BOOST_TEST(last.limit() == 1);
  BOOST_TEST(last.number("timeout").value_or(-1) == 0);
  BOOST_TEST(db_ops<db::set_offset>().back().offset == 3); // saved for operators
  BOOST_TEST(!stop_answer().has_value());                  // not before Telegram has it
  answer(last, updates({text_update(3, 9)}));
  BOOST_TEST(stop_answer().value_or(-1) == 3);
  BOOST_TEST(dispatched().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_stop_with_nothing_new_to_confirm_answers_at_once) {
  start();
  answer(next_poll(), updates_of(7, {1}));
  auto second = next_poll();
  done(1, 7);
  answer(second, updates({}));
  auto third = next_poll();
  BOOST_TEST(third.offset() == 2);
  answer(third, updates({})); // Telegram has the offset
  next_poll();
  stop();
  BOOST_TEST(stop_answer().value_or(-1) == 2);
  BOOST_TEST(!edge.has_next());
}

BOOST_AUTO_TEST_CASE(a_stop_gives_up_on_handlers_at_the_drain_deadline) {
  db_rule = hold_db<db::store_updates>();
  start();
  answer(next_poll(), updates_of(7, {1}));
  next_poll(); // the long poll, never answered
  stop();
  vs.advance(19s);
  BOOST_TEST(!stop_answer().has_value());
  BOOST_TEST(!edge.has_next());
  vs.advance(1s);
  BOOST_TEST(log.lines_with("1 update(s) still in flight at the drain deadline") == 1u);
  if (edge.has_next()) {
    auto last = next_poll();
    BOOST_TEST(last.offset() <= 1); // the unhandled update is not confirmed
    answer(last, updates({}));
  }
  BOOST_TEST(stop_answer().value_or(-1) == 1);
}

BOOST_AUTO_TEST_CASE(with_the_database_down_new_updates_wait_for_the_inbox_at_most_inbox_wait) {
  bool up = false;
  db_rule = [&](const db::operation& op) -> std::optional<db::reply> {
    if (!up)
      return db_down();
    if (std::holds_alternative<db::load_inbox>(op))
      return inbox_of({{250, 9, "old"}});
    return db::reply{};
  };
  start();
  answer(next_poll(), updates_of(7, {300}));
  next_poll(); // the long poll
  vs.advance(9s);
  BOOST_TEST(dispatched().empty()); // waiting for the inbox (handlers.inbox-wait: 10 s)
  vs.advance(6s);                   // the inbox is tried at most 5 s apart
  BOOST_TEST(dispatched_ids() == std::vector<int64_t>{300}, boost::test_tools::per_element());
  BOOST_TEST(log.lines_with("the database inbox is unreadable") == 1u);
  up = true;
  vs.advance(5s); // the inbox follows as soon as the database answers
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{300, 250}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
