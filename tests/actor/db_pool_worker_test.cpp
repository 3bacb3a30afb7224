// The db_pool's lost connections under virtual time: a worker that hangs past
// its answer deadline, and one that dies, are replaced; queued work goes on.
#include "tests/actor/db_pool_fixture.hpp"

namespace phoenix::test {

BOOST_FIXTURE_TEST_SUITE(db_pool_actor_tests, db_pool_fixture)

BOOST_AUTO_TEST_CASE(a_worker_silent_past_its_deadline_is_replaced_and_its_requester_told) {
  config.pool_max = 1;
  start();
  request_user(1);
  BOOST_TEST(next_user(0) == 1); // held: the worker never answers
  vs.advance(14s);
  request_user(2); // queued behind the silent worker
  vs.advance(1s - 1ms);
  BOOST_TEST(user.count() == 0u);
  vs.advance(1ms); // statement-timeout 10 s + answer-margin 5 s
  BOOST_REQUIRE_EQUAL(user.count(), 1u);
  BOOST_TEST((user.last().error == db::errc::unavailable));
  BOOST_TEST(user.last().message.find("no answer within 15000 ms") != std::string::npos);
  BOOST_TEST(watch.down(worker(0).handle())); // its connection is closed
  BOOST_REQUIRE_EQUAL(workers.size(), 2u);
  BOOST_TEST(next_user(1) == 2); // the queued request goes on, on a new connection
  answer(1, 2);
  BOOST_TEST(user.all().back().count == 2);
  auto s = stats();
  BOOST_TEST(s.unavailable == 1u);
  BOOST_TEST(s.size == 1u);
  BOOST_TEST(log.lines_with("no answer within") == 1u);
}

BOOST_AUTO_TEST_CASE(a_worker_that_dies_is_replaced_and_queued_work_goes_on) {
  config.pool_max = 1;
  start();
  request_user(1);
  request_user(2); // queued
  BOOST_TEST(next_user(0) == 1);
  // As if it threw (a kill would take the linked pool along).
  caf::anon_send_exit(worker(0).handle(), caf::exit_reason::unhandled_exception);
  vs.run();
  BOOST_TEST(log.lines_with("a database worker stopped") == 1u);
  BOOST_REQUIRE_EQUAL(workers.size(), 2u); // replaced at once, not at the next tick
  BOOST_TEST(next_user(1) == 2);
  answer(1, 2);
  BOOST_REQUIRE_EQUAL(user.count(), 1u);
  BOOST_TEST(user.last().count == 2);
  vs.advance(15s); // the dead worker's request: given up at its deadline
  BOOST_REQUIRE_EQUAL(user.count(), 2u);
  BOOST_TEST((user.last().error == db::errc::unavailable));
  BOOST_TEST(stats().size == 1u);
}

BOOST_AUTO_TEST_CASE(a_dead_worker_below_pool_min_is_replaced_and_connected) {
  start();
  worker(0).next_as<db_connect_atom>();
  caf::anon_send_exit(worker(0).handle(), caf::exit_reason::unhandled_exception);
  vs.run();
  BOOST_REQUIRE_EQUAL(workers.size(), 2u);
  worker(1).next_as<db_connect_atom>();
  BOOST_TEST(stats().size == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
