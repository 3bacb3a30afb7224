// The fault suite, in-process: Phoenix's real actors (start_bot) against both
// fakes and PostgreSQL while the upstreams answer 429/502, reset connections
// or restart. Every pushed message must be answered exactly once.
#include "tests/integration/bot_fixture.hpp"
#include "tests/integration/delivery_ledger.hpp"
#include "tests/integration/log_watch.hpp"

#include <cstdlib>
#include <future>

using namespace phoenix;
using namespace phoenix::test;
namespace db = core::db;
using steady = std::chrono::steady_clock;

namespace {

std::string help(int) {
  return "/help";
}

double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

// Many commands per chat within seconds: flood control would answer a notice instead.
void without_flood_control(bot_fixture& f) {
  f.values.limits_user_commands_per_minute = 0;
}

db::reply run(bot_fixture& f, db::operation op) {
  caf::scoped_actor self{*f.sys};
  db::reply out;
  self->request(f.bot.db, 30s, db_atom::value, std::move(op))
      .receive([&](db::reply& r) { out = std::move(r); },
               [&](caf::error& e) { BOOST_FAIL("db request failed: " << f.sys->render(e)); });
  return out;
}

int64_t count_rows(const test_database& database, const std::string& sql) {
  pqxx::connection c{database.uri()};
  pqxx::nontransaction tx{c};
  return tx.exec1(sql)[0].as<int64_t>();
}

} // namespace

BOOST_AUTO_TEST_SUITE(fault_tests, *boost::unit_test::label("fault"))

BOOST_AUTO_TEST_CASE(rate_limits_and_gateway_errors_over_2000_updates_answer_each_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  without_flood_control(f);
  f.values.net_max_connections_per_host = 64; // as many as the sender keeps in flight
  f.start();
  f.telegram.fail_ratio("sendMessage", 0.10, 429, 1);
  f.telegram.fail_ratio("getUpdates", 0.05, 502);
  f.telegram.fail_next("getUpdates", 2, 502); // ~40 polls: 5% alone may miss them all
  delivery_ledger ledger{f.telegram};
  auto started = steady::now();
  ledger.push_many(2000, 250, 1, help);
  auto answered = ledger.wait_until_answered(90s);
  BOOST_TEST_MESSAGE("2000 updates under 10% 429 / 5% 502: " << answered << " in "
                                                             << seconds_since(started) << " s");
  auto sender = f.stats_of<sender_stats>(f.bot.sender);
  auto poller = f.stats_of<poller_stats>(f.bot.poller);
  BOOST_TEST_MESSAGE("429 answers: " << sender.rate_limited << ", paused " << sender.paused_ms
                                     << " ms; getUpdates errors: " << poller.poll_errors);
  f.stop(); // nothing may follow late: count again once everything has stopped
  auto final_count = ledger.count();
  BOOST_CHECK_MESSAGE(final_count.exactly_once(), final_count);
  BOOST_TEST(sender.rate_limited > 100u); // ~10% of 2000+ sends: the faults really ran
  BOOST_TEST(poller.poll_errors >= 2u);
}

BOOST_AUTO_TEST_CASE(connection_resets_on_both_upstreams_lose_nothing) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  without_flood_control(f);
  f.start();
  delivery_ledger ledger{f.telegram};
  constexpr int chunks = 10, per_chunk = 40;
  int stats_asked = 0;
  for (int chunk = 0; chunk < chunks; ++chunk) {
    // A few resets per chunk, so that no single call meets more resets than it has retries.
    f.telegram.reset_next("sendMessage", 2);
    f.telegram.reset_next("getUpdates", 2); // the client retries one on a fresh connection
    f.football.reset_next(2);
    for (int i = 0; i < per_chunk; ++i) {
      auto n = chunk * per_chunk + i;
      auto chat = 1 + n % 100;
      if (n % 2 == 0) {
        ledger.push(chat,
                    "/stats " + std::to_string(70000 + n)); // distinct: one upstream call each
        ++stats_asked;
      } else {
        ledger.push(chat, "/help");
      }
    }
    f.telegram.wait_for_total_sent(ledger.pushed(), 20s);
  }
  auto answered = ledger.wait_until_answered(30s);
  BOOST_CHECK_MESSAGE(answered.exactly_once(), answered);
  size_t data_replies = 0;
  for (const auto& sent : f.telegram.all_sent())
    data_replies += contains(sent.plain_text, "Possession") ? 1 : 0;
  BOOST_TEST(data_replies == static_cast<size_t>(stats_asked)); // retried, not an error sentence
  // The resets were met: more upstream calls than questions, retries, poll errors.
  BOOST_TEST(f.football.calls("/fixtures") > static_cast<size_t>(stats_asked));
  BOOST_TEST(f.stats_of<sender_stats>(f.bot.sender).retries > 0u);
  BOOST_TEST(f.stats_of<poller_stats>(f.bot.poller).poll_errors > 0u);
}

BOOST_AUTO_TEST_CASE(a_postgresql_restart_under_load_loses_nothing_and_the_pool_recovers) {
  auto restart = std::getenv("PHOENIX_TEST_PG_RESTART");
  BOOST_REQUIRE_MESSAGE(test_database::available() && restart != nullptr,
                        test_database::how_to_run);
  log_watch logs{spdlog::level::info}; // "database reachable again"
  bot_fixture f;
  logs.level(spdlog::level::info);
  without_flood_control(f);
  // One connection: once it is back, every later operation succeeds (each
  // connection retries on its own backoff, up to 5 s after the server is back).
  f.values.db_pool_max = 1;
  // The single-instance mode rides a restart out; with the leadership lock the
  // active instance stops (exit 4) and systemd restarts it (docs/operations.md).
  f.values.ha_leader_lock = "off";
  f.start();
  delivery_ledger ledger{f.telegram};
  ledger.push_many(200, 100, 1, help);
  f.telegram.wait_for_total_sent(100, 30s);
  // Keep updates coming while the server restarts (pg_ctl -w returns once it is back).
  auto restarting = std::async(std::launch::async, [restart] { return std::system(restart); });
  auto sent_before = f.telegram.sent_count();
  for (int round = 0; round < 500 && restarting.wait_for(0s) != std::future_status::ready;
       ++round) {
    ledger.push_many(10, 100, 1, help);
    f.telegram.wait_for_total_sent(ledger.pushed(), 10s);
  }
  BOOST_REQUIRE(restarting.get() == 0);
  auto sent_during = f.telegram.sent_count() - sent_before;
  // Later updates: answered, and their records reach the restarted server.
  int64_t first_after = 0;
  for (int i = 0; i < 100; ++i) {
    auto id = ledger.push(1 + i, "/help");
    first_after = first_after == 0 ? id : first_after;
  }
  auto answered = ledger.wait_until_answered(60s);
  BOOST_TEST_MESSAGE("PostgreSQL restart: " << sent_during << " replies while it restarted; "
                                            << answered);
  BOOST_CHECK_MESSAGE(answered.exactly_once(), answered);
  // The pool logs each outage once and each recovery once: as many of both, it is back.
  auto outages = logs.count("error db_pool:");
  BOOST_TEST(outages >= 1u);
  BOOST_REQUIRE(logs.wait_for("db_pool: database reachable again", outages, 30s) >= outages);
  auto pool = f.stats_of<db_stats>(f.bot.db);
  BOOST_TEST(pool.reconnects > 0u);
  BOOST_TEST(run(f, db::get_offset{}).ok());
  f.stop(); // drains the pool: the last records are written
  BOOST_TEST(count_rows(f.database, "SELECT count(*) FROM processed_updates WHERE update_id >= " +
                                        std::to_string(first_after)) == 100);
  // Nothing is left to replay: a restart of the bot answers nothing again.
  BOOST_TEST(count_rows(f.database,
                        "SELECT count(*) FROM update_inbox i WHERE NOT EXISTS (SELECT "
                        "1 FROM processed_updates p WHERE p.update_id = i.update_id)") == 0);
  f.start();
  f.ask(500, "/help");
  f.stop();
  auto after_restart = ledger.count();
  BOOST_CHECK_MESSAGE(after_restart.duplicated == 0u, after_restart);
}

BOOST_AUTO_TEST_SUITE_END()
