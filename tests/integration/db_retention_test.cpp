// Tables that do not grow forever (prune: the inbox, finished jobs) and text
// that cannot fail a batch (NUL bytes, invalid UTF-8), on a real PostgreSQL.
#include "tests/integration/ready_database.hpp"

#include <boost/test/unit_test.hpp>
#include <ctime>
#include <string>
#include <vector>

using namespace phoenix::core::db;
using phoenix::test::count_rows;

namespace {

constexpr int64_t day_s = 24 * 60 * 60;
const std::string replacement = "\xEF\xBF\xBD"; // U+FFFD

// A job of chat 1 in `status`, finished `finished_days_ago` days ago (0: not finished).
int64_t save(pqxx::connection& c, const std::string& status, int64_t finished_days_ago) {
  const int64_t now = std::time(nullptr);
  job_row j;
  j.owner_chat = 1;
  j.kind = "analyze";
  j.status = status;
  j.created = now - 60 * day_s;
  j.started = j.created;
  j.finished = finished_days_ago > 0 ? now - finished_days_ago * day_s : 0;
  auto saved = run(c, save_job{j});
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.message);
  return saved.count;
}

std::vector<int64_t> ids_in(pqxx::connection& c, const std::string& query) {
  pqxx::nontransaction tx{c};
  std::vector<int64_t> ids;
  for (const auto& row : tx.exec(query))
    ids.push_back(row[0].as<int64_t>());
  return ids;
}

std::vector<std::string> texts_in(pqxx::connection& c, const std::string& query) {
  pqxx::nontransaction tx{c};
  std::vector<std::string> out;
  for (const auto& row : tx.exec(query))
    out.push_back(row[0].as<std::string>());
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(db_retention_tests)

BOOST_AUTO_TEST_CASE(prune_deletes_inbox_rows_done_or_too_old) {
  READY_DB_OR_SKIP(db, c);
  // 3 was handled before its inbox row was written (the two raced): done.
  // Another bot's update 1 was handled: this bot's 1 stays.
  BOOST_REQUIRE(run(*c, mark_processed{9, {3}}).ok());
  BOOST_REQUIRE(run(*c, mark_processed{8, {1}}).ok());
  BOOST_REQUIRE(run(*c, store_updates{9, {1, 2, 3, 4}, {"fresh", "old", "done", "fresh"}}).ok());
  {
    pqxx::work tx{*c};
    tx.exec0(
        "UPDATE update_inbox SET received_at = now() - interval '2 hours' WHERE update_id = 2");
    tx.exec0("UPDATE update_inbox SET received_at = now() - interval '50 minutes'"
             " WHERE update_id = 4");
    tx.commit();
  }
  auto pruned = run(*c, prune{}); // defaults: inbox_max_age_s 3600
  BOOST_TEST(pruned.ok(), pruned.message);
  BOOST_TEST(pruned.count == 2);
  BOOST_TEST(ids_in(*c, "SELECT update_id FROM update_inbox ORDER BY 1") ==
             (std::vector<int64_t>{1, 4}));
  BOOST_TEST(run(*c, filter_processed{9, {3}}).ids == (std::vector<int64_t>{3})); // still deduped
  prune short_age;
  short_age.inbox_max_age_s = 30 * 60;
  BOOST_TEST(run(*c, short_age).count == 1);
  BOOST_TEST(ids_in(*c, "SELECT update_id FROM update_inbox") == (std::vector<int64_t>{1}));
  short_age.inbox_max_age_s = -1;
  BOOST_TEST((run(*c, short_age).error == errc::statement));
}

BOOST_AUTO_TEST_CASE(prune_deletes_jobs_finished_longer_ago_than_keep_days) {
  READY_DB_OR_SKIP(db, c);
  save(*c, "done", 40);
  save(*c, "failed", 31);
  save(*c, "cancelled", 40);
  const int64_t done_recent = save(*c, "done", 10);
  const int64_t running = save(*c, "running", 0);
  const int64_t queued = save(*c, "queued", 0);
  const int64_t newest_old = save(*c, "done", 40); // the newest job: numbering goes on from it
  BOOST_TEST(run(*c, prune{}).count == 3);         // defaults: jobs_keep_days 30
  const std::string kept = "SELECT id FROM jobs ORDER BY id";
  BOOST_TEST(ids_in(*c, kept) == (std::vector<int64_t>{done_recent, running, queued, newest_old}));
  prune week;
  week.jobs_keep_days = 7;
  BOOST_TEST(run(*c, week).count == 1);
  BOOST_TEST(ids_in(*c, kept) == (std::vector<int64_t>{running, queued, newest_old}));
  BOOST_TEST(run(*c, max_job_id{}).count == newest_old);
}

BOOST_AUTO_TEST_CASE(a_batch_with_nul_bytes_and_invalid_utf8_stores_every_row) {
  READY_DB_OR_SKIP(db, c);
  const std::string nul{"a\0b", 3};
  const std::string latin1 = "caf\xE9";
  log_requests log{{{1, "/help", "", 1, "ok"},
                    {2, "/team", nul, 2, "ok"},
                    {3, latin1, "x", 3, "error"},
                    {4, "/stats", "5", 4, "ok"}}};
  auto logged = run(*c, log);
  BOOST_TEST(logged.ok(), logged.message);
  BOOST_TEST(logged.count == 4);
  BOOST_TEST(texts_in(*c, "SELECT arguments FROM request_log ORDER BY chat_id") ==
             (std::vector<std::string>{"", "a" + replacement + "b", "x", "5"}));
  BOOST_TEST(texts_in(*c, "SELECT command FROM request_log WHERE chat_id = 3").at(0) ==
             "caf" + replacement);

  upsert_users users{{{1, "anna", "de"}, {2, nul, "en"}, {3, "bo", latin1}}};
  auto upserted = run(*c, users);
  BOOST_TEST(upserted.ok(), upserted.message);
  BOOST_TEST(upserted.count == 3);
  BOOST_TEST(count_rows(*c, "users") == 3);
  BOOST_TEST(run(*c, load_user{2}).user->username == "a" + replacement + "b");
  BOOST_TEST(run(*c, load_user{3}).user->language == "caf" + replacement);

  auto stored = run(*c, store_updates{0, {7, 8}, {"{\"ok\":1}", nul}});
  BOOST_TEST(stored.ok(), stored.message);
  BOOST_TEST(run(*c, load_inbox{0}).ids == (std::vector<int64_t>{7, 8}));
}

BOOST_AUTO_TEST_SUITE_END()
