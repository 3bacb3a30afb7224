// /metrics, /healthz and /readyz of a running bot (real actors, both fakes,
// PostgreSQL), read over HTTP like Prometheus or a load balancer would.
#include "core/ops/metrics_text.hpp"
#include "tests/integration/bot_fixture.hpp"

#include <future>

namespace phoenix::test {

namespace {

struct metrics_fixture : bot_fixture {
  metrics_fixture() { start(); }

  core::http_result get(const std::string& path) {
    auto result = metrics_get(path);
    BOOST_REQUIRE_MESSAGE(result.ok(), "GET " << path << ": " << result.message);
    return result;
  }

  /// Asks `path` until its status is `status` (bounded: `within`); the last answer.
  core::http_result await_status(const std::string& path, unsigned status,
                                 std::chrono::seconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    auto result = get(path);
    while (result.response.status != status && std::chrono::steady_clock::now() < deadline)
      result = get(path); // each GET is a round trip through the actors: no busy spin
    return result;
  }

  /// The value of one series ("name" or "name{labels}") in a /metrics page; -1 if absent.
  static double value_of(const std::string& page, const std::string& series) {
    auto pos = page.find("\n" + series + " ");
    if (pos == std::string::npos)
      return -1;
    return std::stod(page.substr(pos + series.size() + 2));
  }

  std::string scrape() {
    auto result = get("/metrics");
    BOOST_REQUIRE_EQUAL(result.response.status, 200u);
    auto problems = core::check_exposition(result.response.body);
    for (auto& p : problems)
      BOOST_ERROR("exposition format: " << p);
    return result.response.body;
  }

  /// Scrapes until `series` reaches `at_least` (the handled count moves just
  /// after the reply reached Telegram).
  std::string scrape_until(const std::string& series, double at_least) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    auto page = scrape();
    while (value_of(page, series) < at_least && std::chrono::steady_clock::now() < deadline)
      page = scrape();
    return page;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(metrics_endpoint, metrics_fixture)

BOOST_AUTO_TEST_CASE(metrics_are_valid_exposition_and_move_with_traffic) {
  ask(501, "/help");
  // One scrape asks each actor in turn: the sender may be asked before the reply
  // and the poller after it, so each counter is waited for.
  scrape_until("phoenix_messages_sent_total", 1);
  auto before = scrape_until("phoenix_updates_handled_total", 1);
  BOOST_TEST(before.find("# TYPE phoenix_update_latency_seconds histogram") != std::string::npos);
  for (auto actor : {"poller", "dispatcher", "sender", "football", "cache", "db", "jobs"})
    BOOST_TEST(value_of(before, std::string("phoenix_scrape_ok{actor=\"") + actor + "\"}") == 1);
  BOOST_TEST(value_of(before, "process_resident_memory_bytes") > 1e6);
  BOOST_TEST(value_of(before, "process_open_fds") > 3);
  BOOST_TEST(value_of(before, "phoenix_messages_sent_total") >= 1);

  auto reply = ask(502, "/stats 1035037");
  BOOST_TEST(!reply.text.empty());
  auto handled = value_of(before, "phoenix_updates_handled_total");
  scrape_until("phoenix_updates_handled_total", handled + 1);
  // Each actor answers a scrape at its own moment: wait for the sender's count too.
  auto after = scrape_until("phoenix_messages_sent_total",
                            value_of(before, "phoenix_messages_sent_total") + 1);
  BOOST_TEST(value_of(after, "phoenix_updates_handled_total") >= handled + 1);
  BOOST_TEST(value_of(after, "phoenix_update_latency_seconds_count") >=
             value_of(before, "phoenix_update_latency_seconds_count") + 1);
  BOOST_TEST(value_of(after, "phoenix_messages_sent_total") >=
             value_of(before, "phoenix_messages_sent_total") + 1);
  BOOST_TEST(value_of(after, "phoenix_upstream_calls_total") >= 1);
  BOOST_TEST(value_of(after, "phoenix_upstream_latency_seconds_count") >= 1);
  BOOST_TEST(value_of(after, "phoenix_football_queries_total") >= 1);
  BOOST_TEST(value_of(after, "phoenix_cache_entries") >= 1);
  // The update's database writes (request log, processed mark) follow its reply.
  auto db_after = scrape_until("phoenix_db_operations_total",
                               value_of(before, "phoenix_db_operations_total") + 1);
  BOOST_TEST(value_of(db_after, "phoenix_db_operations_total") >
             value_of(before, "phoenix_db_operations_total"));
}

BOOST_AUTO_TEST_CASE(healthz_follows_telegram_and_readyz_the_first_poll) {
  // A standby is ready without polling: wait until this instance leads.
  scrape_until("phoenix_role{role=\"active\"}", 1);
  auto ready = await_status("/readyz", 200, 15s);
  BOOST_TEST(ready.response.status == 200u);
  BOOST_TEST(ready.response.body == "ready\n");
  BOOST_TEST(await_status("/healthz", 200, 15s).response.status == 200u);

  telegram.stop(); // getUpdates fails from now on
  auto down = await_status("/healthz", 503, 20s);
  BOOST_TEST(down.response.status == 503u);
  BOOST_TEST(contains(down.response.body, "telegram: no successful getUpdates for"),
             down.response.body);

  telegram.resume();
  auto up = await_status("/healthz", 200, 30s);
  BOOST_TEST(up.response.status == 200u, up.response.body);
  BOOST_TEST(up.response.body == "ok\n");
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_404) {
  auto result = get("/nothing");
  BOOST_TEST(result.response.status == 404u);
  BOOST_TEST(contains(result.response.body, "/metrics"));
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
