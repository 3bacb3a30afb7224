#include "core/ops/health.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;

namespace {

health_inputs healthy() {
  health_inputs in;
  in.now_unix = 1'000'000;
  in.poll_timeout_seconds = 30;
  in.poller_answered = true;
  in.last_poll_ok_unix = in.now_unix - 10;
  in.db_answered = true;
  in.db_last_ok_unix = in.now_unix - 2;
  return in;
}

bool says(const health_verdict& v, const std::string& part) {
  return v.text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(healthy_when_a_poll_and_the_database_answered_recently) {
  auto v = check_health(healthy());
  BOOST_TEST(v.ok);
  BOOST_TEST(v.text == "ok\n");
  BOOST_TEST(check_ready(healthy()).ok);
}

BOOST_AUTO_TEST_CASE(the_poll_may_be_twice_the_poll_timeout_old) {
  auto in = healthy();
  in.last_poll_ok_unix = in.now_unix - 60;
  BOOST_TEST(check_health(in).ok);
  in.last_poll_ok_unix = in.now_unix - 61;
  auto v = check_health(in);
  BOOST_TEST(!v.ok);
  BOOST_TEST(says(v, "telegram: no successful getUpdates for 61 s (limit 60 s)"), v.text);
  BOOST_TEST(poll_age_limit(0) == 5); // short polling still gets a few seconds
}

BOOST_AUTO_TEST_CASE(a_silent_database_is_named_without_its_error_text) {
  auto in = healthy();
  in.db_last_ok_unix = in.now_unix - 20;
  auto v = check_health(in);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.text == "database: unavailable (no answer for 20 s, limit 15 s)\n", v.text);
  in.db_last_ok_unix = 0;
  BOOST_TEST(check_health(in).text == "database: unavailable (no answer yet)\n");
}

BOOST_AUTO_TEST_CASE(every_reason_gets_its_line) {
  auto in = healthy();
  in.poller_answered = false;
  in.db_answered = false;
  auto v = check_health(in);
  BOOST_TEST(says(v, "telegram: the poller did not answer\n"));
  BOOST_TEST(says(v, "database: unavailable (the pool did not answer)\n"));
}

BOOST_AUTO_TEST_CASE(not_ready_before_the_first_poll_and_database_answer) {
  auto in = healthy();
  in.last_poll_ok_unix = 0;
  in.db_last_ok_unix = 0;
  auto v = check_ready(in);
  BOOST_TEST(!v.ok);
  BOOST_TEST(says(v, "migrations have not run yet"));
  BOOST_TEST(says(v, "no successful getUpdates yet"));
  BOOST_TEST(!check_health(in).ok);
}

BOOST_AUTO_TEST_CASE(a_standby_is_healthy_and_ready_without_polling_but_not_without_the_database) {
  auto in = healthy();
  in.standby = true;
  in.poller_answered = true;
  in.last_poll_ok_unix = 0; // it never polls: another instance holds the leadership
  BOOST_TEST(check_health(in).ok);
  BOOST_TEST(check_ready(in).ok);
  in.db_last_ok_unix = in.now_unix - 60;
  auto v = check_health(in);
  BOOST_TEST(!v.ok);
  BOOST_TEST(says(v, "database: unavailable"));
  BOOST_TEST(!says(v, "telegram"));
  in.standby = false; // the same instance as the active one would need its polls
  BOOST_TEST(says(check_health(in), "telegram: no successful getUpdates yet"));
}

BOOST_AUTO_TEST_SUITE_END()
