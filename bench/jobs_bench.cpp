// jobs_bench: churns short jobs through the real job registry with a short
// TTL and reap interval, and prints the registry's job count and the process
// RSS as it goes. Target: RSS flat (within 10% after warm-up).
//
// Usage: build/bin/jobs_bench [jobs=1000000]
#include "actors/job_registry.hpp"
#include "app/config.hpp"

#include <caf/all.hpp>
#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace phoenix;
using namespace std::chrono_literals;

namespace {

long rss_kib() {
  std::ifstream statm{"/proc/self/statm"};
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// A job that is done as soon as it starts.
caf::behavior instant_job(caf::event_based_actor* self, job_registry_actor registry, int64_t id) {
  self->send(registry, job_done_atom::value, id, true, std::string{"report"});
  self->quit();
  return {[](caf::ok_atom) {}};
}

} // namespace

int main(int argc, char** argv) {
  long total = argc > 1 ? std::stol(argv[1]) : 1000000;
  phoenix_config cfg;
  caf::actor_system sys{cfg};
  job_registry_config config;
  config.limits = {64, 10000, std::chrono::milliseconds{200}, 1000};
  config.reap_interval = 100ms;
  config.runners["instant"] = [](caf::local_actor* spawner, job_registry_actor registry,
                                 const core::job_record& job) -> caf::actor {
    return spawner->spawn(instant_job, registry, job.id);
  };
  auto registry = sys.spawn(job_registry, config);
  caf::scoped_actor self{sys};
  auto report = [&](long done) {
    job_stats s;
    self->request(registry, 10s, stats_atom::value)
        .receive([&](job_stats& x) { s = x; }, [](caf::error&) {});
    std::printf("%8ld jobs created: in memory %5llu finished + %4llu running/queued, reaped %8llu, "
                "RSS %6ld KiB\n",
                done, static_cast<unsigned long long>(s.finished_in_memory),
                static_cast<unsigned long long>(s.running + s.queued),
                static_cast<unsigned long long>(s.reaped), rss_kib());
    std::fflush(stdout);
  };
  std::printf("jobs_bench: %ld jobs, ttl 200 ms, reap every 100 ms, at most 1000 finished kept\n",
              total);
  report(0);
  constexpr long batch = 2000; // creates in flight at once (the queue holds 10,000)
  auto started = std::chrono::steady_clock::now();
  long created = 0, next_report = total / 4;
  while (created < total) {
    long n = std::min(batch, total - created);
    for (long i = 0; i < n; ++i)
      self->send(registry, job_create_atom::value, int64_t{1}, int64_t{0}, std::string{"instant"},
                 std::string{"1"});
    long refused = 0;
    for (long i = 0; i < n; ++i)
      self->receive([&](job_reply& r) { refused += r.ok ? 0 : 1; });
    created += n - refused;
    if (created >= next_report) {
      report(created);
      next_report += total / 4;
    }
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%ld jobs in %.1f s (%.0f jobs/s)\n", total, seconds, total / seconds);
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  return 0;
}
