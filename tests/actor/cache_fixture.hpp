// A cache under virtual time (tests/actor/kit) whose writer runs on the test
// scheduler, and the log captured.
#pragma once

#include "actors/cache.hpp"
#include "app/lifecycle.hpp"
#include "core/cache/snapshot_file.hpp"
#include "tests/actor/kit/virtual_system.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <filesystem>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>

namespace phoenix::test {

namespace fs = std::filesystem;

struct cache_fixture {
  temp_folder folder{"cache-test"};
  std::string path = (folder.path / "cache.snapshot").string();
  captured_log log;
  std::unique_ptr<virtual_system> vs;
  cache_actor cache;
  cache_config config;

  cache_fixture() {
    config.path = path;
    config.flush_interval = std::chrono::minutes{5};
    config.detached_writer = false; // the writer runs under the test scheduler
  }

  ~cache_fixture() { stop(); }

  void start() {
    vs = std::make_unique<virtual_system>();
    cache = spawn_cache(*vs->sys, config);
    vs->sched->run();
  }

  void stop() {
    if (!vs)
      return;
    caf::anon_send_exit(cache, caf::exit_reason::user_shutdown);
    vs->sched->run();
    cache = nullptr;
    vs.reset();
  }

  void put(const std::string& key, const std::string& value, caf::timespan ttl) {
    caf::anon_send(cache, cache_put_atom::value, key, value, ttl);
    vs->sched->run();
  }

  cache_lookup get(const std::string& key) {
    return vs->ask<cache_lookup>(cache, cache_get_atom::value, key);
  }

  cache_stats stats() { return vs->ask<cache_stats>(cache, stats_atom::value); }

  /// Number of log lines containing `text`.
  size_t log_lines_with(const std::string& text) const { return log.lines_with(text); }

  /// The keys in the snapshot file now (decoded with the real format).
  std::vector<std::string> keys_on_disk() const {
    auto loaded =
        core::load_snapshot_file(path, core::steady_time{}, std::chrono::system_clock::now());
    std::vector<std::string> keys;
    for (auto& e : loaded.entries)
      keys.push_back(e->key);
    return keys;
  }
};

} // namespace phoenix::test
