// Wakes the active instance when a standby kept a webhook update in the inbox
// (keep_pushed_update with notify): LISTEN on its own connection, blocking
// libpqxx, for a detached actor only. Not the pool's: a pooled connection
// would hold a notification until its next statement.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace phoenix::core::db {

class inbox_listener {
public:
  /// `conninfo` as with_connection_defaults makes it.
  inbox_listener(std::string conninfo, int64_t bot_id);
  ~inbox_listener();
  inbox_listener(const inbox_listener&) = delete;
  inbox_listener& operator=(const inbox_listener&) = delete;

  /// Connects and listens if needed, then waits up to `most` for
  /// notifications. True: this bot's inbox was notified, or the connection
  /// is new (a notification may have been missed while it was down). Throws
  /// when the database cannot be reached (the connection is then closed).
  bool wait(std::chrono::milliseconds most);

  bool connected() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::core::db
