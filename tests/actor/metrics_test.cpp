// The metrics actor under virtual time, with scripted actors answering (or
// not) its stats requests: the Prometheus page, /healthz and /readyz, and a
// scrape that answers by its deadline whatever the others do.
#include "actors/metrics.hpp"
#include "core/ops/metrics_text.hpp"
#include "tests/actor/probes.hpp"

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct metrics_fixture {
  captured_log log;
  virtual_system vs;
  scripted<telegram_poller_actor> poller{vs};
  scripted<dispatcher_actor> dispatcher{vs};
  scripted<telegram_sender_actor> sender{vs};
  scripted<football_actor> football{vs};
  scripted<cache_actor> cache{vs};
  scripted<db_pool_actor> db{vs};
  scripted<job_registry_actor> jobs{vs};
  scripted<live_alerts_actor> live{vs};
  metrics_config config;
  metrics_actor metrics;

  metrics_fixture() {
    config.poller = poller.handle();
    config.dispatcher = dispatcher.handle();
    config.sender = sender.handle();
    config.football = football.handle();
    config.cache = cache.handle();
    config.db = db.handle();
    config.jobs = jobs.handle();
    config.live = live.handle();
    config.poll_timeout = 30s;
    config.stats_deadline = 1s;
    config.ping_interval = 5s;
  }

  ~metrics_fixture() {
    caf::anon_send_exit(metrics, caf::exit_reason::kill);
    vs.run();
  }

  void start() {
    metrics = vs.sys->spawn(phoenix::metrics, config);
    vs.run();
  }

  /// Everyone healthy: a poll and a database answer just now.
  void all_answer() {
    poller_stats p;
    p.polls = 11;
    p.last_poll_ok_unix = unix_now();
    poller.answer_with(answers_stats(p));
    dispatcher.answer_with(answers_stats(dispatcher_stats{77, 0, 0, 0}));
    sender_stats s;
    s.sent = 22;
    sender.answer_with(answers_stats(s));
    football_stats f;
    f.upstream_calls = 66;
    football.answer_with(answers_stats(f));
    cache_stats c;
    c.entries = 33;
    cache.answer_with(answers_stats(c));
    db_answers(unix_now(), "");
    job_stats j;
    j.done = 5;
    jobs.answer_with(answers_stats(j));
    live_stats l;
    l.sent = 88;
    l.failed = 2;
    live.answer_with(answers_stats(l));
  }

  /// The pool's stats: the database last answered at `last_ok` (0: never).
  void db_answers(int64_t last_ok, std::string last_error) {
    db_stats d;
    d.served = 44;
    d.last_ok_unix = last_ok;
    d.last_error = std::move(last_error);
    db.answer_with(answers_stats(d));
  }

  /// Sends GET `target`; the answer lands in the returned slot when it comes.
  std::shared_ptr<std::optional<core::http_answer>> scrape(const std::string& target) {
    auto slot = std::make_shared<std::optional<core::http_answer>>();
    metrics_request request{target, [slot](core::http_answer a) { *slot = std::move(a); }};
    caf::anon_send(metrics, scrape_atom::value, std::move(request));
    vs.run();
    return slot;
  }

  /// GET `target`, answered at once (fails the test otherwise).
  core::http_answer get(const std::string& target) {
    auto slot = scrape(target);
    BOOST_REQUIRE_MESSAGE(slot->has_value(), target << " was not answered");
    return **slot;
  }

  /// GET `target` answers `status` with a body containing `text`.
  void expect(const std::string& target, int status, const std::string& text) {
    auto answer = get(target);
    BOOST_TEST(answer.status == status, target);
    BOOST_TEST(answer.body.find(text) != std::string::npos, target << " answered " << answer.body);
  }

  static bool has(const std::string& body, const std::string& line) {
    return body.find(line + "\n") != std::string::npos;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(metrics_actor_tests, metrics_fixture)

BOOST_AUTO_TEST_CASE(a_scrape_renders_every_actors_figures) {
  all_answer();
  start();
  auto page = get("/metrics");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.content_type.find("version=0.0.4") != std::string::npos);
  BOOST_TEST(core::check_exposition(page.body).empty());
  for (auto actor : {"poller", "dispatcher", "sender", "football", "cache", "db", "jobs"})
    BOOST_TEST(has(page.body, std::string{"phoenix_scrape_ok{actor=\""} + actor + "\"} 1"), actor);
  BOOST_TEST(has(page.body, "phoenix_polls_total 11"));
  BOOST_TEST(has(page.body, "phoenix_chats_active 77"));
  BOOST_TEST(has(page.body, "phoenix_messages_sent_total 22"));
  BOOST_TEST(has(page.body, "phoenix_upstream_calls_total 66"));
  BOOST_TEST(has(page.body, "phoenix_cache_entries 33"));
  BOOST_TEST(has(page.body, "phoenix_db_operations_total 44"));
  BOOST_TEST(has(page.body, "phoenix_jobs_completed_total{status=\"done\"} 5"));
  BOOST_TEST(has(page.body, "phoenix_alert_messages_total{outcome=\"sent\"} 88"));
  BOOST_TEST(has(page.body, "phoenix_alert_messages_total{outcome=\"failed\"} 2"));
}

BOOST_AUTO_TEST_CASE(a_scrape_whose_actors_do_not_answer_still_answers_by_its_deadline) {
  cache.answer_with(answers_stats(cache_stats{})); // only the cache answers
  start();
  auto slot = scrape("/metrics");
  BOOST_TEST(!slot->has_value());
  vs.advance(1s - 1ms);
  BOOST_TEST(!slot->has_value());
  vs.advance(1ms); // stats-deadline
  BOOST_REQUIRE(slot->has_value());
  auto& page = **slot;
  BOOST_TEST(page.status == 200);
  BOOST_TEST(core::check_exposition(page.body).empty());
  BOOST_TEST(has(page.body, "phoenix_scrape_ok{actor=\"cache\"} 1"));
  BOOST_TEST(has(page.body, "phoenix_scrape_ok{actor=\"poller\"} 0"));
  BOOST_TEST(has(page.body, "phoenix_scrape_ok{actor=\"db\"} 0"));
  BOOST_TEST(page.body.find("phoenix_polls_total") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(healthz_and_readyz_are_ok_while_poller_and_database_answered_lately) {
  all_answer();
  start();
  expect("/healthz", 200, "ok\n");
  expect("/readyz?verbose=1", 200, "ready\n");
  BOOST_TEST(dispatcher.count() == 0u); // health asks the poller and the pool only
  BOOST_TEST(get("/nothing").status == 404);
}

BOOST_AUTO_TEST_CASE(not_healthy_nor_ready_while_the_database_never_answered) {
  all_answer();
  db_answers(0, "connection to server at db.test failed: Connection refused");
  start();
  expect("/healthz", 503, "database: unavailable (no answer yet)\n");
  expect("/readyz", 503, "migrations have not run yet");
  auto health = get("/healthz");
  BOOST_TEST(health.body.find("db.test") == std::string::npos);
  // The driver's reason goes to the log (once), never to the page.
  BOOST_TEST(log.lines_with("database unavailable for /healthz: connection to server") == 1u);
}

BOOST_AUTO_TEST_CASE(not_healthy_while_the_last_poll_is_old_but_still_ready) {
  all_answer();
  poller_stats old;
  old.last_poll_ok_unix = unix_now() - 600; // limit: 2 x poll-timeout = 60 s
  poller.answer_with(answers_stats(old));
  start();
  expect("/healthz", 503, "telegram: no successful getUpdates for");
  BOOST_TEST(get("/readyz").status == 200); // it did poll once
}

BOOST_AUTO_TEST_CASE(health_answers_by_its_deadline_when_the_pool_does_not) {
  all_answer();
  db.answer_with(nullptr); // the pool holds every request
  start();
  auto slot = scrape("/healthz");
  BOOST_TEST(!slot->has_value());
  vs.advance(1s);
  BOOST_REQUIRE(slot->has_value());
  BOOST_TEST((*slot)->status == 503);
  BOOST_TEST((*slot)->body == "database: unavailable (the pool did not answer)\n");
}

BOOST_AUTO_TEST_CASE(the_database_is_pinged_every_ping_interval) {
  start();
  auto ping = [&] {
    auto [op] = db.next_as<db_atom, core::db::operation>();
    BOOST_TEST(std::holds_alternative<core::db::ping>(op));
  };
  ping(); // at start
  BOOST_TEST(!db.has_next());
  vs.advance(5s);
  ping();
  vs.advance(5s);
  ping();
  BOOST_TEST(!db.has_next());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
