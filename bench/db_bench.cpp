// db_bench: operations/s of one simple statement (SELECT 1, the ping
// operation) through the db_pool (pool-max 1, 4, 10; 1 and 32 requesters),
// versus a new connection per operation (the old bot's design), versus pgbench
// running the same statement.
//
// Usage: scripts/pg -- build/bin/db_bench [seconds-per-case=2]
#include "actors/db_pool.hpp"
#include "actors/db_worker.hpp"
#include "app/config.hpp"

#include <atomic>
#include <caf/all.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>

using namespace phoenix;
using steady = std::chrono::steady_clock;
namespace db = core::db;

namespace {

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

// `requesters` actors each keep one operation in flight until time is up.
double pool_rate(caf::actor_system& sys, const std::string& uri, size_t pool_max, int requesters,
                 double seconds) {
  db_pool_config config;
  config.uri = uri;
  config.pool_min = pool_max;
  config.pool_max = pool_max;
  auto pool = sys.spawn(db_pool, config);
  caf::scoped_actor self{sys};
  // Warm up: every connection open before timing.
  for (size_t i = 0; i < pool_max; ++i)
    self->request(pool, std::chrono::seconds{30}, db_atom::value, db::operation{db::ping{}})
        .receive([](db::reply&) {}, [](caf::error&) {});
  std::atomic<uint64_t> done{0};
  auto end = steady::now() +
             std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds));
  auto started = steady::now();
  caf::actor waiter = self;
  for (int r = 0; r < requesters; ++r)
    sys.spawn([pool, end, waiter, &done](caf::event_based_actor* requester) {
      auto loop = std::make_shared<std::function<void()>>();
      *loop = [=, &done] {
        requester
            ->request(pool, std::chrono::seconds{30}, db_atom::value, db::operation{db::ping{}})
            .then(
                [=, &done](db::reply&) {
                  ++done;
                  if (steady::now() < end)
                    return (*loop)();
                  requester->send(waiter, caf::ok_atom::value);
                  requester->quit();
                },
                [=](caf::error&) {
                  requester->send(waiter, caf::ok_atom::value);
                  requester->quit();
                });
      };
      (*loop)();
    });
  for (int r = 0; r < requesters; ++r) // each says so when its period is over
    self->receive([](caf::ok_atom) {});
  auto rate = done / seconds_since(started);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  return rate;
}

// The old design: connect, run, disconnect, for every operation.
double connection_per_operation_rate(const std::string& uri, int threads, double seconds) {
  std::atomic<uint64_t> done{0};
  auto end = steady::now() +
             std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds));
  auto started = steady::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      while (steady::now() < end) {
        pqxx::connection c{uri};
        pqxx::nontransaction tx{c};
        tx.exec1("SELECT 1");
        ++done;
      }
    });
  for (auto& t : pool)
    t.join();
  return done / seconds_since(started);
}

double pgbench_rate(const std::string& uri, int clients, double seconds, bool reconnect) {
  auto script = "/tmp/phoenix-db-bench.sql";
  std::ofstream{script} << "SELECT 1;\n";
  auto command = "pgbench -n " + std::string{reconnect ? "-C " : ""} + "-f " + script + " -c " +
                 std::to_string(clients) + " -j 2 -T " + std::to_string(int(seconds)) + " '" + uri +
                 "' 2>/dev/null | grep -E '^tps' | head -1";
  auto* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr)
    return 0;
  char line[256] = {0};
  double tps = 0;
  if (fgets(line, sizeof(line), pipe) != nullptr)
    std::sscanf(line, "tps = %lf", &tps);
  pclose(pipe);
  return tps;
}

} // namespace

int main(int argc, char** argv) {
  auto seconds = argc > 1 ? std::stod(argv[1]) : 2.0;
  auto env = std::getenv("DATABASE_URL");
  if (env == nullptr) {
    std::fprintf(stderr, "db_bench: set DATABASE_URL (scripts/pg -- build/bin/db_bench)\n");
    return 2;
  }
  std::string uri = env;
  phoenix_config cfg;
  caf::actor_system sys{cfg};
  std::printf(
      "db_bench: SELECT 1 per operation, %.0f s per case, 2 cores, PostgreSQL on loopback\n",
      seconds);
  double per_op_1 = connection_per_operation_rate(uri, 1, seconds);
  double per_op_32 = connection_per_operation_rate(uri, 32, seconds);
  std::printf("%-40s %10.0f ops/s\n", "connection per operation, 1 thread", per_op_1);
  std::printf("%-40s %10.0f ops/s\n", "connection per operation, 32 threads", per_op_32);
  for (size_t pool_max : {1, 4, 10})
    for (int requesters : {1, 32}) {
      auto rate = pool_rate(sys, uri, pool_max, requesters, seconds);
      std::printf("pool-max %-3zu %2d requester(s)%15s %10.0f ops/s  (%.0fx per-op with %d)\n",
                  pool_max, requesters, "", rate, rate / (requesters == 1 ? per_op_1 : per_op_32),
                  requesters == 1 ? 1 : 32);
    }
  for (int clients : {1, 32}) {
    std::printf("pgbench -c %-2d (persistent connections) %10.0f tps\n", clients,
                pgbench_rate(uri, clients, seconds, false));
    std::printf("pgbench -c %-2d -C (connect per txn)     %10.0f tps\n", clients,
                pgbench_rate(uri, clients, seconds, true));
  }
  return 0;
}
