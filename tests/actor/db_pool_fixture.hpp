// A db_pool under virtual time whose workers are scripted stand-ins (one per
// connection the pool opens): no PostgreSQL, every answer given by the test.
#pragma once

#include "actors/db_pool.hpp"
#include "tests/actor/kit/scripted_actor.hpp"
#include "tests/actor/probes.hpp"

#include <memory>
#include <vector>

namespace phoenix::test {

using namespace std::chrono_literals;
namespace db = core::db;
using db_worker_stand_in = scripted<db_worker_actor>;

struct db_pool_fixture {
  captured_log log;
  virtual_system vs;
  db_pool_config config;
  std::vector<std::unique_ptr<db_worker_stand_in>> workers; ///< in the order the pool opened them
  down_watch watch{vs};
  inbox<db::reply> user{vs};
  db_pool_actor pool;

  db_pool_fixture() {
    config.uri = "postgresql://nobody@db.test/phoenix"; // never connected to
    config.pool_min = 1;
    config.pool_max = 2;
    config.acquire_timeout = 5s;
    config.queue_max = 10;
    config.idle_timeout = 1min;
    config.max_lifetime = 1h;
    config.statement_timeout = 10s;
    config.answer_margin = 5s;
    config.prune_interval = 1000h; // no prune in these tests
    config.spawn_worker = [this](caf::local_actor*) {
      workers.push_back(std::make_unique<db_worker_stand_in>(vs));
      watch.monitor(workers.back()->handle());
      return workers.back()->handle();
    };
  }

  ~db_pool_fixture() {
    caf::anon_send_exit(pool, caf::exit_reason::kill);
    vs.run();
  }

  void start() {
    pool = vs.sys->spawn(db_pool, config);
    vs.run();
  }

  /// Worker number i (in the order opened).
  db_worker_stand_in& worker(size_t i) {
    BOOST_REQUIRE_MESSAGE(i < workers.size(), "the pool opened only " << workers.size());
    return *workers[i];
  }

  /// Sends an operation to the pool (its answer goes to `user`).
  void request(db::operation op) { user.send(pool, db_atom::value, std::move(op)); }

  /// Asks for user N: an operation a test can tell apart by its chat id.
  void request_user(int64_t chat) { request(db::load_user{chat}); }

  /// The next operation worker i was asked to run (db_connect skipped).
  db::operation next_op(size_t i) {
    auto& w = worker(i);
    while (w.has_next()) {
      auto& r = w.next();
      if (r.is<caf::atom_value>() && r.get<caf::atom_value>(0) == db_connect_atom::value)
        continue;
      BOOST_REQUIRE_MESSAGE((r.is<caf::atom_value, db::operation>()),
                            "unexpected: " << caf::to_string(r.content));
      return r.get<db::operation>(1);
    }
    BOOST_FAIL("worker " << i << " was asked nothing (more)");
    return {};
  }

  /// The chat id of the load_user worker i runs next.
  int64_t next_user(size_t i) {
    auto op = next_op(i);
    auto* load = std::get_if<db::load_user>(&op);
    BOOST_REQUIRE_MESSAGE(load != nullptr, "not a load_user: " << db::name_of(op));
    return load->chat_id;
  }

  /// Answers worker i's last request with `count` (the load_user tests answer the chat id).
  void answer(size_t i, int64_t count) {
    db::reply r;
    r.count = count;
    worker(i).reply(worker(i).last(), r);
  }

  /// The `count`s of the answers the user got, oldest first.
  std::vector<int64_t> answered_counts() {
    std::vector<int64_t> counts;
    for (auto& r : user.all())
      counts.push_back(r.count);
    return counts;
  }

  db_stats stats() { return vs.ask<db_stats>(pool, stats_atom::value); }
};

} // namespace phoenix::test
