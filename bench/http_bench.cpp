// http_bench: requests/s and latency through core::http_client to the fake
// API-Football on loopback, for 0 ms and 50 ms server latency, 1 and 64
// requests in flight, with keep-alive connection reuse on and off.
//
// Usage: build/bin/http_bench [seconds-per-case=2]
#include "core/http/http_client.hpp"
#include "tests/fakes/fake_api_football.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

using namespace phoenix;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

struct run_result {
  double per_second, p50_ms, p99_ms;
  size_t requests, failures;
};

// Closed loop: `concurrency` chains, each sends its next request when the
// previous answer arrives, until the time is up.
run_result run(const std::string& url, bool reuse, int concurrency, steady::duration length) {
  core::http_client client{{1, static_cast<size_t>(concurrency), reuse, ""}};
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<double> latencies;
  size_t failures = 0;
  int chains = concurrency;
  auto end = steady::now() + length;
  std::function<void()> next = [&] {
    core::http_request request;
    request.url = url;
    request.headers.emplace_back("x-apisports-key", "test-key");
    auto sent = steady::now();
    client.async_request(std::move(request), [&, sent](core::http_result r) {
      auto now = steady::now();
      {
        std::lock_guard<std::mutex> guard{mutex};
        latencies.push_back(std::chrono::duration<double, std::milli>(now - sent).count());
        failures += r.ok() ? 0 : 1;
        if (now >= end) {
          if (--chains == 0)
            cv.notify_all();
          return;
        }
      }
      next();
    });
  };
  auto started = steady::now();
  for (int i = 0; i < concurrency; ++i)
    next();
  std::unique_lock<std::mutex> lock{mutex};
  cv.wait(lock, [&] { return chains == 0; });
  auto seconds = std::chrono::duration<double>(steady::now() - started).count();
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies[std::min(latencies.size() - 1, size_t(q * latencies.size()))];
  };
  return {latencies.size() / seconds, at(0.5), at(0.99), latencies.size(), failures};
}

} // namespace

int main(int argc, char** argv) {
  auto seconds = argc > 1 ? std::stod(argv[1]) : 2.0;
  auto length =
      std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds));
  fakes::fake_api_football fake;
  // A small real answer (the /status object), so the client, not the body size, is measured.
  auto url = fake.base_url() + "/status";
  std::printf("http_bench: %s, %.1f s per case, fake API-Football in this process (1 thread)\n",
              url.c_str(), seconds);
  std::printf("%-8s %-6s %-6s %10s %9s %9s %9s %8s %11s\n", "latency", "inflt", "reuse", "req/s",
              "p50 ms", "p99 ms", "requests", "errors", "connections");
  for (auto latency : {0ms, 50ms}) {
    fake.set_latency(latency);
    for (int concurrency : {1, 64}) {
      for (bool reuse : {true, false}) {
        fake.reset_counters();
        auto r = run(url, reuse, concurrency, length);
        std::printf("%-8s %-6d %-6s %10.0f %9.2f %9.2f %9zu %8zu %11zu\n",
                    (std::to_string(latency.count()) + "ms").c_str(), concurrency,
                    reuse ? "on" : "off", r.per_second, r.p50_ms, r.p99_ms, r.requests, r.failures,
                    fake.connections_accepted());
      }
    }
  }
  return 0;
}
