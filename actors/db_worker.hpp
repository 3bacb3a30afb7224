// A db worker: owns one PostgreSQL connection and runs operations on it.
// libpqxx blocks, so the pool spawns every worker detached (its own thread).
#pragma once

#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>
#include <pqxx/connection>
#include <string>

namespace phoenix {

struct db_worker_state {
  static inline const char* name = "db_worker";
  std::string conninfo; ///< may hold the password: never logged
  caf::actor pool;      ///< told about reconnects
  std::unique_ptr<pqxx::connection> connection;
  bool ever_connected = false;
  /// No new connection attempt before this (backoff while the server is down).
  std::chrono::steady_clock::time_point next_attempt{};
  std::chrono::milliseconds backoff{100};
  std::string last_connect_error; ///< why the last attempt failed (for answers in the backoff)

  ~db_worker_state();
};

/// `conninfo`: libpq URI or connection string, used as given (the pool adds
/// Phoenix's timeouts: core::db::with_connection_defaults).
db_worker_actor::behavior_type db_worker(db_worker_actor::stateful_pointer<db_worker_state> self,
                                         std::string conninfo, caf::actor pool);

} // namespace phoenix
