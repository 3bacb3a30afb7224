// The db_pool under virtual time with scripted workers: connections opened at
// start, operations lent to free workers, the FIFO queue and its limits,
// batches, idle connections closed, the drain at shutdown, the counters.
#include "tests/actor/db_pool_fixture.hpp"

namespace phoenix::test {

using counts = std::vector<int64_t>;

BOOST_FIXTURE_TEST_SUITE(db_pool_actor_tests, db_pool_fixture)

BOOST_AUTO_TEST_CASE(pool_min_connections_are_opened_at_start) {
  config.pool_min = 2;
  config.pool_max = 4;
  start();
  BOOST_REQUIRE_EQUAL(workers.size(), 2u);
  for (auto& w : workers) {
    w->next_as<db_connect_atom>();
    BOOST_TEST(!w->has_next());
  }
  auto s = stats();
  BOOST_TEST(s.size == 2u);
  BOOST_TEST(s.idle == 2u);
  BOOST_TEST(s.in_use == 0u);
}

BOOST_AUTO_TEST_CASE(an_operation_runs_on_a_free_worker_and_its_reply_comes_back) {
  start();
  request_user(7);
  // The connection opened at start is kept for the update intake; other work
  // opens another while the pool may grow.
  BOOST_TEST(workers.size() == 2u);
  BOOST_TEST(next_user(1) == 7);
  BOOST_TEST(stats().in_use == 1u);
  BOOST_TEST(user.count() == 0u); // not before the worker answers
  db::reply found;
  found.user = db::user_row{7, "ann", "en", 1, 2, 3, true};
  worker(1).reply(worker(1).last(), found);
  BOOST_REQUIRE_EQUAL(user.count(), 1u);
  BOOST_REQUIRE(user.last().ok());
  BOOST_TEST(user.last().user->username == "ann");
  auto s = stats();
  BOOST_TEST(s.served == 1u);
  BOOST_TEST(s.in_use == 0u);
}

BOOST_AUTO_TEST_CASE(operations_beyond_pool_max_queue_and_run_in_fifo_order) {
  start();
  for (int64_t chat = 1; chat <= 5; ++chat)
    request_user(chat);
  BOOST_REQUIRE_EQUAL(workers.size(), 2u); // pool-max
  BOOST_TEST(next_user(1) == 1);
  BOOST_TEST(next_user(0) == 2); // the intake's connection, lent as the pool is full
  BOOST_TEST(stats().waiting == 3u);
  answer(0, 2);
  BOOST_TEST(next_user(0) == 3); // the oldest queued goes to the worker freed first
  answer(1, 1);
  BOOST_TEST(next_user(1) == 4);
  answer(0, 3);
  BOOST_TEST(next_user(0) == 5);
  answer(0, 5);
  answer(1, 4);
  BOOST_TEST(answered_counts() == (counts{2, 1, 3, 5, 4}));
  BOOST_TEST(stats().waiting == 0u);
}

BOOST_AUTO_TEST_CASE(the_update_intake_keeps_its_connection_and_queues_ahead_of_other_work) {
  config.pool_min = 2;
  start();
  request(db::store_updates{1, {10}, {"{}"}});
  BOOST_TEST(std::holds_alternative<db::store_updates>(next_op(0))); // the warm one
  answer(0, 1);
  request_user(1); // the pool is full: both connections busy, then a queue
  request_user(2);
  request_user(3);
  BOOST_TEST(next_user(1) == 1);
  BOOST_TEST(next_user(0) == 2);
  request(db::store_updates{1, {11}, {"{}"}}); // after user 3, but first to go
  BOOST_TEST(stats().waiting == 2u);
  answer(1, 1);
  BOOST_TEST(std::holds_alternative<db::store_updates>(next_op(1)));
  answer(0, 2);
  BOOST_TEST(next_user(0) == 3);
}

BOOST_AUTO_TEST_CASE(an_intake_step_waits_for_its_connection_not_for_one_starting) {
  config.pool_min = 2; // connection 1 opens at start and has not answered yet
  config.pool_max = 3;
  start();
  request(db::store_updates{1, {10}, {"{}"}});
  BOOST_TEST(std::holds_alternative<db::store_updates>(next_op(0)));
  // The intake's connection is busy: the next page's write neither takes the
  // free connection still starting nor opens a third (its start would take
  // 100 ms and more in a burst); it waits for the intake's connection.
  request(db::store_updates{1, {11}, {"{}"}});
  BOOST_TEST(stats().waiting == 1u);
  BOOST_TEST(workers.size() == 2u);
  request_user(5); // other work takes a starting connection as before
  BOOST_TEST(next_user(1) == 5);
  answer(0, 1);
  auto op = next_op(0);
  auto* second = std::get_if<db::store_updates>(&op);
  BOOST_REQUIRE(second != nullptr);
  BOOST_TEST(second->update_ids == std::vector<int64_t>{11});
  // Once connection 1 has answered, it is warm: an intake step may take it.
  answer(1, 5);
  request(db::store_updates{1, {12}, {"{}"}});
  BOOST_TEST(std::holds_alternative<db::store_updates>(next_op(1)));
}

BOOST_AUTO_TEST_CASE(queued_bookkeeping_leaves_the_intakes_connection_while_the_pool_may_grow) {
  config.pool_max = 3;
  start();
  request(db::store_updates{1, {10}, {"{}"}});
  BOOST_TEST(std::holds_alternative<db::store_updates>(next_op(0)));
  request(db::upsert_users{{{1, "a", "en"}}}); // opens connection 1
  BOOST_TEST(std::holds_alternative<db::upsert_users>(next_op(1)));
  request(db::upsert_users{{{2, "b", "en"}}}); // waits for its batch
  answer(0, 1);
  // The intake's connection stays free for the next page's write.
  BOOST_TEST(!worker(0).has_next());
  request(db::store_updates{1, {11}, {"{}"}});
  BOOST_TEST(std::holds_alternative<db::store_updates>(next_op(0)));
  answer(1, 1); // the batch is done: the next goes on its connection
  auto op = next_op(1);
  auto* users = std::get_if<db::upsert_users>(&op);
  BOOST_REQUIRE(users != nullptr);
  BOOST_TEST(users->users.at(0).chat_id == 2);
}

BOOST_AUTO_TEST_CASE(a_full_queue_answers_busy_at_once) {
  config.pool_max = 1;
  config.queue_max = 1;
  start();
  request_user(1); // runs
  request_user(2); // queued
  request_user(3); // no room
  BOOST_REQUIRE_EQUAL(user.count(), 1u);
  BOOST_TEST((user.last().error == db::errc::busy));
  BOOST_TEST(user.last().message.find("queue is full") != std::string::npos);
  auto s = stats();
  BOOST_TEST(s.timeouts == 1u);
  BOOST_TEST(s.waiting == 1u);
}

BOOST_AUTO_TEST_CASE(a_request_queued_past_acquire_timeout_answers_busy) {
  config.pool_max = 1;
  start();
  request_user(1);
  request_user(2);
  vs.advance(5s - 1ms);
  BOOST_TEST(user.count() == 0u);
  vs.advance(1ms);
  BOOST_REQUIRE_EQUAL(user.count(), 1u);
  BOOST_TEST((user.last().error == db::errc::busy));
  BOOST_TEST(user.last().message.find("within the timeout") != std::string::npos);
  BOOST_TEST(next_user(0) == 1);
  answer(0, 1);
  BOOST_TEST(!worker(0).has_next()); // the expired request never runs
  BOOST_TEST(stats().timeouts == 1u);
}

BOOST_AUTO_TEST_CASE(batchable_operations_queued_together_run_as_one) {
  config.pool_max = 1;
  start();
  request_user(1); // holds the one connection
  for (int64_t id : {10, 11, 12})
    request(db::mark_processed{1, {id}});
  BOOST_TEST(stats().waiting == 3u);
  BOOST_TEST(stats().batched == 2u);
  BOOST_TEST(next_user(0) == 1);
  answer(0, 1);
  auto op = next_op(0);
  auto* batch = std::get_if<db::mark_processed>(&op);
  BOOST_REQUIRE(batch != nullptr);
  BOOST_TEST(batch->update_ids == (counts{10, 11, 12}));
  answer(0, 3);
  BOOST_TEST(!worker(0).has_next()); // one round trip for the three
  BOOST_TEST(answered_counts() == (counts{1, 3, 3, 3}));
  BOOST_TEST(stats().served == 4u);
}

BOOST_AUTO_TEST_CASE(rows_of_a_batch_in_flight_wait_for_it_while_other_work_runs) {
  start();
  request(db::mark_processed{1, {1}}); // opens a connection (the first is the intake's)
  request(db::mark_processed{1, {2}}); // waits for its kind's batch, though a slot is free
  request_user(5);                     // other work takes the free one
  request(db::mark_processed{1, {3}}); // joins the waiting row
  BOOST_REQUIRE_EQUAL(workers.size(), 2u);
  BOOST_TEST(std::holds_alternative<db::mark_processed>(next_op(1)));
  BOOST_TEST(next_user(0) == 5);
  BOOST_TEST(stats().waiting == 2u);
  answer(1, 1);
  auto op = next_op(1);
  BOOST_REQUIRE(std::holds_alternative<db::mark_processed>(op));
  BOOST_TEST(std::get<db::mark_processed>(op).update_ids == (counts{2, 3}));
}

// A crowd's bookkeeping rows while the database is behind: a queued batch
// holds at most db.bookkeeping-backlog of each kind; processed ids all stay.
BOOST_AUTO_TEST_CASE(bookkeeping_rows_beyond_the_backlog_are_dropped_and_counted) {
  config.pool_max = 1;
  config.bookkeeping_backlog = 3;
  start();
  request_user(1);                           // holds the one connection
  for (int64_t chat = 10; chat < 15; ++chat) // as the conversations send them: no answer wanted
    caf::anon_send(pool, db_atom::value,
                   db::operation{db::log_requests{{db::request_row{chat, "/stats", "", 1, "ok"}}}});
  request(db::log_requests{{db::request_row{15, "/help", "", 1, "ok"}}}); // one that asks
  for (int64_t id = 20; id < 25; ++id)
    request(db::mark_processed{1, {id}});
  vs.run();
  BOOST_TEST(stats().rows_dropped == 3u);
  BOOST_TEST(stats().waiting == 8u); // 3 log rows, 5 processed ids
  BOOST_REQUIRE_EQUAL(user.all().size(), 1u);
  BOOST_TEST((user.last().error == db::errc::busy)); // the one that asked is told
  BOOST_TEST(next_user(0) == 1);
  answer(0, 1);
  auto op = next_op(0);
  auto* log = std::get_if<db::log_requests>(&op);
  BOOST_REQUIRE(log != nullptr);
  counts chats;
  for (auto& row : log->rows)
    chats.push_back(row.chat_id);
  BOOST_TEST(chats == (counts{10, 11, 12}));
  answer(0, 3);
  op = next_op(0);
  BOOST_REQUIRE(std::holds_alternative<db::mark_processed>(op));
  BOOST_TEST(std::get<db::mark_processed>(op).update_ids == (counts{20, 21, 22, 23, 24}));
  answer(0, 5);
  BOOST_TEST(stats().served == 1u + 3u + 5u);
}

BOOST_AUTO_TEST_CASE(idle_connections_above_pool_min_close_after_idle_timeout) {
  config.pool_max = 3;
  start();
  for (int64_t chat = 1; chat <= 3; ++chat)
    request_user(chat);
  BOOST_REQUIRE_EQUAL(workers.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    next_op(i);
    answer(i, 1);
  }
  vs.advance(30s); // the first maintenance tick: idle for 30 s only
  BOOST_TEST(stats().size == 3u);
  vs.advance(30s); // idle for idle-timeout
  BOOST_TEST(stats().size == 1u);
  BOOST_TEST(!watch.down(worker(0).handle())); // pool-min stays
  BOOST_TEST(watch.down(worker(1).handle()));
  BOOST_TEST(watch.down(worker(2).handle()));
}

BOOST_AUTO_TEST_CASE(drain_answers_once_nothing_is_queued_or_running) {
  config.pool_max = 1;
  start();
  BOOST_TEST(vs.ask<bool>(pool, db_drain_atom::value)); // idle: at once
  request_user(1);
  request_user(2);
  inbox<bool> shutdown{vs};
  shutdown.send(pool, db_drain_atom::value);
  BOOST_TEST(shutdown.count() == 0u);
  BOOST_TEST(next_user(0) == 1);
  answer(0, 1);
  BOOST_TEST(shutdown.count() == 0u); // the queued one runs now
  BOOST_TEST(next_user(0) == 2);
  answer(0, 2);
  BOOST_REQUIRE_EQUAL(shutdown.count(), 1u);
  BOOST_TEST(shutdown.last());
}

BOOST_AUTO_TEST_CASE(stats_count_connections_outcomes_and_errors) {
  start();
  for (int64_t chat = 1; chat <= 3; ++chat)
    request_user(chat);
  auto busy = stats();
  BOOST_TEST(busy.size == 2u);
  BOOST_TEST(busy.in_use == 2u);
  BOOST_TEST(busy.idle == 0u);
  BOOST_TEST(busy.waiting == 1u);
  BOOST_TEST(busy.last_ok_unix == 0);
  next_op(0);
  db::reply failed;
  failed.error = db::errc::statement;
  failed.message = "duplicate key value";
  worker(0).reply(worker(0).last(), failed);
  next_op(1);
  answer(1, 2);
  next_op(0);
  answer(0, 3);
  caf::anon_send(pool, db_reconnected_atom::value);
  vs.run();
  auto s = stats();
  BOOST_TEST(s.served == 3u);
  BOOST_TEST(s.errors == 1u);
  BOOST_TEST(s.last_error == "duplicate key value");
  BOOST_TEST(s.last_ok_unix > 0);
  BOOST_TEST(s.reconnects == 1u);
  BOOST_TEST(s.in_use == 0u);
  BOOST_TEST(s.idle == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
