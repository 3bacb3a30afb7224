// cache_bench: put and get latency of the cache actor with 100k entries, and
// put latency while a flush of those 100k entries runs (target: the put p99
// during a flush within 2x of the p99 without one).
//
// Usage: build/bin/cache_bench [entries=100000] [value-bytes=300] [ops=20000]
#include "actors/cache.hpp"
#include "app/config.hpp"

#include <algorithm>
#include <atomic>
#include <caf/all.hpp>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

using namespace phoenix;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct summary {
  double p50_us, p99_us, max_us;
  size_t count;
};

summary summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, size_t(q * us.size()))]; };
  return {at(0.50), at(0.99), us.back(), us.size()};
}

void print(const char* what, const summary& s) {
  std::printf("%-28s n=%-7zu p50=%7.1f us  p99=%7.1f us  max=%8.1f us\n", what, s.count, s.p50_us,
              s.p99_us, s.max_us);
}

double micros(clock_type::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

} // namespace

int main(int argc, char** argv) {
  size_t entries = argc > 1 ? std::stoul(argv[1]) : 100000;
  size_t value_bytes = argc > 2 ? std::stoul(argv[2]) : 300;
  size_t ops = argc > 3 ? std::stoul(argv[3]) : 20000;
  auto folder = std::filesystem::temp_directory_path() / "phoenix-cache-bench";
  std::filesystem::remove_all(folder);

  phoenix_config cfg;
  caf::actor_system sys{cfg};
  cache_config config;
  config.path = (folder / "cache.snapshot").string();
  config.flush_interval = 24h; // flushes are started by hand below
  config.limits.max_entries = entries;
  config.limits.max_bytes = size_t{4} << 30;
  auto cache = spawn_cache(sys, config);
  caf::scoped_actor self{sys};
  std::mt19937 rng{42};
  std::string value(value_bytes, 'v');
  auto key = [](size_t i) { return "fixture:" + std::to_string(i); };

  auto put = [&](size_t i) {
    auto t = clock_type::now();
    self->request(cache, caf::infinite, cache_put_atom::value, key(i), value, caf::timespan{1h})
        .receive([] {}, [](caf::error&) {});
    return micros(clock_type::now() - t);
  };
  auto get = [&](size_t i) {
    auto t = clock_type::now();
    self->request(cache, caf::infinite, cache_get_atom::value, key(i))
        .receive([](cache_lookup&) {}, [](caf::error&) {});
    return micros(clock_type::now() - t);
  };

  auto fill_start = clock_type::now();
  for (size_t i = 0; i < entries; ++i)
    caf::anon_send(cache, cache_put_atom::value, key(i), value, caf::timespan{1h});
  put(0); // the mailbox is ordered: once this answers, the fill is done
  std::printf("machine: %u hardware threads; entries=%zu value=%zu bytes\n",
              std::thread::hardware_concurrency(), entries, value_bytes);
  std::printf("fill: %.0f ms\n", micros(clock_type::now() - fill_start) / 1000);

  std::vector<double> put_us, get_us, put_during_us;
  for (size_t n = 0; n < ops; ++n)
    put_us.push_back(put(rng() % entries));
  for (size_t n = 0; n < ops; ++n)
    get_us.push_back(get(rng() % entries));

  // Flushes of the full cache, each with puts running beside it.
  constexpr int rounds = 5;
  std::vector<double> flush_ms;
  uint64_t flush_bytes = 0;
  for (int round = 0; round < rounds; ++round) {
    put(0); // dirty
    std::atomic<bool> flushing{true};
    std::thread flusher{[&] {
      caf::scoped_actor flush_self{sys};
      auto t = clock_type::now();
      flush_self->request(cache, caf::infinite, flush_now_atom::value)
          .receive([&](flush_report& r) { flush_bytes = r.bytes; },
                   [](caf::error& e) { std::fprintf(stderr, "flush failed\n"); });
      flush_ms.push_back(micros(clock_type::now() - t) / 1000);
      flushing = false;
    }};
    auto deadline = clock_type::now() + 30s;
    while (flushing && clock_type::now() < deadline && put_during_us.size() < 50 * ops)
      put_during_us.push_back(put(rng() % entries));
    flusher.join();
  }

  auto p = summarize(put_us), g = summarize(get_us), d = summarize(put_during_us);
  print("put (no flush)", p);
  print("get (no flush)", g);
  print("put (during flush)", d);
  auto f = summarize(flush_ms);
  std::printf("flush of %zu entries: %.1f MB, p50 %.0f ms, max %.0f ms (%d rounds)\n", entries,
              flush_bytes / 1e6, f.p50_us, f.max_us, rounds);
  std::printf("put p99 during flush / without: %.2fx (target <= 2x)\n", d.p99_us / p.p99_us);
  caf::anon_send_exit(cache, caf::exit_reason::user_shutdown);
  std::filesystem::remove_all(folder);
  return 0;
}
