#include "core/football/quota_tracker.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {
const quota_tracker::time_point t0{std::chrono::hours{100}};
}

BOOST_AUTO_TEST_SUITE(quota_tracker_tests)

BOOST_AUTO_TEST_CASE(unknown_budgets_never_hold_calls) {
  quota_tracker q;
  BOOST_TEST((q.next_call_at(t0) == t0));
  BOOST_TEST(!q.day_spent(t0));
}

BOOST_AUTO_TEST_CASE(a_spent_minute_budget_waits_for_the_next_minute) {
  quota_tracker q;
  q.on_call(t0);
  q.on_answer(t0 + 1s, 7000, 0); // X-RateLimit-Remaining: 0
  BOOST_TEST((q.next_call_at(t0 + 1s) == t0 + 61s));
  BOOST_TEST((q.next_call_at(t0 + 30s) == t0 + 61s));
  BOOST_TEST((q.next_call_at(t0 + 61s) == t0 + 61s)); // may go now
}

BOOST_AUTO_TEST_CASE(calls_in_flight_count_against_the_minute_budget) {
  quota_tracker q;
  q.on_call(t0);
  q.on_answer(t0, std::nullopt, 2);
  q.on_call(t0);
  BOOST_TEST((q.next_call_at(t0) == t0)); // 1 in flight, 2 left
  q.on_call(t0);                          // 2 in flight, 2 left: wait for an answer
  BOOST_TEST((q.next_call_at(t0) == quota_tracker::time_point::max()));
  q.on_answer(t0, std::nullopt, 5);
  BOOST_TEST((q.next_call_at(t0) == t0));
}

BOOST_AUTO_TEST_CASE(a_rate_limit_error_blocks_for_the_window) {
  quota_tracker q{10s};
  q.on_rate_limited(t0);
  BOOST_TEST((q.next_call_at(t0) == t0 + 10s));
  BOOST_TEST((q.next_call_at(t0 + 10s) == t0 + 10s));
}

BOOST_AUTO_TEST_CASE(a_spent_day_budget_is_probed_again_later) {
  quota_tracker q;
  q.on_call(t0);
  q.on_answer(t0, 0, 100);
  BOOST_TEST(q.day_spent(t0));
  BOOST_TEST(q.day_spent(t0 + 9min));
  BOOST_TEST(!q.day_spent(t0 + 10min)); // one probe may go
  q.on_call(t0 + 10min);
  q.on_answer(t0 + 10min, 0, 100);
  BOOST_TEST(q.day_spent(t0 + 11min)); // still spent: wait again
  q.on_answer(t0 + 30min, 7500, 100);
  BOOST_TEST(!q.day_spent(t0 + 30min));
}

BOOST_AUTO_TEST_CASE(full_jitter_stays_within_the_exponential_ceiling) {
  BOOST_TEST(full_jitter_backoff(0, 100ms, 5s, 0.999).count() <= 100);
  BOOST_TEST(full_jitter_backoff(3, 100ms, 5s, 0.999).count() <= 800);
  BOOST_TEST(full_jitter_backoff(3, 100ms, 5s, 0.999).count() >= 790);
  BOOST_TEST(full_jitter_backoff(10, 100ms, 5s, 0.999).count() <= 5000);
  BOOST_TEST(full_jitter_backoff(5, 100ms, 5s, 0.0).count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
