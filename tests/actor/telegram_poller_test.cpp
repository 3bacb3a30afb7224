// The poller under virtual time: start-up (deleteWebhook, setMyCommands,
// getMe), polling, and the offset, which confirms an update to Telegram only
// once it is handled or safe in the database inbox.
#include "tests/actor/telegram_poller_fixture.hpp"

namespace phoenix::test {

BOOST_FIXTURE_TEST_SUITE(telegram_poller_actor_tests, poller_fixture)

BOOST_AUTO_TEST_CASE(start_up_removes_the_webhook_sets_the_menu_and_asks_who_it_is) {
  spawn_poller();
  auto webhook = next_call();
  auto menu = next_call();
  auto get_me = next_call();
  BOOST_TEST(webhook.method == "deleteWebhook");
  BOOST_TEST(webhook.url == "http://telegram.test/bot123:SECRET/deleteWebhook");
  // Back to polling: what Telegram kept for the webhook is not dropped.
  BOOST_TEST(webhook.body.find(R"("drop_pending_updates":false)") != std::string::npos);
  BOOST_TEST(menu.method == "setMyCommands");
  BOOST_TEST(menu.body.find("\"commands\"") != std::string::npos);
  BOOST_TEST(get_me.method == "getMe");
  BOOST_TEST(!edge.has_next()); // no getUpdates before getMe answered
  answer(webhook, bot_api_ok());
  answer(menu, bot_api_ok());
  answer(get_me, me());
  auto [name] = dispatcher.next_as<bot_name_atom, std::string>();
  BOOST_TEST(name == "phoenix_bot");
  auto poll = next_poll();
  BOOST_TEST(poll.offset() == no_offset); // Telegram's own memory decides at first
  BOOST_TEST(poll.limit() == 100);
  BOOST_TEST(poll.number("timeout").value_or(-1) == 30);
  // The database state is keyed by getMe's id.
  BOOST_REQUIRE_EQUAL(db_ops<db::max_processed>().size(), 1u);
  BOOST_TEST(db_ops<db::max_processed>()[0].bot_id == bot_id);
  BOOST_REQUIRE_EQUAL(db_ops<db::load_inbox>().size(), 1u);
  BOOST_TEST(db_ops<db::load_inbox>()[0].bot_id == bot_id);
  BOOST_TEST(fatal_codes().empty());
}

namespace {

void token_rejected(poller_fixture& f, int code) {
  f.start(bot_api_error(code, code == 401 ? "Unauthorized" : "Not Found"));
  BOOST_TEST(f.fatal_codes() == std::vector<int>{3}, boost::test_tools::per_element());
  BOOST_TEST(f.log.lines_with("the bot token was rejected") == 1u);
  f.vs.advance(60s);
  BOOST_TEST(!f.edge.has_next()); // neither polled nor retried
}

} // namespace

BOOST_AUTO_TEST_CASE(get_me_401_is_fatal_with_exit_code_3) {
  token_rejected(*this, 401);
}

BOOST_AUTO_TEST_CASE(get_me_404_a_malformed_token_is_fatal_with_exit_code_3) {
  token_rejected(*this, 404);
}

BOOST_AUTO_TEST_CASE(get_me_failing_otherwise_is_retried_after_a_growing_backoff) {
  start(bot_api_error(500, "Internal Server Error"));
  BOOST_TEST(!edge.has_next());
  vs.advance(499ms); // the first wait is drawn from [500, 1000) ms
  BOOST_TEST(!edge.has_next());
  vs.advance(501ms);
  BOOST_REQUIRE_EQUAL(next_call().method, "deleteWebhook"); // the whole start-up again
  BOOST_REQUIRE_EQUAL(next_call().method, "setMyCommands");
  auto again = next_call();
  BOOST_REQUIRE_EQUAL(again.method, "getMe");
  answer(again, network_failure(core::http_errc::connect));
  vs.advance(749ms); // the second from [750, 1500) ms
  BOOST_TEST(!edge.has_next());
  vs.advance(751ms);
  next_call();
  next_call();
  answer(next_call(), me());
  next_poll();
  BOOST_TEST(fatal_codes().empty());
  BOOST_TEST(stats().poll_errors == 2u);
}

BOOST_AUTO_TEST_CASE(updates_go_to_the_dispatcher_in_order_and_into_the_inbox) {
  start();
  answer(next_poll(),
         updates({text_update(100, 7, "a"), text_update(101, 8, "b"), text_update(102, 7, "c")}));
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{100, 101, 102}),
             boost::test_tools::per_element());
  auto first = dispatched().front();
  BOOST_TEST(first.text == "a");
  BOOST_TEST(first.chat_id == 7);
  // One inbox write for the batch, the updates as the inbox keeps them.
  auto stores = db_ops<db::store_updates>();
  BOOST_REQUIRE_EQUAL(stores.size(), 1u);
  BOOST_TEST(stores[0].bot_id == bot_id);
  BOOST_TEST(stores[0].update_ids == (std::vector<int64_t>{100, 101, 102}),
             boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(stores[0].bodies.size(), 3u);
  auto kept = core::decode_update_record(stores[0].bodies[1]);
  BOOST_REQUIRE(kept.has_value());
  BOOST_TEST(kept->text == "b");
  BOOST_TEST(stats().received == 3u);
  next_poll(); // and it polls on for more
}

// Urgent: a page is not kept behind the sends' answers at the edge, nor its
// updates behind the conversations' tg_done at the dispatcher.
BOOST_AUTO_TEST_CASE(polls_and_the_updates_they_bring_travel_as_urgent_messages) {
  start();
  auto poll = next_poll();
  BOOST_TEST(edge.last().urgent);
  answer(poll, updates_of(7, {100, 101}));
  size_t updates = 0;
  for (auto& r : dispatcher.all())
    if (r.is<caf::atom_value, core::telegram_update>()) {
      ++updates;
      BOOST_TEST(r.urgent);
    }
  BOOST_TEST(updates == 2u);
}

BOOST_AUTO_TEST_CASE(the_offset_passes_updates_only_once_they_are_durable) {
  db_rule = hold_db<db::store_updates>();
  start();
  answer(next_poll(), updates_of(7, {100, 101}));
  auto second = next_poll();
  BOOST_TEST(second.offset() <= 100); // nothing confirmed yet
  // Telegram repeats unconfirmed updates: not dispatched again, and not
  // polled for at once (the same answer would come back at once).
  answer(second, updates_of(7, {100, 101}));
  BOOST_TEST(dispatched().size() == 2u);
  BOOST_TEST(!edge.has_next());
  vs.advance(500ms);
  auto third = next_poll();
  BOOST_TEST(third.offset() <= 100);
  db.reply(held_db<db::store_updates>(), db::reply{}); // now in the inbox
  answer(third, updates({}));
  BOOST_TEST(next_poll().offset() == 102);
  BOOST_TEST(dispatched().size() == 2u);
}

// A burst's page: while its inbox write is out, a poll would bring the page
// back and little else (a round trip per few new updates while a flood is
// paged through); it waits for the write, or at most a moment.
BOOST_AUTO_TEST_CASE(a_page_in_hand_waits_for_its_inbox_write_before_the_next_poll) {
  db_rule = hold_db<db::store_updates>();
  start();
  std::vector<std::string> page;
  for (int64_t id = 100; id < 200; ++id)
    page.push_back(text_update(id, id)); // a chat each: no flood cap
  answer(next_poll(), updates(page));
  done(100, 100);
  BOOST_TEST(!edge.has_next()); // 101-199 would come back
  db.reply(held_db<db::store_updates>(), db::reply{});
  auto second = next_poll();
  BOOST_TEST(second.offset() == 200);
  // A write that does not answer holds the polls only for a moment.
  page.clear();
  for (int64_t id = 200; id < 300; ++id)
    page.push_back(text_update(id, id));
  answer(second, updates(page));
  done(200, 200);
  BOOST_TEST(!edge.has_next());
  vs.advance(core::update_intake::inbox_write_grace);
  BOOST_TEST(next_poll().offset() == 201);
}

BOOST_AUTO_TEST_CASE(a_handled_update_is_recorded_and_then_confirmed) {
  db_rule = hold_db<db::store_updates>(); // never durable: only handling confirms
  start();
  answer(next_poll(), updates({text_update(100, 7), text_update(101, 8)}));
  auto second = next_poll();
  done(101, 8);
  auto marks = db_ops<db::mark_processed>();
  BOOST_REQUIRE_EQUAL(marks.size(), 1u);
  BOOST_TEST(marks[0].bot_id == bot_id);
  BOOST_TEST(marks[0].update_ids == std::vector<int64_t>{101}, boost::test_tools::per_element());
  answer(second, updates({}));
  auto third = next_poll();
  BOOST_TEST(third.offset() <= 100); // 100 is still being handled
  done(100, 7);
  BOOST_TEST(recorded_ids() == (std::vector<int64_t>{101, 100}), boost::test_tools::per_element());
  answer(third, updates({}));
  BOOST_TEST(next_poll().offset() == 102);
  BOOST_TEST(stats().handled == 2u);
  // The offset is saved for operators.
  auto saved = db_ops<db::set_offset>();
  BOOST_REQUIRE(!saved.empty());
  BOOST_TEST(saved.back().offset == 102);
}

BOOST_AUTO_TEST_CASE(a_failed_record_is_sent_again_with_the_next_one) {
  bool failed_once = false;
  db_rule = [&](const db::operation& op) -> std::optional<db::reply> {
    if (std::holds_alternative<db::mark_processed>(op) && !failed_once) {
      failed_once = true;
      return db_down();
    }
    return db::reply{};
  };
  start();
  answer(next_poll(), updates_of(7, {100, 101}));
  done(100, 7);
  done(101, 7);
  auto marks = db_ops<db::mark_processed>();
  BOOST_REQUIRE_EQUAL(marks.size(), 2u);
  BOOST_TEST(marks[0].update_ids == std::vector<int64_t>{100}, boost::test_tools::per_element());
  std::set<int64_t> second(marks[1].update_ids.begin(), marks[1].update_ids.end());
  BOOST_TEST(second == (std::set<int64_t>{100, 101}), boost::test_tools::per_element());
  answer(next_poll(), updates({}));
  BOOST_TEST(db_ops<db::mark_processed>().size() == 2u); // recorded: nothing left to send
}

// A crowd: the poller keeps one record out at a time (no request per update
// waits in the pool while the database is behind); the ids handled meanwhile
// go together in the next one.
BOOST_AUTO_TEST_CASE(updates_handled_while_a_record_is_out_go_together_in_the_next) {
  db_rule = hold_db<db::mark_processed>();
  start();
  answer(next_poll(), updates_of(7, {100, 101, 102, 103}));
  for (int64_t id = 100; id <= 103; ++id)
    done(id, 7);
  BOOST_TEST(recorded_ids() == (std::vector<int64_t>{100}), boost::test_tools::per_element());
  db_rule = [](const db::operation&) { return std::optional<db::reply>{db::reply{}}; };
  db.reply(held_db<db::mark_processed>(), db::reply{});
  vs.run();
  auto marks = db_ops<db::mark_processed>();
  BOOST_REQUIRE_EQUAL(marks.size(), 2u);
  BOOST_TEST(marks[1].update_ids == (std::vector<int64_t>{101, 102, 103}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_record_that_failed_goes_with_the_next_poll) {
  bool down = true;
  db_rule = [&](const db::operation& op) -> std::optional<db::reply> {
    if (std::holds_alternative<db::mark_processed>(op) && down)
      return db_down();
    return db::reply{};
  };
  start();
  answer(next_poll(), updates_of(7, {100}));
  auto second = next_poll();
  done(100, 7);
  down = false; // the database is back
  answer(second, updates({}));
  next_poll();
  BOOST_TEST(recorded_ids() == (std::vector<int64_t>{100, 100}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(renumbered_ids_are_handled_and_no_stale_offset_is_sent) {
  start();
  answer(next_poll(), updates_of(7, {5000, 5001}));
  auto second = next_poll();
  done(5000, 7);
  done(5001, 7);
  answer(second, updates({}));
  auto third = next_poll();
  BOOST_TEST(third.offset() == 5002);
  // A week later Telegram numbers its updates from a lower id.
  answer(third, updates_of(9, {12}));
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{5000, 5001, 12}),
             boost::test_tools::per_element());
  BOOST_TEST(stats().renumbered == 1u);
  BOOST_TEST(log.lines_with("restarted its update ids") == 1u);
  auto fourth = next_poll();
  BOOST_TEST(fourth.offset() <= 13); // never 5002: that would drop the new ones
  done(12, 9);
  answer(fourth, updates({}));
  BOOST_TEST(next_poll().offset() == 13);
}

BOOST_AUTO_TEST_CASE(no_poll_while_max_in_flight_is_full) {
  config.max_in_flight = 3;
  db_rule = hold_db<db::store_updates>();
  start();
  auto first = next_poll();
  BOOST_TEST(first.limit() == 3); // no more than the room
  answer(first, updates_of(7, {1, 2, 3}));
  BOOST_TEST(!edge.has_next()); // full
  vs.advance(9s);               // (within the inbox write's deadline)
  BOOST_TEST(!edge.has_next());
  done(1, 7); // room for one, but the answer could only repeat 2 and 3
  BOOST_TEST(!edge.has_next());
  db.reply(held_db<db::store_updates>(), db::reply{}); // 2 and 3 may be confirmed
  auto next = next_poll();
  BOOST_TEST(next.limit() == 1);
  BOOST_TEST(next.offset() == 4);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
