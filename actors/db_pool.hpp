// The db_pool: lends db.pool-min..db.pool-max connections (one detached worker
// each) to typed operations. A full pool queues requests (db.queue-max) until
// db.acquire-timeout; past either, the answer is "database busy" at once.
#pragma once

#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace phoenix {

struct db_pool_config {
  std::string uri;
  size_t pool_min = 1;
  size_t pool_max = 10;
  caf::timespan acquire_timeout = std::chrono::seconds{5};
  size_t queue_max = 1000;
  /// Request-log and user rows a queued batch holds at most (per kind) while
  /// the database is behind; more are dropped and counted (db.bookkeeping-backlog).
  size_t bookkeeping_backlog = 10000;
  caf::timespan idle_timeout = std::chrono::minutes{5};
  caf::timespan max_lifetime = std::chrono::hours{1};
  /// The server cancels a statement running longer (db.statement-timeout);
  /// with TCP keepalives and tcp_user_timeout it goes into every
  /// connection's conninfo (core::db::with_connection_defaults).
  caf::timespan statement_timeout = std::chrono::seconds{10};
  /// The server ends a transaction left idle longer
  /// (db.idle-in-transaction-timeout): a paused or hung instance's row locks
  /// (the leadership row, inbox rows) do not block the next leader.
  caf::timespan idle_in_transaction_timeout = std::chrono::seconds{5};
  /// A worker that has not answered within statement_timeout per statement
  /// plus this margin is given up as lost and replaced, so a hung connection
  /// never keeps its slot (core::db::answer_deadline).
  caf::timespan answer_margin = std::chrono::seconds{5};
  /// Retention: what is older goes once per prune_interval (core::db::prune).
  core::db::prune retention{};
  caf::timespan prune_interval = std::chrono::hours{1};
  /// Spawns one connection's worker (the pool links to it). Empty: the real
  /// detached libpqxx worker for `uri`; tests give scripted stand-ins.
  std::function<db_worker_actor(caf::local_actor* pool)> spawn_worker;
};

/// One connection's worker and what the pool knows of it.
struct db_connection_slot {
  db_worker_actor worker;
  caf::actor_clock::time_point opened;
  caf::actor_clock::time_point idle_since;
  bool busy = false;
  /// Kept warm for the update intake (core::db::is_intake): its server process
  /// has run the intake's statements before, and bookkeeping rows take it only
  /// when no other connection is free or can be opened.
  bool intake = false;
  /// Has answered a request with its connection open. A new connection takes
  /// a fork, the server's start-up and every statement prepared (140-170 ms
  /// measured in a burst on two cores). The intake's steps never wait
  /// for that behind another connection's start: they queue for the intake's
  /// own connection or a warm one.
  bool warm = false;
};

/// Requests waiting for a connection. Batchable operations (users seen, request
/// log rows, processed update ids) that queue behind each other, or behind a
/// batch of their kind in flight, share one entry: one round trip for all.
struct db_queued {
  caf::actor_clock::time_point deadline;
  core::db::operation op;
  /// Those who asked for an answer (a row sent with anon_send has none).
  std::vector<caf::typed_response_promise<core::db::reply>> waiters;
  size_t operations = 1; ///< requests merged into `op`
  bool intake = false;   ///< queued ahead of all but other intake steps
};

struct db_pool_state {
  static inline const char* name = "db_pool";
  db_pool_config config;
  std::string conninfo; ///< config.uri with Phoenix's timeouts; holds the password: never logged
  std::vector<db_connection_slot> slots;
  caf::actor_clock::time_point last_prune{};
  std::deque<db_queued> queue;
  std::set<size_t> batches_running; ///< operation kinds (variant index) of batches in flight
  bool expiry_armed = false;
  std::vector<caf::typed_response_promise<bool>> drain_waiters;
  bool outage_logged = false;
  db_stats stats;

  /// The update intake takes its own connection, else any free warm one;
  /// other work takes any but the intake's, which it gets only when the pool
  /// is full. Null: none of those is free.
  db_connection_slot* free_slot(bool intake);
  bool has_intake_slot() const;
  /// One batch of a kind runs at a time: rows that come meanwhile wait and go
  /// together in the next statement (under load, one round trip for many
  /// updates instead of one each; idle, a row runs at once).
  bool waits_for_its_batch(const core::db::operation& op) const;
  /// Nothing queued and no connection busy.
  bool idle() const;
};

db_pool_actor::behavior_type db_pool(db_pool_actor::stateful_pointer<db_pool_state> self,
                                     db_pool_config config);

} // namespace phoenix
