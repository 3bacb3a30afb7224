// The typed database operations against a real PostgreSQL: migrations (also
// two instances at once), every operation written and read back, hostile
// text, and a failed statement that leaves its connection usable. Each test
// gets its own scratch database.
#include "tests/integration/ready_database.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <future>
#include <memory>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

using namespace phoenix::core::db;

namespace {

using phoenix::test::count_rows;
using phoenix::test::test_database;

const std::vector<std::string> tables = {
    "users",     "request_log",       "subscriptions",     "jobs",
    "bot_state", "processed_updates", "schema_migrations", "alerts_sent"};

bool all_tables_exist(pqxx::connection& c) {
  pqxx::work tx{c};
  for (const auto& t : tables)
    if (tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", t)[0].as<bool>() == false)
      return false;
  return true;
}

// Text that breaks naive quoting in SQL, in array literals or in C strings.
// clang-format off
const std::vector<std::string> nasty = {
  "'); DROP TABLE users; --", "Robert\"); \\", "O'Brien \"quoted\"", "back\\slash \\\\ two",
  "{a,b}", "a,b,c", "NULL", "null", "", "  padded  ", "München", "⚽ 🏆 emoji", "$1 $2 ?",
  "\\x00", "line\nbreak\ttab", "{", "}", "\"", "\\", "E'\\''", "%s %n"};
// clang-format on

job_row job(int64_t owner, const std::string& status) {
  job_row j;
  j.owner_chat = owner;
  j.kind = "report";
  j.parameters = "team=42";
  j.status = status;
  return j;
}

// Every field, so one check compares (and prints) a whole job.
std::string show(const job_row& j) {
  std::ostringstream out;
  out << j.id << '|' << j.owner_chat << '|' << j.kind << '|' << j.parameters << '|' << j.status
      << '|' << j.progress << '|' << j.result << '|' << j.created << '|' << j.started << '|'
      << j.finished;
  return out.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(db_operations_tests)

BOOST_AUTO_TEST_CASE(helpers_names_and_idempotence) {
  // array_literal: tests/unit/db_text_test.cpp.
  BOOST_TEST(test_database::with_database("postgresql://postgres@127.0.0.1:5/phoenix_test", "x") ==
             "postgresql://postgres@127.0.0.1:5/x");
  BOOST_TEST(test_database::with_database("postgresql://h:5/a?sslmode=disable", "x") ==
             "postgresql://h:5/x?sslmode=disable");
  BOOST_TEST(test_database::with_database("postgresql://h:5", "x") == "postgresql://h:5/x");

  BOOST_TEST(std::string{name_of(upsert_users{})} == "upsert_users");
  BOOST_TEST(std::string{name_of(claim_jobs{})} == "claim_jobs");
  BOOST_TEST(std::string{name_of(ping{})} == "ping");
  BOOST_TEST(!is_idempotent(upsert_users{}));
  BOOST_TEST(!is_idempotent(log_requests{}));
  BOOST_TEST(!is_idempotent(save_job{}));
  save_job update;
  update.job.id = 7;
  BOOST_TEST(is_idempotent(update));
  BOOST_TEST(is_idempotent(mark_processed{}));
  BOOST_TEST(is_idempotent(set_offset{}));
  BOOST_TEST(is_idempotent(subscribe{}));
}

BOOST_AUTO_TEST_CASE(migrations_apply_once) {
  SCRATCH_DB_OR_SKIP(db);
  pqxx::connection c{db->uri()};
  BOOST_TEST(migrate(c) == schema_migration_count());
  BOOST_TEST(all_tables_exist(c));
  BOOST_TEST(migrate(c) == 0);
  BOOST_TEST(count_rows(c, "schema_migrations") == schema_migration_count());
}

BOOST_AUTO_TEST_CASE(concurrent_migrations_apply_once) {
  SCRATCH_DB_OR_SKIP(db);
  pqxx::connection a{db->uri()}, b{db->uri()};
  // The advisory lock makes one wait for the other, which then finds everything applied.
  auto first = std::async(std::launch::async, [&] { return migrate(a); });
  auto second = std::async(std::launch::async, [&] { return migrate(b); });
  int applied = -1;
  BOOST_CHECK_NO_THROW(applied = first.get() + second.get());
  BOOST_TEST(applied == schema_migration_count());
  BOOST_TEST(all_tables_exist(a));
}

BOOST_AUTO_TEST_CASE(users_round_trip) {
  READY_DB_OR_SKIP(db, c);
  BOOST_TEST(!run(*c, load_user{1}).user);
  BOOST_TEST(run(*c, upsert_users{{{1, "anna", "de"}}}).count == 1);
  auto first = run(*c, load_user{1}).user;
  BOOST_REQUIRE(first);
  BOOST_TEST(first->request_count == 1);
  BOOST_TEST(first->first_seen > 0);
  BOOST_TEST(run(*c, set_user_active{1, false}).count == 1);
  BOOST_TEST(run(*c, load_user{1}).user->active == false);
  BOOST_TEST(run(*c, upsert_users{{{1, "anna_b", "en"}}}).ok());
  auto u = run(*c, load_user{1}).user;
  BOOST_REQUIRE(u);
  BOOST_TEST(u->chat_id == 1);
  BOOST_TEST(u->username == "anna_b");
  BOOST_TEST(u->language == "en");
  BOOST_TEST(u->request_count == 2);
  BOOST_TEST(u->active == true); // a new request means the user is back
  // A batch (merged by the pool): one round trip, a chat seen twice counts twice.
  BOOST_TEST(
      run(*c, upsert_users{{{2, "bo", "fr"}, {1, "anna_c", "it"}, {2, "bo_2", "fr"}}}).count == 2);
  BOOST_TEST(run(*c, load_user{1}).user->request_count == 3);
  BOOST_TEST(run(*c, load_user{1}).user->username == "anna_c");
  BOOST_TEST(run(*c, load_user{2}).user->request_count == 2);
  BOOST_TEST(run(*c, load_user{2}).user->username == "bo_2");
  BOOST_TEST(u->first_seen == first->first_seen);
  BOOST_TEST(u->last_seen >= u->first_seen);
  BOOST_TEST(run(*c, set_user_active{99, false}).count == 0);
}

BOOST_AUTO_TEST_CASE(log_requests_inserts_every_row) {
  READY_DB_OR_SKIP(db, c);
  log_requests op;
  for (int i = 0; i < 100; ++i)
    op.rows.push_back({i, "/team", "arg " + std::to_string(i), i * 3, i % 2 ? "ok" : "error"});
  BOOST_TEST(run(*c, op).count == 100);
  BOOST_TEST(run(*c, log_requests{}).count == 0);
  BOOST_TEST(count_rows(*c, "request_log") == 100);
  pqxx::work tx{*c};
  const auto row = tx.exec_params1("SELECT concat_ws('|', command, arguments, latency_ms, outcome)"
                                   " FROM request_log WHERE chat_id = $1",
                                   7);
  BOOST_TEST(row[0].as<std::string>() == "/team|arg 7|21|ok");
}

BOOST_AUTO_TEST_CASE(subscriptions_round_trip) {
  READY_DB_OR_SKIP(db, c);
  BOOST_TEST(run(*c, subscribe{5, 33, "team 33"}).count == 1);
  BOOST_TEST(run(*c, subscribe{5, 11, "team 11"}).count == 1);
  BOOST_TEST(run(*c, subscribe{5, 33, "team 33"}).count == 0); // already there
  BOOST_TEST(run(*c, subscribe{6, 22, "team 22"}).count == 1);
  BOOST_TEST(run(*c, list_subscriptions{5}).ids == (std::vector<int64_t>{11, 33}));
  BOOST_TEST(run(*c, unsubscribe{5, 11}).count == 1);
  BOOST_TEST(run(*c, unsubscribe{5, 11}).count == 0);
  BOOST_TEST(run(*c, list_subscriptions{5}).ids == (std::vector<int64_t>{33}));
  BOOST_TEST(run(*c, list_subscriptions{7}).ids.empty());
}

BOOST_AUTO_TEST_CASE(jobs_round_trip) {
  READY_DB_OR_SKIP(db, c);
  const int64_t now = std::time(nullptr);
  auto inserted = run(*c, save_job{job(9, "queued")});
  BOOST_REQUIRE(inserted.ok());
  const int64_t id = inserted.count;
  BOOST_TEST(id > 0);
  auto loaded = run(*c, load_job{id}).jobs;
  BOOST_REQUIRE(loaded.size() == 1u);
  BOOST_TEST(std::abs(loaded[0].created - now) <= 5); // created 0: the database's now()
  job_row expected = job(9, "queued");
  expected.id = id;
  expected.created = loaded[0].created;
  BOOST_TEST(show(loaded[0]) == show(expected));

  job_row j = loaded[0];
  j.status = "done";
  j.progress = "3/3";
  j.result = "ok: 3 rows";
  j.created = 1700000000;
  j.started = 1700000010;
  j.finished = 1700000020;
  BOOST_TEST(run(*c, save_job{j}).count == id);
  auto updated = run(*c, load_job{id}).jobs;
  BOOST_REQUIRE(updated.size() == 1u);
  BOOST_TEST(show(updated[0]) == show(j));

  const int64_t second = run(*c, save_job{job(9, "running")}).count;
  const int64_t third = run(*c, save_job{job(9, "queued")}).count;
  run(*c, save_job{job(10, "queued")});
  auto newest = run(*c, list_jobs{9, 2}).jobs;
  BOOST_REQUIRE(newest.size() == 2u);
  BOOST_TEST(newest[0].id == third);
  BOOST_TEST(newest[1].id == second);
  BOOST_TEST(run(*c, list_jobs{9, 10}).jobs.size() == 3u);
  BOOST_TEST(run(*c, load_job{123456}).jobs.empty());
  j.id = 123456; // a job numbered by the registry: inserted with its id
  BOOST_TEST(run(*c, save_job{j}).count == 123456);
  BOOST_TEST(run(*c, load_job{123456}).jobs.size() == 1u);
  BOOST_TEST(run(*c, max_job_id{}).count == 123456);
  j.status = "done";
  run(*c, save_job{j});
  j.status = "running"; // a save that overtook nothing arrives late: ignored
  run(*c, save_job{j});
  BOOST_TEST(run(*c, load_job{123456}).jobs.front().status == "done");
}

BOOST_AUTO_TEST_CASE(offset_processed_updates_and_ping) {
  READY_DB_OR_SKIP(db, c);
  constexpr int64_t bot = 123456;
  BOOST_TEST(run(*c, get_offset{bot}).count == 0);
  BOOST_TEST(run(*c, set_offset{bot, 100}).count == 100);
  BOOST_TEST(run(*c, get_offset{bot}).count == 100);
  // Telegram may restart its ids lower: the stored offset follows.
  BOOST_TEST(run(*c, set_offset{bot, 50}).count == 50);
  BOOST_TEST(run(*c, set_offset{bot, 9000000000}).count == 9000000000);
  BOOST_TEST(run(*c, get_offset{bot}).count == 9000000000);

  // The dedupe window.
  BOOST_TEST(run(*c, mark_processed{bot, {1, 2, 3, 3}}).count == 3);
  BOOST_TEST(run(*c, mark_processed{bot, {3, 4}}).count == 1);
  BOOST_TEST(run(*c, filter_processed{bot, {9, 4, 0, 2}}).ids == (std::vector<int64_t>{2, 4}));
  BOOST_TEST(run(*c, filter_processed{bot, {}}).ids.empty());
  BOOST_TEST(run(*c, mark_processed{bot, {}}).count == 0);
  BOOST_TEST(run(*c, max_processed{bot}).count == 4);
  // An inbox row written after its update was handled is not work left.
  BOOST_TEST(run(*c, store_updates{bot, {3, 5}, {"handled", "not yet"}}).count == 2);
  BOOST_TEST(run(*c, load_inbox{bot}).ids == (std::vector<int64_t>{5}));
  BOOST_TEST(run(*c, ping{}).ok());
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(run(*c, ping{150}).ok());
  const auto slept = std::chrono::steady_clock::now() - start;
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(slept).count() >= 150);
}

BOOST_AUTO_TEST_CASE(update_state_is_kept_per_bot) {
  // A database reused with another token starts clean for that bot.
  READY_DB_OR_SKIP(db, c);
  BOOST_TEST(run(*c, set_offset{1, 700}).ok());
  BOOST_TEST(run(*c, mark_processed{1, {5, 6}}).ok());
  BOOST_TEST(run(*c, store_updates{1, {7}, {"first bot's"}}).ok());
  BOOST_TEST(run(*c, get_offset{2}).count == 0);
  BOOST_TEST(run(*c, filter_processed{2, {5, 6, 7}}).ids.empty());
  BOOST_TEST(run(*c, max_processed{2}).count == 0);
  BOOST_TEST(run(*c, load_inbox{2}).ids.empty());
  BOOST_TEST(run(*c, store_updates{2, {7}, {"second bot's"}}).count == 1);
  BOOST_TEST(run(*c, load_inbox{1}).bodies == (std::vector<std::string>{"first bot's"}));
  BOOST_TEST(run(*c, mark_processed{2, {7}}).ok());
  BOOST_TEST(run(*c, load_inbox{1}).ids == (std::vector<int64_t>{7}));
}

BOOST_AUTO_TEST_CASE(prune_deletes_old_rows_only) {
  READY_DB_OR_SKIP(db, c);
  run(*c, log_requests{{{1, "/a", "", 1, "ok"}, {2, "/b", "", 1, "ok"}}});
  run(*c, mark_processed{0, {10, 11, 12}});
  {
    pqxx::work tx{*c};
    tx.exec0("UPDATE request_log SET at = now() - interval '40 days' WHERE chat_id = 1");
    tx.exec0("UPDATE processed_updates SET at = now() - interval '3 days' WHERE update_id < 12");
    tx.commit();
  }
  BOOST_TEST(run(*c, prune{30, 2}).count == 3);
  BOOST_TEST(count_rows(*c, "request_log") == 1);
  BOOST_TEST(run(*c, filter_processed{0, {10, 11, 12}}).ids == (std::vector<int64_t>{12}));
  BOOST_TEST((run(*c, prune{-1, 2}).error == errc::statement));
}

BOOST_AUTO_TEST_CASE(hostile_text_is_stored_as_text) {
  READY_DB_OR_SKIP(db, c);
  const auto n = nasty.size();
  log_requests log;
  for (size_t i = 0; i < n; ++i) {
    const auto& s = nasty[i];
    const auto& t = nasty[(i + 1) % n];
    BOOST_TEST_CONTEXT("string " << i) {
      BOOST_TEST(run(*c, upsert_users{{{int64_t(i), s, t}}}).ok());
      auto u = run(*c, load_user{int64_t(i)}).user;
      BOOST_REQUIRE(u);
      BOOST_TEST(u->username == s);
      BOOST_TEST(u->language == t);

      job_row j = job(int64_t(i), "queued");
      j.kind = s;
      j.parameters = t;
      j.progress = t;
      j.result = s;
      j.created = 1700000000; // given, so the round trip is exact
      auto saved = run(*c, save_job{j});
      BOOST_REQUIRE(saved.ok());
      j.id = saved.count;
      BOOST_TEST(show(run(*c, load_job{saved.count}).jobs.at(0)) == show(j));
    }
    log.rows.push_back({int64_t(i), s, t, 1, s});
  }
  BOOST_TEST(run(*c, log).count == int64_t(n));
  {
    pqxx::work tx{*c};
    auto r = tx.exec("SELECT chat_id, command, arguments, outcome FROM request_log");
    BOOST_REQUIRE(r.size() == n);
    for (const auto& row : r) {
      const auto i = row[0].as<size_t>();
      BOOST_TEST((row[1].as<std::string>() == nasty[i] && row[3].as<std::string>() == nasty[i]));
      BOOST_TEST(row[2].as<std::string>() == nasty[(i + 1) % n]);
    }
  }
  // NUL bytes and invalid UTF-8: tests/integration/db_retention_test.cpp.
  BOOST_TEST(all_tables_exist(*c));
  BOOST_TEST(count_rows(*c, "users") == int64_t(n));
}

BOOST_AUTO_TEST_CASE(failed_statement_leaves_connection_usable) {
  READY_DB_OR_SKIP(db, c);
  auto bad = run(*c, save_job{job(1, "bogus")});
  BOOST_TEST((bad.error == errc::statement));
  BOOST_TEST(bad.message.find("check") != std::string::npos);
  BOOST_TEST(count_rows(*c, "jobs") == 0);
  for (int i = 0; i < 20; ++i) {
    BOOST_TEST_CONTEXT("operation " << i) {
      auto r =
          i % 2 ? run(*c, upsert_users{{{i, "u", "en"}}}) : run(*c, save_job{job(i, "queued")});
      BOOST_TEST(r.ok(), r.message);
    }
  }
  BOOST_TEST(count_rows(*c, "jobs") == 10);
  BOOST_TEST(count_rows(*c, "users") == 10);
}

// The server goes away mid-statement (restart, failover): the worker must see it.
BOOST_AUTO_TEST_CASE(broken_connection_propagates) {
  READY_DB_OR_SKIP(db, c);
  const int pid = c->backendpid();
  auto killer = std::async(std::launch::async, [&] {
    pqxx::connection k{db->uri()};
    for (int i = 0; i < 500; ++i) {
      pqxx::nontransaction tx{k}; // a fresh pg_stat_activity snapshot each time
      if (!tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE pid = $1 AND wait_event = 'PgSleep'",
                          pid)
               .empty())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return false;
  });
  {
#if defined(__SANITIZE_ADDRESS__)
    // libpq/libpqxx 6 leak the error result of a statement that meets a dead connection.
    __lsan::ScopedDisabler not_our_leak;
#endif
    BOOST_CHECK_THROW(run(*c, ping{10000}), pqxx::broken_connection);
  }
  BOOST_TEST(killer.get());
}

BOOST_AUTO_TEST_SUITE_END()
