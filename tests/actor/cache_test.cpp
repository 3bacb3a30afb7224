#include "core/cache/snapshot_file.hpp"
#include "tests/actor/cache_fixture.hpp"
#include "tests/no_free_descriptors.hpp"

#include <fstream>

using namespace phoenix;
using namespace phoenix::test;
using namespace std::chrono_literals;
using keys = std::vector<std::string>;

namespace {

// A put handled before the other queued messages (the writer's answer).
void put_first_into(virtual_system& vs, const cache_actor& cache, const std::string& key,
                    const std::string& value) {
  caf::anon_send(cache, cache_put_atom::value, key, value, caf::timespan{1h});
  BOOST_REQUIRE(vs.sched->prioritize(cache));
  vs.sched->run_once();
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(cache_actor_tests, cache_fixture)

BOOST_AUTO_TEST_CASE(put_is_memory_only_until_the_interval) {
  start();
  put("a", "1", 1h);
  vs->advance(5min - 1ms);
  BOOST_TEST(!fs::exists(path));
  BOOST_TEST(stats().flushes == 0u);
  BOOST_TEST(stats().dirty);
  vs->advance(1ms);
  BOOST_TEST(stats().flushes == 1u);
  BOOST_TEST(!stats().dirty);
  BOOST_TEST((keys_on_disk() == keys{"a"}));
}

BOOST_AUTO_TEST_CASE(clean_cache_writes_nothing) {
  start();
  vs->advance(5min);
  vs->advance(5min);
  BOOST_TEST(!fs::exists(path));
  put("a", "1", 1h);
  vs->advance(5min);
  auto written = fs::last_write_time(path);
  vs->advance(5min); // clean again: exactly one write in all
  vs->advance(5min);
  BOOST_TEST(stats().flushes == 1u);
  BOOST_TEST((fs::last_write_time(path) == written));
}

BOOST_AUTO_TEST_CASE(get_answers_hit_with_age_and_expired_is_a_miss) {
  start();
  BOOST_TEST(!get("a").hit);
  put("a", "1", 10s);
  vs->advance(9s);
  auto hit = get("a");
  BOOST_TEST(hit.hit);
  BOOST_TEST(hit.value() == "1");
  BOOST_TEST((hit.age == caf::timespan{9s}));
  vs->advance(1s);
  BOOST_TEST(!get("a").hit);
  BOOST_TEST(stats().expirations == 1u);
  BOOST_TEST(stats().entries == 0u);
}

BOOST_AUTO_TEST_CASE(lru_eviction_at_max_entries) {
  config.limits.max_entries = 2;
  start();
  put("a", "1", 1h);
  put("b", "2", 1h);
  BOOST_TEST(get("a").hit);
  put("c", "3", 1h);
  BOOST_TEST(!get("b").hit);
  BOOST_TEST(get("a").hit);
  BOOST_TEST(get("c").hit);
  BOOST_TEST(stats().evictions == 1u);
  BOOST_TEST(stats().entries == 2u);
}

BOOST_AUTO_TEST_CASE(failed_write_keeps_dirty_and_the_old_file_then_retries) {
  start();
  put("a", "1", 1h);
  vs->advance(5min);
  BOOST_TEST((keys_on_disk() == keys{"a"}));
  put("b", "2", 1h);
  {
    // No free file descriptor: the temp file (a new name each time) cannot be created.
    // The writer runs on this thread under the test scheduler.
    phoenix::test::no_free_descriptors no_descriptors;
    vs->advance(5min);
  }
  auto s = stats();
  BOOST_TEST(s.flush_failures == 1u);
  BOOST_TEST(s.dirty);
  BOOST_TEST((keys_on_disk() == keys{"a"}));
  BOOST_TEST(log_lines_with("flush to") == 1u);
  vs->advance(5min);
  BOOST_TEST(stats().flushes == 2u);
  BOOST_TEST(!stats().dirty);
  BOOST_TEST((keys_on_disk() == keys{"a", "b"}));
  BOOST_TEST(log_lines_with("flush to") == 1u);
}

BOOST_AUTO_TEST_CASE(put_during_a_flush_is_not_lost) {
  start();
  put("a", "1", 1h);
  vs->sched->advance_time(5min);
  vs->sched->run_once(); // the cache handles its tick and hands the snapshot over
  caf::anon_send(cache, cache_put_atom::value, std::string{"b"}, std::string{"2"},
                 caf::timespan{1h});
  BOOST_REQUIRE(vs->sched->prioritize(cache));
  vs->sched->run_once(); // the put lands before the writer confirms
  vs->sched->run();      // the writer writes the older snapshot and confirms
  BOOST_TEST((keys_on_disk() == keys{"a"}));
  BOOST_TEST(stats().dirty);
  vs->advance(5min);
  BOOST_TEST((keys_on_disk() == keys{"a", "b"}));
  BOOST_TEST(!stats().dirty);
}

BOOST_AUTO_TEST_CASE(flush_now_answers_once_the_data_is_on_disk) {
  start();
  auto clean = vs->ask<flush_report>(cache, flush_now_atom::value);
  BOOST_TEST(!clean.written);
  put("a", "1", 1h);
  auto report = vs->ask<flush_report>(cache, flush_now_atom::value);
  BOOST_TEST(report.written);
  BOOST_TEST(report.entries == 1u);
  BOOST_TEST(report.bytes == fs::file_size(path));
  BOOST_TEST((keys_on_disk() == keys{"a"}));
}

BOOST_AUTO_TEST_CASE(flush_now_during_a_tick_write_answers_once_the_newer_data_is_on_disk) {
  start();
  put("a", "1", 1h);
  vs->sched->advance_time(5min);
  vs->sched->run_once();                // the tick hands the snapshot {a} to the writer
  put_first_into(*vs, cache, "b", "2"); // lands before the writer confirms
  caf::scoped_actor caller{*vs->sys, true};
  caller->send(cache, flush_now_atom::value);
  BOOST_REQUIRE(vs->sched->prioritize(cache));
  vs->sched->run_once(); // flush_now waits: {a} being written lacks b
  vs->sched->run();      // {a} written, then {a, b}, then the answer
  BOOST_REQUIRE_EQUAL(caller->mailbox().size(), 1u);
  caller->receive([](const flush_report& report) {
    BOOST_TEST(report.written);
    BOOST_TEST(report.entries == 2u);
  });
  BOOST_TEST((keys_on_disk() == keys{"a", "b"}));
  BOOST_TEST(stats().flushes == 2u);
  BOOST_TEST(!stats().dirty);
}

BOOST_AUTO_TEST_CASE(an_external_tick_starts_no_second_timer_chain) {
  start();
  vs->advance(150s);
  put("a", "1", 1h);
  caf::anon_send(cache, flush_tick_atom::value); // at 2.5 min, from outside
  vs->sched->run();
  BOOST_TEST(stats().flushes == 1u);
  put("b", "2", 1h);
  vs->advance(150s); // 5 min: our own chain
  BOOST_TEST(stats().flushes == 2u);
  put("c", "3", 1h);
  vs->advance(150s); // 7.5 min: a second chain would write here
  BOOST_TEST(stats().flushes == 2u);
  vs->advance(150s); // 10 min
  BOOST_TEST(stats().flushes == 3u);
}

BOOST_AUTO_TEST_CASE(corrupt_snapshot_is_moved_aside_and_the_cache_starts_empty) {
  { std::ofstream{path} << "PHXCACHE but then nonsense"; }
  start();
  BOOST_TEST(stats().entries == 0u);
  BOOST_TEST(!fs::exists(path));
  size_t aside = 0;
  for (auto& f : fs::directory_iterator{folder.path})
    aside += f.path().string().find(path + ".corrupt-") == 0 ? 1 : 0;
  BOOST_TEST(aside == 1u);
  BOOST_TEST(log_lines_with("is unusable") == 1u);
  put("a", "1", 1h); // and the cache works
  BOOST_TEST(get("a").hit);
}

BOOST_AUTO_TEST_CASE(truncated_snapshot_is_moved_aside) {
  start();
  put("a", std::string(1000, 'x'), 1h);
  vs->ask<flush_report>(cache, flush_now_atom::value);
  stop();
  fs::resize_file(path, fs::file_size(path) - 100);
  start();
  BOOST_TEST(stats().entries == 0u);
  BOOST_TEST(log_lines_with("truncated") == 1u);
}

BOOST_AUTO_TEST_CASE(restart_round_trip_through_orderly_shutdown) {
  start();
  put("fixture:1", "{\"home\":\"M\xC3\xBCnchen\"}", 1h);
  put("fixture:2", "two", 10min);
  put("short", "gone soon", 1s);
  vs->advance(2s); // "short" expires in memory
  lifecycle_parts parts;
  parts.cache = cache;
  auto root = vs->sys->spawn(lifecycle, parts, caf::timespan{30s}, nullptr);
  caf::anon_send(root, shutdown_atom::value);
  vs->sched->run();
  BOOST_TEST(log_lines_with("cache on disk (2 entries") == 1u);
  cache = nullptr;
  vs.reset(); // the first actor system is gone
  start();    // a new one loads the snapshot
  auto one = get("fixture:1");
  BOOST_TEST(one.hit);
  BOOST_TEST(one.value() == "{\"home\":\"M\xC3\xBCnchen\"}");
  BOOST_TEST((one.age >= caf::timespan{2s}));
  BOOST_TEST(get("fixture:2").value() == "two");
  BOOST_TEST(!get("short").hit);
  BOOST_TEST(stats().entries == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
