// The poller under virtual time when getUpdates fails: 409 Conflict, 429,
// 5xx and network errors, silence, a rejected token, an unreadable answer.
#include "tests/actor/telegram_poller_fixture.hpp"

namespace phoenix::test {

BOOST_FIXTURE_TEST_SUITE(telegram_poller_actor_tests, poller_fixture)

BOOST_AUTO_TEST_CASE(a_409_conflict_backs_off_and_is_logged_once) {
  start();
  auto conflict = bot_api_error(409, "Conflict: terminated by other getUpdates request");
  answer(next_poll(), conflict);
  BOOST_TEST(!edge.has_next());
  vs.advance(49ms); // the first wait is drawn from [50, 100) ms
  BOOST_TEST(!edge.has_next());
  vs.advance(51ms);
  answer(next_poll(), conflict);
  vs.advance(74ms); // then from [75, 150) ms
  BOOST_TEST(!edge.has_next());
  vs.advance(76ms);
  answer(next_poll(), conflict);
  BOOST_TEST(log.lines_with("409 Conflict") == 1u);
  BOOST_TEST(ms_to_next_call(1s) <= 230);
  answer(next_poll(), updates({})); // the other instance is gone
  answer(next_poll(), conflict);    // a new episode: logged again
  BOOST_TEST(log.lines_with("409 Conflict") == 2u);
  BOOST_TEST(stats().poll_errors == 4u);
  BOOST_TEST(fatal_codes().empty());
}

BOOST_AUTO_TEST_CASE(a_429_on_get_updates_waits_retry_after) {
  start();
  answer(next_poll(), bot_api_error(429, "Too Many Requests: retry after 7", 7));
  vs.advance(6900ms);
  BOOST_TEST(!edge.has_next());
  vs.advance(100ms);
  next_poll();
  BOOST_TEST(stats().poll_errors == 1u);
}

BOOST_AUTO_TEST_CASE(server_and_network_errors_back_off_longer_each_time) {
  start();
  std::vector<int64_t> waits; // ms
  for (int i = 0; i < 8; ++i) {
    answer(next_poll(), i % 2 == 0 ? bot_api_error(502, "Bad Gateway")
                                   : network_failure(core::http_errc::connect));
    waits.push_back(ms_to_next_call(31s));
  }
  // 100 ms growing 1.5x each time: the eighth is drawn from [851, 1702) ms.
  BOOST_TEST(waits.front() <= 100);
  BOOST_TEST(waits.back() >= 850);
  BOOST_TEST(waits.back() <= 1710);
  BOOST_TEST(log.lines_with("getUpdates failed") == 8u);
  // A success starts over.
  answer(next_poll(), updates({}));
  answer(next_poll(), bot_api_error(503, "Service Unavailable"));
  BOOST_TEST(ms_to_next_call(31s) <= 100);
}

BOOST_AUTO_TEST_CASE(the_backoff_stops_growing_at_30_seconds) {
  start();
  for (int i = 0; i < 20; ++i) {
    answer(next_poll(), bot_api_error(500, "Internal Server Error"));
    BOOST_TEST_REQUIRE(ms_to_next_call(31s, 1s) <= 30000);
  }
}

BOOST_AUTO_TEST_CASE(an_edge_that_never_answers_counts_as_an_error_and_is_polled_again) {
  start();
  next_poll();     // held: no answer ever
  vs.advance(49s); // the long poll (30 s) plus its margins
  BOOST_TEST(!edge.has_next());
  BOOST_TEST(ms_to_next_call(2s) <= 1200);
  next_poll();
  BOOST_TEST(stats().poll_errors == 1u);
}

BOOST_AUTO_TEST_CASE(a_401_on_get_updates_is_fatal_with_exit_code_3) {
  start();
  answer(next_poll(), bot_api_error(401, "Unauthorized"));
  BOOST_TEST(fatal_codes() == std::vector<int>{3}, boost::test_tools::per_element());
  vs.advance(60s);
  BOOST_TEST(!edge.has_next());
}

namespace {

/// getUpdates' answer cut short inside update `id`: it does not parse.
core::http_result unreadable(int64_t id) {
  return http_answer(200, R"({"ok":true,"result":[{"update_id":)" + std::to_string(id) +
                              R"(,"message":{"message_id":1,"text":"\ud83d)");
}

} // namespace

BOOST_AUTO_TEST_CASE(an_unreadable_update_is_skipped_after_it_came_alone_twice) {
  start();
  answer(next_poll(), updates_of(7, {104}));
  done(104, 7);
  auto first = next_poll();
  BOOST_TEST(first.limit() == 100);
  answer(first, unreadable(105)); // hides every update of the answer
  auto alone = next_poll();
  BOOST_TEST(alone.limit() == 1); // one at a time until the bad one comes alone
  answer(alone, unreadable(105));
  auto again = next_poll();
  BOOST_TEST(again.limit() == 1);
  BOOST_TEST(again.offset() <= 105); // once might be garbling on the way: not skipped yet
  BOOST_TEST(log.lines_with("skipped") == 0u);
  answer(again, unreadable(105));
  BOOST_TEST(log.lines_with("update 105 skipped: not readable JSON") == 1u);
  auto after = next_poll();
  BOOST_TEST(after.offset() == 106); // confirmed past it
  BOOST_TEST(after.limit() == 100);  // many at a time again
  answer(after, updates_of(7, {106}));
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{104, 106}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_unreadable_answer_that_came_only_once_is_not_skipped) {
  start();
  answer(next_poll(), unreadable(105));
  auto alone = next_poll();
  BOOST_TEST(alone.limit() == 1);
  answer(alone, updates_of(7, {105})); // it was the way, not the update
  BOOST_TEST(dispatched_ids() == std::vector<int64_t>{105}, boost::test_tools::per_element());
  BOOST_TEST(log.lines_with("skipped") == 0u);
}

BOOST_AUTO_TEST_CASE(an_update_without_an_id_is_logged_once_while_telegram_repeats_it) {
  start();
  auto no_id = updates({R"({"message":{"message_id":1,"chat":{"id":7}}})"});
  answer(next_poll(), no_id);
  vs.advance(500ms); // nothing new: not at once
  answer(next_poll(), no_id);
  vs.advance(500ms);
  next_poll();
  BOOST_TEST(log.lines_with("no numeric update_id") == 1u);
  BOOST_TEST(dispatched().empty());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
