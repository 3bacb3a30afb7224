// The job registry under virtual time: the reaper, limits, failing and slow workers.
#include "actors/job_registry.hpp"
#include "core/jobs/job_text.hpp"
#include "tests/actor/cache_fixture.hpp"
#include "tests/actor/kit/scripted_actor.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <set>

using namespace phoenix;
using namespace phoenix::test;
using namespace std::chrono_literals;

namespace {

// Workers for the tests: one that finishes at once, one that runs until it
// is stopped, one that throws.
caf::behavior quick_worker(caf::event_based_actor* self, job_registry_actor registry, int64_t id) {
  self->send(registry, job_done_atom::value, id, true, std::string{"<b>report</b>"});
  self->quit();
  return {[](caf::ok_atom) {}};
}

caf::behavior endless_worker(caf::event_based_actor*) {
  return {[](caf::ok_atom) {}};
}

caf::behavior failing_worker(caf::event_based_actor*) {
  throw std::runtime_error("the worker broke");
}

template <class Fn, class... Extra> job_runner runner_of(Fn fn) {
  return [fn](caf::local_actor* spawner, job_registry_actor registry,
              const core::job_record& job) -> caf::actor {
    if constexpr (std::is_invocable_v<Fn, caf::event_based_actor*, job_registry_actor, int64_t>)
      return spawner->spawn(fn, registry, job.id);
    else
      return spawner->spawn(fn);
  };
}

struct registry_fixture {
  virtual_system vs;
  job_registry_config config;
  job_registry_actor registry;

  registry_fixture() {
    config.limits = {2, 2, 1h, 1000};
    config.reap_interval = 10min;
    config.timeout = 24h;
    config.runners["quick"] = runner_of(quick_worker);
    config.runners["endless"] = runner_of(endless_worker);
    config.runners["failing"] = runner_of(failing_worker);
  }

  void start() {
    registry = vs.sys->spawn(job_registry, config);
    vs.sched->run();
  }

  ~registry_fixture() {
    caf::anon_send_exit(registry, caf::exit_reason::kill);
    vs.sched->run();
  }

  job_reply create(const std::string& kind, int64_t owner = 1) {
    return vs.ask<job_reply>(registry, job_create_atom::value, owner, int64_t{0}, kind,
                             std::string{"7"});
  }

  job_reply get(int64_t id, int64_t owner = 1) {
    return vs.ask<job_reply>(registry, job_get_atom::value, id, owner);
  }

  std::string status(int64_t id) {
    auto r = get(id);
    return r.ok ? r.jobs.front().status : "gone";
  }

  job_stats stats() { return vs.ask<job_stats>(registry, stats_atom::value); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(job_registry_tests, registry_fixture)

BOOST_AUTO_TEST_CASE(the_reaper_removes_finished_jobs_at_the_first_tick_after_the_ttl) {
  start();
  auto done = create("quick").id;
  auto running = create("endless").id;
  BOOST_TEST(status(done) == "done");
  vs.advance(50min); // ticks at 10..50 min: nothing is old enough
  BOOST_TEST(status(done) == "done");
  vs.advance(10min); // the tick at 60 min: one hour after it finished
  BOOST_TEST(status(done) == "gone");
  BOOST_TEST(stats().reaped == 1u);
  vs.advance(5h);
  BOOST_TEST(status(running) == "running"); // never reaped
}

BOOST_AUTO_TEST_CASE(the_size_cap_keeps_the_newest_finished_jobs) {
  config.limits.max_finished = 3;
  config.limits.max_running = 1;
  config.limits.queue_max = 10;
  start();
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(create("quick").id);
  vs.advance(10min);
  BOOST_TEST(status(ids[0]) == "gone");
  BOOST_TEST(status(ids[1]) == "gone");
  for (int i = 2; i < 5; ++i)
    BOOST_TEST(status(ids[i]) == "done");
}

BOOST_AUTO_TEST_CASE(a_reap_sent_from_outside_starts_no_second_timer_chain) {
  config.limits.ttl = 12min;
  start();
  vs.advance(1min);
  auto id = create("quick").id; // finished at 1 min: expires at 13 min
  vs.advance(4min);
  caf::anon_send(registry, reap_atom::value); // at 5 min, from outside
  vs.sched->run();
  // Time moves in steps no longer than the interval: a tick runs at the
  // virtual time the test stopped at, not at its due time.
  vs.advance(5min); // 10 min: our tick, the job is 9 min old
  BOOST_TEST(status(id) == "done");
  vs.advance(6min); // 16 min: a chain started at 5 min would have reaped at 15
  BOOST_TEST(status(id) == "done");
  vs.advance(4min); // 20 min: our own tick
  BOOST_TEST(status(id) == "gone");
}

BOOST_AUTO_TEST_CASE(max_running_and_the_queue_bound) {
  start();
  for (int i = 0; i < 4; ++i)
    BOOST_TEST(create("endless").ok);
  auto refused = create("endless");
  BOOST_TEST(!refused.ok);
  BOOST_TEST(refused.message.find("busy") != std::string::npos);
  auto s = stats();
  BOOST_TEST(s.running == 2u);
  BOOST_TEST(s.queued == 2u);
  BOOST_TEST(s.rejected == 1u);
}

BOOST_AUTO_TEST_CASE(a_worker_that_throws_fails_its_job_and_the_registry_lives_on) {
  start();
  auto id = create("failing").id;
  BOOST_TEST(status(id) == "failed");
  BOOST_TEST(get(id).jobs.front().result.find("stopped unexpectedly") != std::string::npos);
  auto next = create("quick");
  BOOST_TEST(next.ok);
  BOOST_TEST(status(next.id) == "done");
}

BOOST_AUTO_TEST_CASE(a_job_past_the_timeout_is_cancelled) {
  config.timeout = 2min;
  start();
  auto id = create("endless").id;
  vs.advance(1min);
  BOOST_TEST(status(id) == "running");
  vs.advance(1min);
  BOOST_TEST(status(id) == "cancelled");
  BOOST_TEST(stats().running == 0u);
}

BOOST_AUTO_TEST_CASE(only_the_owner_sees_and_cancels_a_job) {
  start();
  auto id = create("endless", 1).id;
  BOOST_TEST(!get(id, 2).ok);
  auto theirs = vs.ask<job_reply>(registry, job_cancel_atom::value, id, int64_t{2});
  BOOST_TEST(!theirs.ok);
  BOOST_TEST(status(id) == "running");
  auto mine = vs.ask<job_reply>(registry, job_cancel_atom::value, id, int64_t{1});
  BOOST_TEST(mine.ok);
  BOOST_TEST(status(id) == "cancelled");
}

// The shared queue as the database keeps it (one instance's view): enough of
// the job operations' meaning to drive the registry.
struct fake_queue {
  std::map<int64_t, core::db::job_row> jobs;
  std::map<int64_t, std::string> lease_owner;
  std::set<int64_t> told;
  std::vector<std::string> ops; ///< names, in order
  bool leases_lost = false;     ///< another instance took every job

  std::optional<caf::message> operator()(const caf::message& m) {
    namespace db = core::db;
    auto& op = m.get_as<db::operation>(1);
    ops.push_back(db::name_of(op));
    db::reply r;
    if (auto* o = std::get_if<db::enqueue_job>(&op)) {
      r.count = 40 + static_cast<int64_t>(jobs.size()) + 1;
      jobs[r.count] = db::job_row{r.count, o->owner_chat, o->kind, o->parameters, "queued"};
    } else if (auto* o = std::get_if<db::claim_jobs>(&op)) {
      for (auto& [id, row] : jobs)
        if (row.status == "queued" && static_cast<int64_t>(r.jobs.size()) < o->limit) {
          row.status = "running";
          lease_owner[id] = o->owner;
          r.jobs.push_back(row);
        }
    } else if (auto* o = std::get_if<db::renew_leases>(&op)) {
      if (!leases_lost)
        r.ids = o->ids;
    } else if (auto* o = std::get_if<db::finish_job>(&op)) {
      if (!leases_lost && lease_owner[o->id] == o->owner) {
        jobs[o->id].status = o->status;
        jobs[o->id].result = o->result;
        r.count = 1;
      }
    } else if (std::get_if<db::unnotified_jobs>(&op)) {
      for (auto& [id, row] : jobs)
        if ((row.status == "done" || row.status == "failed") && told.count(id) == 0)
          r.jobs.push_back(row);
    } else if (auto* o = std::get_if<db::mark_notified>(&op))
      told.insert(o->id);
    return caf::make_message(r);
  }

  size_t count(const std::string& name) const { return std::count(ops.begin(), ops.end(), name); }
};

struct queue_fixture : registry_fixture {
  fake_queue queue;
  scripted<db_pool_actor> db{vs};
  scripted<telegram_sender_actor> sender{vs};

  queue_fixture() {
    db.answer_with([this](const caf::message& m) { return queue(m); });
    sender.answer_with([](const caf::message&) { return caf::make_message(send_report{true}); });
    config.db = db.handle();
    config.sender = sender.handle();
    config.instance = "here";
    config.claim_interval = 1s;
    config.await_leadership = true; // a standby
  }
};

BOOST_FIXTURE_TEST_CASE(a_standby_runs_queued_jobs_and_only_the_active_instance_sends_results,
                        queue_fixture) {
  start();
  auto created = create("quick");
  BOOST_TEST(created.ok);
  BOOST_TEST(created.id == 41);                // numbered by the database
  BOOST_TEST(queue.jobs[41].status == "done"); // claimed, run here, finished under our lease
  BOOST_TEST(queue.count("finish_job") == 1u);
  vs.advance(5s);
  BOOST_TEST(sender.count() == 0u); // a standby never talks to Telegram
  BOOST_TEST(queue.count("unnotified_jobs") == 0u);
  caf::anon_send(registry, leader_atom::value, int64_t{3});
  vs.sched->run();
  BOOST_TEST(sender.count() == 1u);
  BOOST_TEST(queue.told.count(41) == 1u); // marked after Telegram answered
  vs.advance(5s);
  BOOST_TEST(sender.count() == 1u);             // told once
  BOOST_TEST(stats().finished_in_memory == 1u); // the reaper still bounds what ran here
  vs.advance(2h);
  BOOST_TEST(stats().reaped == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_job_whose_lease_was_lost_stops_here_and_its_result_is_not_written,
                        queue_fixture) {
  start();
  auto id = create("endless").id;
  BOOST_TEST(stats().running == 1u);
  vs.advance(1s);
  BOOST_TEST(queue.count("renew_leases") == 1u);
  BOOST_TEST(stats().running == 1u);
  queue.leases_lost = true; // this instance paused past its lease; another took the job
  vs.advance(1s);
  BOOST_TEST(stats().running == 0u);
  BOOST_TEST(queue.count("finish_job") == 0u);
  BOOST_TEST(queue.jobs[id].status == "running"); // the new holder's to finish
}

BOOST_AUTO_TEST_SUITE_END()
