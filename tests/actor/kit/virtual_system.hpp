// An actor system under virtual time: the test scheduler (test_coordinator)
// runs every message on the test's thread, and timers fire only when the test
// advances the clock. Nothing sleeps; a run gives the same result every time.
//
//   test::virtual_system vs;
//   auto cache = spawn_cache(*vs.sys, config);
//   vs.run();                       // runs everything queued, until idle
//   vs.advance(std::chrono::minutes{5}); // fires the timers due by then, runs
//   auto stats = vs.ask<cache_stats>(cache, stats_atom::value);
#pragma once

#include "messages/type_ids.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <filesystem>
#include <memory>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>
#include <unistd.h>

namespace phoenix::test {

struct virtual_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  virtual_system() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.add_message_types<caf::id_block::phoenix_messages>();
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    // An actor a test left running must not hang the test's end.
    sys->await_actors_before_shutdown(false);
  }

  /// Runs every queued message (and what it causes) until nothing is left.
  void run() { sched->run(); }

  /// Advances virtual time, firing the timers due, and runs until idle.
  void advance(caf::timespan d) {
    sched->advance_time(d);
    sched->run();
  }

  /// Advances virtual time in steps, so timers armed while the actors run
  /// (a paced sender's next slot, a few ms ahead) fire within `d` as well.
  void advance_in_steps(caf::timespan d, caf::timespan step = std::chrono::milliseconds{5}) {
    for (caf::timespan done{0}; done < d; done += step)
      advance(std::min(step, d - done));
  }

  /// The virtual clock's now (what actors see as self->clock().now()).
  caf::actor_clock::time_point now() { return sched->clock().now(); }

  /// Sends a request, runs until idle and returns the answer (fails the test
  /// on an error or when no answer came).
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

/// Captures every log line of the test (spdlog's default logger) for checks.
struct captured_log {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> before = spdlog::default_logger();

  captured_log() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  // The logger writes into `text`: it must not outlive it.
  ~captured_log() { spdlog::set_default_logger(before); }
  captured_log(const captured_log&) = delete;
  captured_log& operator=(const captured_log&) = delete;

  /// Number of log lines containing `part`.
  size_t lines_with(const std::string& part) const {
    std::istringstream in{text.str()};
    size_t n = 0;
    for (std::string line; std::getline(in, line);)
      n += line.find(part) != std::string::npos ? 1 : 0;
    return n;
  }
};

/// A folder of its own per test, removed afterwards.
struct temp_folder {
  std::filesystem::path path;
  explicit temp_folder(const std::string& tag) {
    path = std::filesystem::temp_directory_path() /
           ("phoenix-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

} // namespace phoenix::test
