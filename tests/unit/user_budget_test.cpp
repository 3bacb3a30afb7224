#include "core/football/user_budget.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {
const user_budget::time_point t0{std::chrono::hours{100}};
}

BOOST_AUTO_TEST_SUITE(user_budget_tests)

BOOST_AUTO_TEST_CASE(a_user_gets_n_calls_per_window_then_refusals) {
  user_budget b{3};
  BOOST_TEST(b.try_spend(7, t0));
  BOOST_TEST(b.try_spend(7, t0 + 1s));
  BOOST_TEST(b.try_spend(7, t0 + 2s));
  BOOST_TEST(!b.try_spend(7, t0 + 3s));
  BOOST_TEST(!b.try_spend(7, t0 + 59s)); // a refusal counts nothing and changes nothing
  BOOST_TEST(b.try_spend(7, t0 + 60s));  // the window that opened at t0 closed
}

BOOST_AUTO_TEST_CASE(users_have_budgets_of_their_own) {
  user_budget b{1};
  BOOST_TEST(b.try_spend(1, t0));
  BOOST_TEST(!b.try_spend(1, t0));
  BOOST_TEST(b.try_spend(2, t0));
  BOOST_TEST(!b.try_spend(2, t0 + 1s));
}

BOOST_AUTO_TEST_CASE(the_window_opens_with_the_first_call) {
  user_budget b{2};
  BOOST_TEST(b.try_spend(5, t0 + 30s));
  BOOST_TEST(b.try_spend(5, t0 + 80s));
  BOOST_TEST(!b.try_spend(5, t0 + 89s));
  BOOST_TEST(b.try_spend(5, t0 + 90s));
}

BOOST_AUTO_TEST_CASE(zero_is_off_and_user_zero_is_never_counted) {
  user_budget off{0};
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST(off.try_spend(1, t0));
  BOOST_TEST(off.tracked_users() == 0u);
  user_budget b{1};
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(b.try_spend(0, t0));
  BOOST_TEST(b.tracked_users() == 0u);
}

BOOST_AUTO_TEST_CASE(memory_follows_the_users_of_the_last_window) {
  user_budget b{10};
  for (int64_t user = 1; user <= 100000; ++user)
    b.try_spend(user, t0 + std::chrono::milliseconds{user}); // 100 s of users, one each ms
  BOOST_TEST(b.tracked_users() == 60000u);                   // the last 60 s
  b.try_spend(1, t0 + 1h);
  BOOST_TEST(b.tracked_users() == 1u);
}

BOOST_AUTO_TEST_CASE(a_shorter_window_for_tests) {
  user_budget b{1, 500ms};
  BOOST_TEST(b.try_spend(9, t0));
  BOOST_TEST(!b.try_spend(9, t0 + 499ms));
  BOOST_TEST(b.try_spend(9, t0 + 500ms));
}

BOOST_AUTO_TEST_SUITE_END()
