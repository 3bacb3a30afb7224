// The db_pool and its workers on the real PostgreSQL that scripts/test starts.
#include "actors/db_pool.hpp"
#include "app/config.hpp"
#include "tests/integration/test_database.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <thread>

using namespace phoenix;
using namespace phoenix::test;
using namespace std::chrono_literals;
namespace db = core::db;
using steady = std::chrono::steady_clock;

namespace {

struct pool_fixture {
  test_database database{"pool"};
  phoenix_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  db_pool_actor pool;

  /// `uri_query`: libpq parameters the operator adds to the URI ("?...").
  explicit pool_fixture(db_pool_config config, const std::string& uri_query = "") {
    sys = std::make_unique<caf::actor_system>(cfg);
    if (config.uri.empty())
      config.uri = database.uri() + uri_query;
    pool = sys->spawn(db_pool, config);
  }

  ~pool_fixture() {
    caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
    sys->await_all_actors_done();
  }

  db::reply run(db::operation op) {
    caf::scoped_actor self{*sys};
    db::reply out;
    self->request(pool, 30s, db_atom::value, std::move(op))
        .receive([&](db::reply& r) { out = std::move(r); },
                 [&](caf::error& e) { BOOST_FAIL("db request failed: " << sys->render(e)); });
    return out;
  }

  db_stats stats() {
    caf::scoped_actor self{*sys};
    db_stats out;
    self->request(pool, 5s, stats_atom::value)
        .receive([&](db_stats& s) { out = s; }, [](caf::error&) {});
    return out;
  }

  // Phoenix's connections to this test's database, as the server sees them.
  int server_connections() {
    pqxx::connection c{std::getenv("PHOENIX_TEST_DATABASE_URL")};
    pqxx::nontransaction tx{c};
    return tx
        .exec_params1("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'phoenix' "
                      "AND datname = $1",
                      database.name())[0]
        .as<int>();
  }
};

db_pool_config sized(size_t max, size_t queue_max = 1000, caf::timespan acquire = 5s) {
  db_pool_config c;
  c.pool_min = 1;
  c.pool_max = max;
  c.queue_max = queue_max;
  c.acquire_timeout = acquire;
  return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(db_pool_tests)

BOOST_AUTO_TEST_CASE(fifty_concurrent_operations_never_exceed_pool_max) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  pool_fixture f{sized(10)};
  std::atomic<bool> done{false};
  int most = 0;
  // Sample what the server sees while the operations run (bounded in count).
  std::thread watcher{[&] {
    for (int i = 0; i < 2000 && !done; ++i)
      most = std::max(most, f.server_connections());
  }};
  caf::scoped_actor self{*f.sys};
  auto started = steady::now();
  for (int i = 0; i < 50; ++i)
    self->send(f.pool, db_atom::value, db::operation{db::ping{100}});
  int ok = 0;
  for (int i = 0; i < 50; ++i)
    self->receive([&](db::reply& r) { ok += r.ok() ? 1 : 0; },
                  caf::after(30s) >> [] { BOOST_FAIL("no answer"); });
  auto took = steady::now() - started;
  done = true;
  watcher.join();
  BOOST_TEST(ok == 50);
  BOOST_TEST(most <= 10);
  BOOST_TEST(most >= 2);
  BOOST_TEST((took < 3s)); // one connection would need 5 s
  BOOST_TEST(f.stats().size <= 10u);
}

BOOST_AUTO_TEST_CASE(a_full_queue_answers_busy_at_once_and_queued_ones_succeed) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  pool_fixture f{sized(1, 2)};
  BOOST_REQUIRE(f.run(db::ping{}).ok()); // the connection is open
  caf::scoped_actor self{*f.sys};
  auto slow = self->request(f.pool, 30s, db_atom::value, db::operation{db::ping{1000}});
  auto q1 = self->request(f.pool, 30s, db_atom::value, db::operation{db::get_offset{}});
  auto q2 = self->request(f.pool, 30s, db_atom::value, db::operation{db::get_offset{}});
  auto started = steady::now();
  auto fourth = f.run(db::get_offset{});
  BOOST_TEST((fourth.error == db::errc::busy));
  BOOST_TEST((steady::now() - started < 500ms));
  for (auto* h : {&slow, &q1, &q2})
    h->receive([](db::reply& r) { BOOST_TEST(r.ok()); },
               [](caf::error&) { BOOST_FAIL("queued request failed"); });
  BOOST_TEST(f.stats().timeouts == 1u);
}

BOOST_AUTO_TEST_CASE(a_queued_request_past_the_acquire_timeout_is_busy) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  pool_fixture f{sized(1, 10, 300ms)};
  caf::scoped_actor self{*f.sys};
  auto slow = self->request(f.pool, 30s, db_atom::value, db::operation{db::ping{1500}});
  auto started = steady::now();
  auto late = f.run(db::get_offset{});
  auto waited = steady::now() - started;
  BOOST_TEST((late.error == db::errc::busy));
  BOOST_TEST((waited >= 250ms));
  BOOST_TEST((waited < 1200ms));
  slow.receive([](db::reply& r) { BOOST_TEST(r.ok()); }, [](caf::error&) {});
}

BOOST_AUTO_TEST_CASE(a_failing_statement_returns_its_connection) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  pool_fixture f{sized(1)};
  db::job_row bogus;
  bogus.owner_chat = 1;
  bogus.kind = "analyze";
  bogus.status = "bogus"; // violates the CHECK constraint
  auto failed = f.run(db::save_job{bogus});
  BOOST_TEST((failed.error == db::errc::statement));
  for (int i = 0; i < 20; ++i)
    BOOST_TEST(f.run(db::get_offset{}).ok());
  BOOST_TEST(f.stats().errors == 1u);
  BOOST_TEST(f.stats().size == 1u);
}

BOOST_AUTO_TEST_CASE(a_requester_that_dies_does_not_keep_the_connection) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  pool_fixture f{sized(1)};
  auto pool = f.pool;
  f.sys->spawn([pool](caf::event_based_actor* self) {
    self->request(pool, 30s, db_atom::value, db::operation{db::ping{200}})
        .then([](db::reply&) {}, [](caf::error&) {});
    self->quit(); // gone before the answer
  });
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(f.run(db::get_offset{}).ok());
}

BOOST_AUTO_TEST_CASE(queued_request_log_rows_share_one_round_trip) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  pool_fixture f{sized(1)};
  caf::scoped_actor self{*f.sys};
  self->send(f.pool, db_atom::value, db::operation{db::ping{300}});
  for (int i = 0; i < 10; ++i) {
    db::request_row row{i, "/help", "", 1, "ok"};
    self->send(f.pool, db_atom::value, db::operation{db::log_requests{{row}}});
  }
  for (int i = 0; i < 11; ++i)
    self->receive([](db::reply& r) { BOOST_TEST(r.ok()); },
                  caf::after(30s) >> [] { BOOST_FAIL("no answer"); });
  BOOST_TEST(f.stats().batched == 9u);
  pqxx::connection c{f.database.uri()};
  pqxx::nontransaction tx{c};
  BOOST_TEST(tx.exec1("SELECT count(*) FROM request_log")[0].as<int>() == 10);
}

BOOST_AUTO_TEST_CASE(rows_that_come_while_their_kind_runs_go_together_next) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  auto config = sized(4);
  config.pool_min = 4;
  pool_fixture f{config};
  caf::scoped_actor self{*f.sys};
  // All four connected (their statements prepared) before the table is held.
  for (int i = 0; i < 4; ++i)
    self->send(f.pool, db_atom::value, db::operation{db::ping{100}});
  for (int i = 0; i < 4; ++i)
    self->receive([](db::reply& r) { BOOST_REQUIRE(r.ok()); },
                  caf::after(30s) >> [] { BOOST_FAIL("no answer"); });
  // Another session holds the table against writes: the first batch waits.
  pqxx::connection holder{f.database.uri()};
  auto lock = std::make_unique<pqxx::work>(holder);
  lock->exec("LOCK TABLE request_log IN SHARE MODE");
  for (int i = 0; i < 21; ++i) {
    db::request_row row{i, "/help", "", 1, "ok"};
    self->send(f.pool, db_atom::value, db::operation{db::log_requests{{row}}});
  }
  auto stats = f.stats();
  BOOST_TEST(stats.in_use == 1u);           // free connections, yet one batch of the kind at a time
  BOOST_TEST(stats.batched == 19u);         // the other 20 rows: one queued entry
  BOOST_TEST(f.run(db::get_offset{}).ok()); // other kinds still run at once
  lock->abort();
  for (int i = 0; i < 21; ++i)
    self->receive([](db::reply& r) { BOOST_TEST(r.ok()); },
                  caf::after(30s) >> [] { BOOST_FAIL("no answer"); });
  pqxx::nontransaction tx{holder};
  BOOST_TEST(tx.exec1("SELECT count(*) FROM request_log")[0].as<int>() == 21);
}

BOOST_AUTO_TEST_CASE(the_pool_recovers_from_a_server_restart) {
  auto restart = std::getenv("PHOENIX_TEST_PG_RESTART");
  BOOST_REQUIRE_MESSAGE(test_database::available() && restart != nullptr,
                        test_database::how_to_run);
  pool_fixture f{sized(2)};
  BOOST_REQUIRE(f.run(db::set_offset{0, 41}).ok());
  BOOST_REQUIRE(std::system(restart) == 0); // pg_ctl -w: returns once the server is back
  // The broken connection is replaced and the idempotent read retried once.
  auto after = f.run(db::get_offset{});
  BOOST_TEST(after.ok());
  BOOST_TEST(after.count == 41);
  BOOST_TEST(f.stats().reconnects >= 1u);
}

BOOST_AUTO_TEST_CASE(a_server_that_is_down_gives_quick_answers_and_one_log_line) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  {
    db_pool_config config = sized(2);
    config.uri = "postgresql://postgres@127.0.0.1:1/nothing";
    phoenix_config cfg;
    caf::actor_system sys{cfg};
    auto pool = sys.spawn(db_pool, config);
    caf::scoped_actor self{sys};
    for (int i = 0; i < 5; ++i) {
      auto started = steady::now();
      self->request(pool, 10s, db_atom::value, db::operation{db::get_offset{}})
          .receive([](db::reply& r) { BOOST_TEST((r.error == db::errc::unavailable)); },
                   [](caf::error&) { BOOST_FAIL("no answer"); });
      BOOST_TEST((steady::now() - started < 2s));
    }
    caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  }
  spdlog::set_default_logger(previous);
  auto text = log.str();
  auto lines = std::count(text.begin(), text.end(), '\n');
  BOOST_TEST(lines == 1);
}

// Another session holds the stored offset's row: set_offset waits for it. (A
// row lock, not a table lock: that would also hold a new connection's PREPAREs.)
struct offset_row_lock {
  pqxx::connection holder;
  std::unique_ptr<pqxx::work> tx;
  explicit offset_row_lock(const test_database& db) : holder{db.uri()} {
    pqxx::nontransaction insert{holder};
    insert.exec0("INSERT INTO bot_state (key, value) VALUES ('update_offset:0', '1') ON CONFLICT "
                 "DO NOTHING");
    insert.commit();
    tx = std::make_unique<pqxx::work>(holder);
    tx->exec1("SELECT value FROM bot_state WHERE key = 'update_offset:0' FOR UPDATE");
  }
};

BOOST_AUTO_TEST_CASE(a_statement_blocked_on_a_lock_is_cancelled_at_the_statement_timeout) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  auto config = sized(1);
  config.statement_timeout = 1s;
  pool_fixture f{config};
  BOOST_REQUIRE(f.run(db::ping{}).ok()); // connected and migrated before the lock
  auto lock = std::make_unique<offset_row_lock>(f.database);
  auto started = steady::now();
  auto blocked = f.run(db::set_offset{0, 5});
  auto took = steady::now() - started;
  BOOST_TEST_MESSAGE("blocked statement freed after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                     << " ms");
  BOOST_TEST((blocked.error == db::errc::statement));
  BOOST_TEST(blocked.message.find("statement timeout") != std::string::npos, blocked.message);
  BOOST_TEST((took >= 900ms));
  BOOST_TEST((took < 3s));
  // The same connection serves the next operation, even with the lock still held.
  BOOST_TEST(f.run(db::ping{}).ok());
  lock.reset();
  BOOST_TEST(f.run(db::get_offset{}).ok());
  BOOST_TEST(f.stats().size == 1u);
}

BOOST_AUTO_TEST_CASE(a_worker_that_never_answers_is_replaced_and_drain_does_not_wait_for_it) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  auto config = sized(1);
  config.statement_timeout = 500ms;
  config.answer_margin = 500ms;
  // The operator's own statement_timeout (0: none) wins: the server never cancels.
  pool_fixture f{config, "?options=-c%20statement_timeout%3D0"};
  BOOST_REQUIRE(f.run(db::ping{}).ok());
  auto lock = std::make_unique<offset_row_lock>(f.database);
  caf::scoped_actor self{*f.sys};
  auto started = steady::now();
  auto blocked = self->request(f.pool, 30s, db_atom::value, db::operation{db::set_offset{0, 5}});
  auto drain = self->request(f.pool, 10s, db_drain_atom::value);
  drain.receive([](bool drained) { BOOST_TEST(drained); },
                [&](caf::error& e) { BOOST_FAIL("drain failed: " << f.sys->render(e)); });
  auto drained_after = steady::now() - started;
  blocked.receive(
      [](db::reply& r) {
        BOOST_TEST((r.error == db::errc::unavailable));
        BOOST_TEST(r.message.find("no answer within 1000 ms") != std::string::npos, r.message);
      },
      [&](caf::error& e) { BOOST_FAIL("no reply: " << f.sys->render(e)); });
  BOOST_TEST_MESSAGE("hung worker given up, drain answered after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(drained_after).count()
                     << " ms");
  BOOST_TEST((drained_after >= 900ms));
  BOOST_TEST((drained_after < 3s));
  // A new connection serves the next operation while the lost one still waits.
  BOOST_TEST(f.run(db::ping{}).ok());
  BOOST_TEST(f.server_connections() == 2);
  lock.reset(); // the lost worker's statement ends; the worker stops
  BOOST_TEST(f.run(db::get_offset{}).ok());
}

BOOST_AUTO_TEST_SUITE_END()
