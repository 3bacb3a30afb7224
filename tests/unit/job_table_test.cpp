#include "core/jobs/job_table.hpp"
#include "core/jobs/job_text.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {
const auto wall = std::chrono::system_clock::time_point{std::chrono::hours{400000}};
const auto t0 = std::chrono::steady_clock::time_point{std::chrono::hours{10}};
} // namespace

BOOST_AUTO_TEST_SUITE(job_table_tests)

BOOST_AUTO_TEST_CASE(lifecycle_and_limits) {
  job_table table{{1, 1, 1h, 10}};
  auto a = table.create(1, "analyze", "1", wall);
  auto b = table.create(1, "analyze", "2", wall);
  BOOST_TEST(a.has_value());
  BOOST_TEST(!b.has_value()); // queue of 1 is full
  BOOST_TEST((table.start_next(wall) == a));
  BOOST_TEST(!table.start_next(wall).has_value()); // max_running 1
  BOOST_TEST(table.finish(*a, job_status::done, "ok", wall, t0));
  BOOST_TEST(!table.finish(*a, job_status::failed, "again", wall, t0));
  BOOST_TEST((table.find(*a)->status == job_status::done));
}

BOOST_AUTO_TEST_CASE(reap_by_age_and_by_count_never_touches_unfinished_jobs) {
  job_table table{{10, 10, 1h, 2}};
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(*table.create(1, "k", "", wall));
  for (int i = 0; i < 3; ++i) {
    table.start_next(wall);
    table.finish(ids[i], job_status::done, "", wall, t0 + std::chrono::minutes{i});
  }
  table.start_next(wall);           // ids[3] runs
  BOOST_TEST(table.reap(t0) == 1u); // over the cap of 2: the oldest finished goes
  BOOST_TEST(table.find(ids[0]) == nullptr);
  BOOST_TEST(table.reap(t0 + 61min) == 1u); // ids[1] finished at 1 min: 1 h old
  BOOST_TEST(table.find(ids[2]) != nullptr);
  BOOST_TEST(table.reap(t0 + 10h) == 1u);
  BOOST_TEST(table.find(ids[3]) != nullptr); // running: never reaped
  BOOST_TEST(table.reaped_total() == 3u);
  BOOST_TEST(table.size() == 1u);
}

BOOST_AUTO_TEST_CASE(claimed_jobs_fill_the_free_slots_and_are_reaped_like_the_others) {
  job_table table{{2, 10, 1h, 10}};
  BOOST_TEST(table.free_slots() == 2u);
  job_record job;
  job.id = 57; // the database's number
  job.owner_chat = 3;
  job.kind = "analyze";
  BOOST_TEST(table.start_claimed(job, wall, t0));
  BOOST_TEST(!table.start_claimed(job, wall, t0)); // known already
  job.id = 12;
  BOOST_TEST(table.start_claimed(job, wall, t0));
  job.id = 99;
  BOOST_TEST(!table.start_claimed(job, wall, t0)); // no slot
  BOOST_TEST(table.free_slots() == 0u);
  BOOST_TEST((table.running_ids() == std::vector<int64_t>{12, 57}));
  BOOST_TEST((table.find(57)->status == job_status::running));
  BOOST_TEST(table.finish(57, job_status::done, "ok", wall, t0));
  BOOST_TEST(table.free_slots() == 1u);
  BOOST_TEST(table.reap(t0 + 2h) == 1u);
  BOOST_TEST(table.find(57) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_stored_status_reads_back_and_a_result_row_tells_its_owner) {
  for (auto s : {job_status::queued, job_status::running, job_status::done, job_status::failed,
                 job_status::cancelled})
    BOOST_TEST((job_status_of(to_string(s)) == s));
  BOOST_TEST(!job_status_of("lost").has_value());
  db::job_row row;
  row.id = 8;
  row.status = "failed";
  row.result = attempts_exhausted_result(3);
  BOOST_TEST(job_end_notice(row) ==
             "Job #8 failed: the instance running it stopped 3 time(s); it is not tried again");
  row.status = "done";
  row.result = "<b>report</b>";
  BOOST_TEST(job_end_notice(row) == "<b>report</b>");
}

BOOST_AUTO_TEST_SUITE_END()
