// A bot whose database is unreachable from the start: users still get
// answers that need no database, jobs are refused rather than numbered over
// stored ones, and /healthz names the database.
#include "core/ops/metrics_text.hpp"
#include "tests/integration/bot_fixture.hpp"

#include <future>

namespace phoenix::test {

namespace {

struct database_down_fixture : bot_fixture {
  database_down_fixture() {
    values.db_uri = "postgresql://phoenix@127.0.0.1:1/nothing?connect_timeout=2";
    values.handlers_inbox_wait = std::chrono::seconds{1}; // no inbox to wait for
    // Polling without a database is the single-instance mode: with the lock
    // on, an instance without its database stays a standby.
    values.ha_leader_lock = "off";
    start();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(database_down, database_down_fixture)

BOOST_AUTO_TEST_CASE(commands_without_the_database_still_work_and_jobs_are_refused) {
  BOOST_TEST(contains(ask(701, "/help").text, "/fixtures"));
  auto analyze = ask(702, "/analyze 1035037", 30s);
  BOOST_TEST(contains(analyze.text, "Background jobs are unavailable"), analyze.text);
  auto job = ask(702, "/job 1", 30s);
  BOOST_TEST(contains(job.text, "unreachable"), job.text);

  auto health = metrics_get("/healthz");
  BOOST_TEST(health.response.status == 503u);
  BOOST_TEST(contains(health.response.body, "database: unavailable"), health.response.body);
  // The driver's error (host, port, user) is for the log, not for an unauthenticated endpoint.
  BOOST_TEST(!contains(health.response.body, "127.0.0.1"), health.response.body);
  BOOST_TEST(metrics_get("/readyz").response.status == 503u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
