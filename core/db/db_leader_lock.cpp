#include "core/db/db_leader_lock.hpp"

#include "core/db/db_migrations.hpp"

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

namespace phoenix::core::db {

namespace {

// SQLSTATE lock_not_available: lock_timeout passed while waiting.
constexpr const char* lock_not_available = "55P03";

// Seen without its SQLSTATE through libpqxx 6: the server's words then.
bool waited_too_long(const pqxx::sql_error& e) {
  return e.sqlstate() == lock_not_available ||
         std::string{e.what()}.find("lock timeout") != std::string::npos;
}

} // namespace

struct leader_lock::impl {
  std::string conninfo;
  keepalive_settings keepalive;
  std::chrono::milliseconds wait;
  std::unique_ptr<pqxx::connection> connection;
  bool held = false;

  pqxx::connection& open() {
    if (connection && connection->is_open())
      return *connection;
    connection.reset();
    auto c = std::make_unique<pqxx::connection>(conninfo);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // A silent reconnect would be a session without the lock.
    c->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    {
      pqxx::nontransaction tx{*c, "leader_setup"};
      tx.exec(server_keepalive_sql(keepalive));
      tx.exec("SET lock_timeout = " + std::to_string(wait.count()));
    }
    migrate(*c); // the leadership table may be newer than the pool's first connection
    connection = std::move(c);
    return *connection;
  }
};

leader_lock::leader_lock(std::string conninfo, keepalive_settings keepalive,
                         std::chrono::milliseconds wait)
    : impl_{std::make_unique<impl>(impl{std::move(conninfo), keepalive, wait, nullptr})} {}

leader_lock::~leader_lock() = default;

bool leader_lock::try_acquire(int64_t key) {
  if (impl_->held && connected())
    return true;
  try {
    auto& c = impl_->open();
    pqxx::nontransaction tx{c, "leader_lock"};
    // Waiting in the lock's queue (not polling with pg_try_advisory_lock) hands
    // over within milliseconds of a release; lock_timeout bounds one try.
    tx.exec_params("SELECT pg_advisory_lock($1)", key);
    impl_->held = true;
    return true;
  } catch (const pqxx::sql_error& e) {
    if (waited_too_long(e))
      return false;
    close();
    throw;
  } catch (...) {
    close();
    throw;
  }
}

std::optional<int64_t> leader_lock::take_over(int64_t bot_id, const std::string& holder) {
  try {
    pqxx::work tx{*impl_->connection, "leader_take_over"};
    // Row-locked until commit: a fenced write (FOR SHARE) waits for it, then
    // sees the new epoch.
    auto epoch =
        tx.exec_params1("INSERT INTO leadership (bot_id, epoch, holder, since)"
                        " VALUES ($1, 1, $2, now()) ON CONFLICT (bot_id) DO UPDATE"
                        " SET epoch = leadership.epoch + 1, holder = EXCLUDED.holder, since = now()"
                        " RETURNING epoch",
                        bot_id, holder)[0]
            .as<int64_t>();
    tx.commit();
    return epoch;
  } catch (const pqxx::sql_error& e) {
    // A former leader's open transaction (paused, hung) still shares the row:
    // keep the lock and try again; the server ends that transaction after
    // db.idle-in-transaction-timeout.
    if (waited_too_long(e))
      return std::nullopt;
    close();
    throw;
  } catch (...) {
    close(); // the lock goes with it: try again from the start
    throw;
  }
}

void leader_lock::check() {
  if (!connected())
    throw pqxx::broken_connection{"the leadership connection is closed"};
  try {
    pqxx::nontransaction tx{*impl_->connection, "leader_check"};
    tx.exec("SELECT 1");
  } catch (...) {
    close();
    throw;
  }
}

void leader_lock::close() {
  if (!impl_->connection)
    return;
  try {
    impl_->connection->disconnect();
  } catch (...) {
  }
  impl_->connection.reset();
  impl_->held = false;
}

bool leader_lock::connected() const {
  return impl_->connection && impl_->connection->is_open();
}

} // namespace phoenix::core::db
