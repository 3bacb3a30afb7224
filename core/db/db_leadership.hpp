// Leadership among Phoenix instances sharing one database: the plain rules
// (the lock key, the lock connection's settings, the roles). Only the holder
// of a session-level advisory lock polls Telegram; its epoch fences the
// writes of a former holder that has not noticed yet.
#pragma once

#include "core/db/db_conninfo.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace phoenix::core::db {

/// The bot's numeric id from its token ("123456:ABC..." -> 123456, as getMe
/// answers it); 0 when the token has no such prefix (Telegram rejects it).
int64_t bot_id_of_token(const std::string& token);

/// The advisory lock key of one bot's leadership. Advisory locks are per
/// database, so several bots sharing one need different keys; hashed with a
/// prefix so it does not meet other applications' small keys (nor the
/// migration lock).
int64_t leader_lock_key(int64_t bot_id);

/// TCP keepalives of the lock connection, on both ends: libpq's make the
/// holder notice a dead server, PostgreSQL's free the lock of a holder whose
/// machine died after idle + interval * count.
struct keepalive_settings {
  std::chrono::seconds idle{2};
  std::chrono::seconds interval{1};
  int count = 3;
};

/// How long after its holder's machine died PostgreSQL frees the lock, at most.
std::chrono::seconds dead_holder_freed_after(const keepalive_settings& k);

/// The lock connection's conninfo: with_connection_defaults plus these
/// keepalives, and a tcp_user_timeout of `idle` so that the holder gives up
/// its unanswered check before the server can free the lock for a standby.
std::string leader_conninfo(const std::string& conninfo, const keepalive_settings& k,
                            std::chrono::milliseconds statement_timeout);

/// The SET statements of the server-side keepalives (user-settable GUCs).
std::string server_keepalive_sql(const keepalive_settings& k);

/// An instance's part in the group.
enum class leader_role {
  off,     ///< ha.leader-lock = off: polls without asking (a single instance)
  standby, ///< waits for the lock; answers /healthz and /metrics, never polls
  active,  ///< holds the lock: polls and sends
  lost,    ///< held it and lost it: stops at once
};

const char* role_name(leader_role r);

/// Whether `from` may become `to`: standby -> active -> lost, and back to
/// standby only by a new process (a lost instance exits).
bool role_change_allowed(leader_role from, leader_role to);

} // namespace phoenix::core::db
