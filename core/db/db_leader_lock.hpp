// The leadership lock's own PostgreSQL connection (never a pooled one):
// blocking libpqxx, for the detached leadership actor only. libpqxx 6 would
// silently reconnect a broken connection, and the new session would not hold
// the lock: here reactivation is off, so a break is an exception, which the
// holder treats as the lock lost.
#pragma once

#include "core/db/db_leadership.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace phoenix::core::db {

class leader_lock {
public:
  /// `conninfo` as leader_conninfo makes it; `wait`: how long one try waits
  /// in the lock's queue (a release is noticed at once, not at the next try).
  leader_lock(std::string conninfo, keepalive_settings keepalive, std::chrono::milliseconds wait);
  ~leader_lock();
  leader_lock(const leader_lock&) = delete;
  leader_lock& operator=(const leader_lock&) = delete;

  /// Connects if needed (keepalives on both ends, migrations), then waits up
  /// to `wait` for the session lock `key`. True: held now (at once when
  /// already held). Throws when the database cannot be reached (the
  /// connection is then closed).
  bool try_acquire(int64_t key);

  /// With the lock held: raises the bot's epoch (first time: 1) in its own
  /// transaction and returns it. `holder` names this instance for operators.
  /// Empty when a former leader's transaction kept the row past `wait`: the
  /// lock stays held, try again.
  std::optional<int64_t> take_over(int64_t bot_id, const std::string& holder);

  /// The cheap check of the held lock's connection; throws when it broke.
  void check();

  /// Closes the connection: PostgreSQL frees the lock at once.
  void close();

  bool connected() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::core::db
