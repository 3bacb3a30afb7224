// The connection string every database connection uses: the operator's
// db.uri plus the settings that keep a connection from waiting forever.
#pragma once

#include <chrono>
#include <string>

namespace phoenix::core::db {

/// How long a connection may wait for the server before it gives up.
struct connection_limits {
  /// The server cancels a statement running longer (lock waits included).
  std::chrono::milliseconds statement_timeout{10000};
  /// The server ends a transaction left idle longer (0: never): a paused or
  /// hung instance cannot keep rows locked (the leadership row, the inbox).
  std::chrono::milliseconds idle_in_transaction_timeout{0};
  std::chrono::seconds connect_timeout{3};
  /// A silent peer (pulled cable, dead host) is noticed after
  /// idle + interval * count = 11 s instead of the kernel's two hours.
  std::chrono::seconds keepalives_idle{5};
  std::chrono::seconds keepalives_interval{2};
  int keepalives_count = 3;
  /// Data sent but not acknowledged this long also ends the connection.
  std::chrono::milliseconds tcp_user_timeout{11000};
};

/// `conninfo` (a libpq URI or key=value string; empty: libpq's defaults) as a
/// key=value string with connect_timeout, keepalives, tcp_user_timeout,
/// client_encoding=UTF8, application_name=phoenix, statement_timeout and
/// (when not 0) idle_in_transaction_session_timeout (as `options=-c ...`)
/// added. A value the operator set wins, also a setting inside their own
/// `options`, which are kept.
/// Text libpq cannot parse comes back unchanged: connecting reports it.
std::string with_connection_defaults(const std::string& conninfo, const connection_limits& limits);

} // namespace phoenix::core::db
