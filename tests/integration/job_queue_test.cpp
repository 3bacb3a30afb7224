// The shared job queue (migration 6, core/db job operations) on a real
// PostgreSQL: concurrent claimers never share a job (SKIP LOCKED), an expired
// lease goes to another owner and the former owner's result is refused, a
// job whose instances kept dying fails after jobs.max-attempts, and a result
// is listed for sending until it is marked told, once.
#include "tests/integration/ready_database.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <future>
#include <set>
#include <string>
#include <vector>

using namespace phoenix::core::db;

namespace {

int64_t enqueue(pqxx::connection& c, int64_t owner = 1, int64_t queue_max = 100) {
  auto r = run(c, enqueue_job{owner, "analyze", "42", queue_max});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.message);
  return r.count;
}

reply claim(pqxx::connection& c, const std::string& owner, int64_t limit = 1,
            int64_t max_attempts = 3) {
  auto r = run(c, claim_jobs{owner, limit, 30000, max_attempts, "gave up"});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.message);
  return r;
}

// What an instance killed -9 leaves: its lease runs out (here at once, not in 30 s).
void expire_leases(pqxx::connection& c) {
  pqxx::nontransaction tx{c};
  tx.exec("UPDATE jobs SET lease_until = now() - interval '1 second' WHERE status = 'running'");
}

std::string column(pqxx::connection& c, int64_t id, const std::string& name) {
  pqxx::nontransaction tx{c};
  return tx.exec_params1("SELECT " + tx.quote_name(name) + "::text FROM jobs WHERE id = $1", id)[0]
      .as<std::string>();
}

} // namespace

BOOST_AUTO_TEST_SUITE(job_queue)

BOOST_AUTO_TEST_CASE(jobs_are_numbered_by_the_database_and_refused_beyond_queue_max) {
  READY_DB_OR_SKIP(db, c);
  auto first = enqueue(*c, 1, 2);
  auto second = enqueue(*c, 1, 2);
  BOOST_TEST(first > 0);
  BOOST_TEST(second == first + 1);
  BOOST_TEST(run(*c, enqueue_job{1, "analyze", "42", 2}).count == 0); // two queued: full
  claim(*c, "a");
  BOOST_TEST(enqueue(*c, 1, 2) == second + 1); // one left the queue: room again
  BOOST_TEST(column(*c, first, "notified") == "false");
}

BOOST_AUTO_TEST_CASE(an_update_asking_again_gets_the_job_it_queued_not_a_second_one) {
  READY_DB_OR_SKIP(db, c);
  auto first = run(*c, enqueue_job{7, "analyze", "42", 100, 5001});
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(!first.repeated);
  auto again = run(*c, enqueue_job{7, "analyze", "42", 100, 5001});
  BOOST_TEST(again.count == first.count);
  BOOST_TEST(again.repeated);
  claim(*c, "a"); // running, even finished: still the same job
  BOOST_TEST(run(*c, enqueue_job{7, "analyze", "42", 0, 5001}).count == first.count); // full too
  auto other = run(*c, enqueue_job{7, "analyze", "42", 100, 5002});
  BOOST_TEST(other.count > first.count); // a refused insert still used a number
  BOOST_TEST(!other.repeated);
  // Without a source update (0) every ask queues a job.
  auto plain = enqueue(*c, 7);
  BOOST_TEST(plain > other.count);
  BOOST_TEST(enqueue(*c, 7) == plain + 1);
  pqxx::nontransaction tx{*c};
  BOOST_TEST(tx.exec1("SELECT count(*) FROM jobs WHERE owner_chat = 7")[0].as<int>() == 4);
}

BOOST_AUTO_TEST_CASE(two_claimers_at_once_never_get_the_same_job) {
  READY_DB_OR_SKIP(db, c);
  std::set<int64_t> queued;
  for (int i = 0; i < 60; ++i)
    queued.insert(enqueue(*c));
  auto claimer = [&db](std::string owner) {
    pqxx::connection own{db->uri()};
    prepare_statements(own);
    std::vector<int64_t> mine;
    for (;;) {
      auto r = run(own, claim_jobs{owner, 2, 30000, 3, "gave up"});
      if (!r.ok() || r.jobs.empty())
        return mine;
      for (auto& j : r.jobs)
        mine.push_back(j.id);
    }
  };
  auto a = std::async(std::launch::async, claimer, "a");
  auto b = std::async(std::launch::async, claimer, "b");
  auto got_a = a.get(), got_b = b.get();
  std::set<int64_t> all(got_a.begin(), got_a.end());
  for (auto id : got_b)
    BOOST_TEST(all.insert(id).second, "job " << id << " claimed by both");
  BOOST_TEST(got_a.size() + got_b.size() == queued.size());
  BOOST_TEST((all == queued));
}

BOOST_AUTO_TEST_CASE(a_claimer_skips_a_job_another_holds_locked_instead_of_waiting) {
  READY_DB_OR_SKIP(db, c);
  auto first = enqueue(*c);
  auto second = enqueue(*c);
  pqxx::connection other{db->uri()};
  pqxx::work holding{other};
  holding.exec_params("SELECT id FROM jobs WHERE id = $1 FOR UPDATE", first); // mid-claim
  {
    pqxx::nontransaction tx{*c};
    tx.exec("SET statement_timeout = '5s'"); // waiting for the lock would fail the claim
  }
  auto r = claim(*c, "b", 2);
  BOOST_REQUIRE_EQUAL(r.jobs.size(), 1u);
  BOOST_TEST(r.jobs.front().id == second);
  holding.abort();
  BOOST_TEST(claim(*c, "b", 2).jobs.front().id == first);
}

BOOST_AUTO_TEST_CASE(an_expired_lease_goes_to_another_owner_and_the_old_result_is_refused) {
  READY_DB_OR_SKIP(db, c);
  auto id = enqueue(*c);
  auto a = claim(*c, "a");
  BOOST_REQUIRE_EQUAL(a.jobs.size(), 1u);
  BOOST_TEST(a.jobs.front().status == "running");
  BOOST_TEST(claim(*c, "b").jobs.empty()); // the lease holds
  BOOST_TEST(run(*c, renew_leases{"a", {id}, 30000}).ids == std::vector<int64_t>{id});
  expire_leases(*c); // "a" was killed
  auto b = claim(*c, "b");
  BOOST_REQUIRE_EQUAL(b.jobs.size(), 1u);
  BOOST_TEST(b.jobs.front().id == id);
  BOOST_TEST(column(*c, id, "attempts") == "2");
  BOOST_TEST(run(*c, renew_leases{"a", {id}, 30000}).ids.empty()); // "a" learns it lost it
  BOOST_TEST(run(*c, set_job_progress{"a", id, "stale"}).count == 0);
  BOOST_TEST(run(*c, finish_job{"a", id, "done", "from a"}).count == 0); // refused
  BOOST_TEST(run(*c, finish_job{"b", id, "done", "from b"}).count == 1);
  BOOST_TEST(run(*c, finish_job{"b", id, "done", "from b"}).count == 1); // a retry is fine
  BOOST_TEST(column(*c, id, "result") == "from b");
  BOOST_TEST(claim(*c, "c").jobs.empty()); // finished: never claimed again
}

BOOST_AUTO_TEST_CASE(a_job_whose_instances_keep_dying_fails_after_max_attempts) {
  READY_DB_OR_SKIP(db, c);
  auto id = enqueue(*c);
  BOOST_TEST(claim(*c, "a", 1, 2).jobs.size() == 1u);
  expire_leases(*c);
  BOOST_TEST(claim(*c, "b", 1, 2).jobs.size() == 1u); // attempt 2
  expire_leases(*c);
  auto r = claim(*c, "c", 1, 2);
  BOOST_TEST(r.jobs.empty());
  BOOST_TEST(r.count == 1); // failed now
  BOOST_TEST(column(*c, id, "status") == "failed");
  BOOST_TEST(column(*c, id, "result") == "gave up");
  auto told = run(*c, unnotified_jobs{10});
  BOOST_REQUIRE_EQUAL(told.jobs.size(), 1u); // its owner hears of it
  BOOST_TEST(told.jobs.front().id == id);
}

BOOST_AUTO_TEST_CASE(a_result_is_listed_for_sending_until_marked_told_once) {
  READY_DB_OR_SKIP(db, c);
  auto id = enqueue(*c, 7);
  auto other = enqueue(*c, 8);
  claim(*c, "a", 2);
  BOOST_TEST(run(*c, unnotified_jobs{10}).jobs.empty()); // nothing finished yet
  BOOST_TEST(run(*c, finish_job{"a", id, "done", "<b>report</b>"}).count == 1);
  auto first = run(*c, unnotified_jobs{10});
  BOOST_REQUIRE_EQUAL(first.jobs.size(), 1u);
  BOOST_TEST(first.jobs.front().owner_chat == 7);
  BOOST_TEST(first.jobs.front().result == "<b>report</b>");
  BOOST_TEST(run(*c, unnotified_jobs{10}).jobs.size() == 1u); // not told yet: listed again
  BOOST_TEST(run(*c, mark_notified{id}).count == 1);
  BOOST_TEST(run(*c, finish_job{"a", id, "done", "<b>report</b>"}).count == 1); // a late retry
  BOOST_TEST(run(*c, unnotified_jobs{10}).jobs.empty());                        // told once
  BOOST_TEST(run(*c, finish_job{"a", other, "failed", "broke"}).count == 1);
  BOOST_TEST(run(*c, unnotified_jobs{10}).jobs.front().id == other);
}

BOOST_AUTO_TEST_CASE(a_cancelled_job_stops_being_its_runners_and_only_its_owner_may_cancel) {
  READY_DB_OR_SKIP(db, c);
  auto queued = enqueue(*c, 1);
  auto running = enqueue(*c, 1);
  run(*c, cancel_job{queued, 1, "by you"}); // queued: never claimed
  BOOST_TEST(claim(*c, "a", 5).jobs.front().id == running);
  BOOST_TEST(run(*c, cancel_job{running, 2, "x"}).count == 0); // not chat 2's
  auto cancelled = run(*c, cancel_job{running, 1, "by you"});
  BOOST_TEST(cancelled.count == 1);
  BOOST_TEST(cancelled.ids == std::vector<int64_t>{running});
  BOOST_TEST(run(*c, cancel_job{running, 1, "by you"}).ids.empty()); // already finished
  BOOST_TEST(run(*c, renew_leases{"a", {running}, 30000}).ids.empty());
  BOOST_TEST(run(*c, finish_job{"a", running, "done", "late"}).count == 0);
  BOOST_TEST(run(*c, unnotified_jobs{10}).jobs.size() == 2u); // both owners are told
}

BOOST_AUTO_TEST_SUITE_END()
