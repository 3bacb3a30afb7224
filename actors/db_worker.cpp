#include "actors/db_worker.hpp"

#include "core/db/db_migrations.hpp"
#include "core/db/db_operations.hpp"

#include <caf/all.hpp>
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = db_worker_actor::stateful_pointer<db_worker_state>;
namespace db = core::db;

constexpr std::chrono::milliseconds max_backoff{5000};

db::reply unavailable(std::string why) {
  db::reply r;
  r.error = db::errc::unavailable;
  r.message = std::move(why);
  return r;
}

// libpq's messages span lines (the server's detail and hint): one line for logs.
std::string first_line(const std::string& text) {
  auto end = text.find('\n');
  return text.substr(0, end);
}

// Opens the connection (migrating and preparing statements) unless it is open
// or the backoff says not yet. Returns an error text, empty on success.
std::string ensure_connected(self_pointer self) {
  auto& st = self->state;
  if (st.connection && st.connection->is_open())
    return {};
  st.connection.reset();
  auto now = std::chrono::steady_clock::now();
  if (now < st.next_attempt) // the reason stays in the answers (and the pool's one log line)
    return "database unavailable (reconnecting after: " + st.last_connect_error + ")";
  try {
    auto conn = std::make_unique<pqxx::connection>(st.conninfo);
    db::migrate(*conn); // a no-op once applied; advisory-locked against other instances
    db::prepare_statements(*conn);
    st.connection = std::move(conn);
    st.backoff = std::chrono::milliseconds{100};
    if (st.ever_connected)
      caf::anon_send(caf::actor_cast<db_pool_actor>(st.pool), db_reconnected_atom::value);
    st.ever_connected = true;
    return {};
  } catch (const std::exception& e) {
    st.next_attempt = now + st.backoff;
    st.backoff = std::min(st.backoff * 2, max_backoff);
    st.last_connect_error = first_line(e.what());
    return "database unavailable: " + st.last_connect_error;
  }
}

} // namespace

db_worker_state::~db_worker_state() = default;

db_worker_actor::behavior_type db_worker(self_pointer self, std::string conninfo, caf::actor pool) {
  self->state.conninfo = std::move(conninfo);
  self->state.pool = std::move(pool);
  return {
      [self](db_run_atom, const db::operation& op) -> db::reply {
        if (auto problem = ensure_connected(self); !problem.empty())
          return unavailable(std::move(problem));
        for (int attempt = 0;; ++attempt) {
          try {
            return db::run(*self->state.connection, op);
          } catch (const std::exception& e) {
            // Lost connection (server restart, network): a fresh one, and one
            // more try for an operation that may run twice.
            self->state.connection.reset();
            if (attempt > 0 || !db::is_idempotent(op))
              return unavailable(std::string{"connection lost: "} + e.what());
            if (auto problem = ensure_connected(self); !problem.empty())
              return unavailable(std::move(problem));
          }
        }
      },
      [self](db_connect_atom) {
        if (auto problem = ensure_connected(self); !problem.empty())
          spdlog::debug("db_worker: {}", problem);
      },
  };
}

} // namespace phoenix
