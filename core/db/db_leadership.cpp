#include "core/db/db_leadership.hpp"

#include <cctype>

namespace phoenix::core::db {

int64_t bot_id_of_token(const std::string& token) {
  auto colon = token.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 18)
    return 0;
  int64_t id = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(token[i])))
      return 0;
    id = id * 10 + (token[i] - '0');
  }
  return id;
}

int64_t leader_lock_key(int64_t bot_id) {
  // FNV-1a 64: stable across builds and machines (std::hash is not).
  uint64_t h = 14695981039346656037ULL;
  for (char ch : "phoenix-leader:" + std::to_string(bot_id)) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

std::chrono::seconds dead_holder_freed_after(const keepalive_settings& k) {
  return k.idle + k.interval * k.count;
}

std::string leader_conninfo(const std::string& conninfo, const keepalive_settings& k,
                            std::chrono::milliseconds statement_timeout) {
  connection_limits limits;
  limits.statement_timeout = statement_timeout;
  limits.keepalives_idle = k.idle;
  limits.keepalives_interval = k.interval;
  limits.keepalives_count = k.count;
  limits.tcp_user_timeout = k.idle;
  return with_connection_defaults(conninfo, limits);
}

std::string server_keepalive_sql(const keepalive_settings& k) {
  return "SET tcp_keepalives_idle = " + std::to_string(k.idle.count()) +
         "; SET tcp_keepalives_interval = " + std::to_string(k.interval.count()) +
         "; SET tcp_keepalives_count = " + std::to_string(k.count);
}

const char* role_name(leader_role r) {
  switch (r) {
  case leader_role::off:
    return "off";
  case leader_role::standby:
    return "standby";
  case leader_role::active:
    return "active";
  case leader_role::lost:
    return "lost";
  }
  return "unknown";
}

bool role_change_allowed(leader_role from, leader_role to) {
  return (from == leader_role::standby && to == leader_role::active) ||
         (from == leader_role::active && to == leader_role::lost);
}

} // namespace phoenix::core::db
