// A deterministic actor system (test_coordinator, virtual time) with a cache
// whose writer runs on the test scheduler, and the log captured.
#pragma once

#include "actors/cache.hpp"
#include "app/lifecycle.hpp"
#include "core/snapshot_file.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <filesystem>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>

namespace phoenix::test {

namespace fs = std::filesystem;

/// A folder of its own per test, removed afterwards.
struct temp_folder {
  fs::path path;
  explicit temp_folder(const std::string& tag) {
    path = fs::temp_directory_path() / ("phoenix-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_folder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

/// One actor system under virtual time.
struct virtual_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  virtual_system() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.add_message_types<caf::id_block::phoenix_messages>();
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }

  /// Advances virtual time and runs everything that became due.
  void advance(caf::timespan d) {
    sched->advance_time(d);
    sched->run();
  }

  /// Sends a request, runs the scheduler and returns the answer (fails the test on an error).
  template <class Result, class Handle, class... Ts> Result ask(const Handle& dest, Ts&&... xs) {
    caf::scoped_actor self{*sys, true};
    auto handle = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    sched->run();
    Result result{};
    handle.receive([&](Result& x) { result = std::move(x); },
                   [&](caf::error& err) { BOOST_FAIL("request failed: " << sys->render(err)); });
    return result;
  }
};

struct cache_fixture {
  temp_folder folder{"cache-test"};
  std::string path = (folder.path / "cache.snapshot").string();
  std::ostringstream log;
  std::unique_ptr<virtual_system> vs;
  cache_actor cache;
  cache_config config;

  cache_fixture() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
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
  size_t log_lines_with(const std::string& text) const {
    std::istringstream in{log.str()};
    size_t n = 0;
    for (std::string line; std::getline(in, line);)
      n += line.find(text) != std::string::npos ? 1 : 0;
    return n;
  }

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
