// phoenix-bot: reads and checks the configuration, starts the actors, and
// turns SIGINT/SIGTERM into the orderly shutdown of the lifecycle actor.
#include "actors/api_fetcher.hpp"
#include "actors/cache.hpp"
#include "actors/football.hpp"
#include "app/config.hpp"
#include "app/lifecycle.hpp"
#include "app/logging.hpp"

#include <caf/all.hpp>
#include <csignal>
#include <iostream>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace {

using namespace phoenix;

// Exit codes: 0 orderly stop, 1 forced stop (second signal), 2 bad configuration.
constexpr int exit_forced = 1;

// How long shutdown waits for the cache to reach disk before stopping anyway.
constexpr auto shutdown_flush_deadline = std::chrono::seconds{30};

std::shared_ptr<const core::redactor> make_redactor(const settings& values) {
  auto redactor = std::make_shared<core::redactor>();
  for (auto& spec : option_specs())
    if (spec.secret)
      redactor->add_secret(values.*std::get<std::string settings::*>(spec.field));
  return redactor;
}

cache_config cache_config_of(const settings& values) {
  cache_config config;
  config.path = values.cache_path;
  config.flush_interval = values.cache_flush_interval;
  config.limits.max_entries = static_cast<size_t>(values.cache_max_entries);
  config.limits.max_bytes = static_cast<size_t>(values.cache_max_bytes);
  config.limits.stale_for = values.cache_stale_for;
  return config;
}

// The football front and its fetchers, sharing one HTTP client.
football_actor spawn_football(caf::actor_system& sys, const settings& values, cache_actor cache,
                              std::shared_ptr<core::http_client> http) {
  if (values.football_api_key.empty())
    spdlog::warn("football.api-key is not set (API_FOOTBALL_KEY): football data will fail");
  api_fetcher_config fetcher;
  fetcher.api_url = values.football_api_url;
  while (!fetcher.api_url.empty() && fetcher.api_url.back() == '/')
    fetcher.api_url.pop_back();
  fetcher.api_key = values.football_api_key;
  fetcher.request_timeout = values.football_request_timeout;
  fetcher.retries = static_cast<int>(values.football_retries);
  fetcher.ttl = {values.football_ttl_live, values.football_ttl_stats, values.football_ttl_finished,
                 values.football_ttl_fixtures};
  fetcher.http = std::move(http);
  std::vector<api_fetcher_actor> fetchers;
  for (int64_t i = 0; i < values.fetchers_count; ++i)
    fetchers.push_back(sys.spawn(api_fetcher, fetcher));
  football_config config;
  config.fetch_timeout = values.football_request_timeout + std::chrono::seconds{5};
  auto front = sys.spawn(football, std::move(cache), fetchers, config);
  // The fetchers live as long as the front.
  for (auto& f : fetchers)
    front->attach_functor(
        [f](const caf::error&) { caf::anon_send_exit(f, caf::exit_reason::user_shutdown); });
  return front;
}

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2); // sent by main itself to end the signal thread
  return set;
}

// Waits for signals on its own thread: the first SIGINT/SIGTERM starts the
// orderly shutdown, a second one forces the exit.
void wait_for_signals(lifecycle_actor root) {
  auto set = shutdown_signals();
  bool asked = false;
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0 || sig == SIGUSR2)
      return;
    if (asked) {
      spdlog::warn("second signal: exiting without waiting for shutdown to finish");
      spdlog::default_logger()->flush();
      std::_Exit(exit_forced);
    }
    asked = true;
    spdlog::info("received {}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    caf::anon_send(root, shutdown_atom::value);
  }
}

} // namespace

int main(int argc, char** argv) {
  phoenix_config cfg;
  auto outcome = load_config(cfg, std::vector<std::string>(argv + 1, argv + argc), process_env());
  if (outcome.help_printed)
    return 0;
  if (outcome.exit_code != 0) {
    for (auto& line : outcome.problems)
      std::cerr << "phoenix-bot: config error: " << line << '\n';
    return outcome.exit_code;
  }
  auto& values = cfg.values;
  setup_logging({values.log_level, values.log_format}, make_redactor(values));
  spdlog::info("phoenix-bot starting");
  for (auto& line : describe(values))
    spdlog::debug("config: {}", line);

  // Block the signals before CAF starts its threads so that only the signal
  // thread ever receives them.
  auto signals = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  caf::actor_system sys{cfg};
  auto cache = spawn_cache(sys, cache_config_of(values));
  auto http = std::make_shared<core::http_client>(core::http_client_options{
      static_cast<size_t>(values.net_io_threads),
      static_cast<size_t>(values.net_max_connections_per_host), true, ""});
  auto football = spawn_football(sys, values, cache, http);
  auto root =
      sys.spawn(lifecycle, cache, std::vector<caf::actor>{caf::actor_cast<caf::actor>(football)},
                caf::timespan{shutdown_flush_deadline});
  std::thread signal_thread{wait_for_signals, root};
  spdlog::info("phoenix-bot running; SIGINT or SIGTERM stops it");
  cache = nullptr;
  football = nullptr;
  root = nullptr;
  sys.await_all_actors_done();
  pthread_kill(signal_thread.native_handle(), SIGUSR2);
  signal_thread.join();
  spdlog::info("phoenix-bot stopped");
  return 0;
}
