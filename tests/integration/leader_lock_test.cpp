// The leadership lock and the epoch fence against a real PostgreSQL: one
// holder per bot, a release or a broken connection hands the lock over at
// once, every takeover raises the epoch, and writes carrying an older epoch
// are refused without touching anything.
#include "core/db/db_leader_lock.hpp"
#include "tests/integration/ready_database.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <pqxx/pqxx>

using namespace phoenix::core::db;
using namespace std::chrono_literals;

namespace {

constexpr int64_t bot = 123456;

leader_lock lock_on(const phoenix::test::test_database& db,
                    std::chrono::milliseconds wait = 200ms) {
  return leader_lock{leader_conninfo(db.uri(), {}, 10000ms), {}, wait};
}

// Ends the backend holding the bot's lock, as a dead network would.
int terminate_holder(pqxx::connection& c) {
  pqxx::nontransaction tx{c};
  return static_cast<int>(
      tx.exec("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
              " AND granted AND database = (SELECT oid FROM pg_database"
              " WHERE datname = current_database())")
          .size());
}

// Makes `a` the bot's leader by the first takeover (epoch 1).
void lead_at_epoch_1(leader_lock& a) {
  BOOST_REQUIRE(a.try_acquire(leader_lock_key(bot)));
  BOOST_REQUIRE(a.take_over(bot, "a").value_or(0) == 1);
}

} // namespace

BOOST_AUTO_TEST_SUITE(leader_lock_tests)

BOOST_AUTO_TEST_CASE(one_holder_per_bot_and_a_release_hands_over_within_one_try) {
  SCRATCH_DB_OR_SKIP(db);
  auto a = lock_on(*db);
  auto b = lock_on(*db, 1000ms);
  auto other_bot = lock_on(*db);
  BOOST_TEST(a.try_acquire(leader_lock_key(bot)));
  BOOST_TEST(a.take_over(bot, "a").value_or(0) == 1);
  auto t0 = std::chrono::steady_clock::now();
  BOOST_TEST(!b.try_acquire(leader_lock_key(bot))); // waited its try out
  BOOST_TEST((std::chrono::steady_clock::now() - t0 >= 900ms));
  BOOST_TEST(other_bot.try_acquire(leader_lock_key(bot + 1))); // another bot, same database
  a.close();
  t0 = std::chrono::steady_clock::now();
  BOOST_TEST(b.try_acquire(leader_lock_key(bot)));
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 500ms));
  BOOST_TEST(b.take_over(bot, "b").value_or(0) == 2);
  b.check();
}

BOOST_AUTO_TEST_CASE(a_terminated_lock_connection_is_noticed_and_not_silently_reopened) {
  SCRATCH_DB_OR_SKIP(db);
  auto a = lock_on(*db);
  BOOST_REQUIRE(a.try_acquire(leader_lock_key(bot)));
  a.take_over(bot, "a");
  pqxx::connection admin{db->uri()};
  BOOST_TEST(terminate_holder(admin) == 1);
  // libpqxx would reconnect (a session without the lock); the check must fail instead.
  BOOST_CHECK_THROW(a.check(), std::exception);
  BOOST_TEST(!a.connected());
  auto b = lock_on(*db);
  BOOST_TEST(b.try_acquire(leader_lock_key(bot)));
  BOOST_TEST(b.take_over(bot, "b").value_or(0) == 2);
}

BOOST_AUTO_TEST_CASE(a_former_leaders_open_transaction_delays_the_takeover_but_keeps_the_lock) {
  SCRATCH_DB_OR_SKIP(db);
  auto a = lock_on(*db);
  lead_at_epoch_1(a);
  // A paused leader, stopped inside a fenced write: the row is share-locked.
  pqxx::connection paused{db->uri()};
  pqxx::work write{paused};
  write.exec_params("SELECT epoch FROM leadership WHERE bot_id = $1 FOR SHARE", bot);
  a.close();
  auto b = lock_on(*db);
  BOOST_REQUIRE(b.try_acquire(leader_lock_key(bot)));
  BOOST_TEST(!b.take_over(bot, "b").has_value()); // waited its try out
  BOOST_TEST(b.connected());
  auto c = lock_on(*db);
  BOOST_TEST(!c.try_acquire(leader_lock_key(bot))); // b still holds it
  BOOST_TEST(b.try_acquire(leader_lock_key(bot)));  // at once: held
  write.abort(); // the server ends it (db.idle-in-transaction-timeout)
  BOOST_TEST(b.take_over(bot, "b").value_or(0) == 2);
}

BOOST_AUTO_TEST_CASE(writes_of_an_older_epoch_are_refused_and_change_nothing) {
  READY_DB_OR_SKIP(db, c);
  auto a = lock_on(*db);
  lead_at_epoch_1(a);
  BOOST_TEST(run(*c, set_offset{bot, 100, 1}).ok());
  BOOST_TEST(run(*c, store_updates{bot, {7, 8}, {"x", "y"}, 1}).ok());
  BOOST_TEST(run(*c, mark_processed{bot, {7}, 1}).ok());
  a.close();
  auto b = lock_on(*db);
  BOOST_REQUIRE(b.try_acquire(leader_lock_key(bot)));
  BOOST_REQUIRE(b.take_over(bot, "b").value_or(0) == 2);

  auto offset = run(*c, set_offset{bot, 50, 1});
  BOOST_TEST((offset.error == errc::fenced));
  BOOST_TEST(offset.message.find("epoch 1") != std::string::npos, offset.message);
  BOOST_TEST((run(*c, mark_processed{bot, {8}, 1}).error == errc::fenced));
  BOOST_TEST((run(*c, store_updates{bot, {9}, {"z"}, 1}).error == errc::fenced));
  BOOST_TEST(run(*c, get_offset{bot}).count == 100);
  BOOST_TEST(run(*c, load_inbox{bot}).ids ==
             (std::vector<int64_t>{8})); // 8 not marked, 9 not stored
  // The new leader's writes go through; so do those without leadership (epoch 0).
  BOOST_TEST(run(*c, mark_processed{bot, {8}, 2}).ok());
  BOOST_TEST(run(*c, set_offset{bot, 200, 2}).count == 200);
  BOOST_TEST(run(*c, set_offset{bot + 1, 5, 0}).ok());
  // Another bot's epoch is its own.
  BOOST_TEST(run(*c, set_offset{bot + 1, 6, 1}).ok());
}

BOOST_AUTO_TEST_CASE(a_write_that_waited_for_a_takeover_sees_its_epoch_and_is_refused) {
  READY_DB_OR_SKIP(db, c);
  auto a = lock_on(*db);
  lead_at_epoch_1(a);
  // A takeover between its epoch update and its commit: the row is locked.
  pqxx::connection taking{db->uri()};
  pqxx::work takeover{taking};
  takeover.exec_params("UPDATE leadership SET epoch = epoch + 1 WHERE bot_id = $1", bot);
  auto write = std::async(std::launch::async, [&db] {
    auto own = phoenix::test::ready(*db);
    return run(*own, store_updates{bot, {7}, {"x"}, 1});
  });
  // Until the write's one statement waits for the row (bounded: 10 s).
  pqxx::connection watch{db->uri()};
  bool waiting = false;
  for (int i = 0; i < 1000 && !waiting; ++i) {
    pqxx::nontransaction q{watch};
    waiting = q.exec("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     " AND query LIKE '%update_inbox%'")
                  .size() == 1;
    if (!waiting)
      BOOST_REQUIRE(write.wait_for(10ms) == std::future_status::timeout);
  }
  BOOST_REQUIRE(waiting);
  takeover.commit();
  auto refused = write.get();
  BOOST_TEST((refused.error == errc::fenced));
  BOOST_TEST(refused.message.find("stored 2") != std::string::npos, refused.message);
  BOOST_TEST(run(*c, load_inbox{bot}).ids.empty()); // nothing written
}

BOOST_AUTO_TEST_SUITE_END()
