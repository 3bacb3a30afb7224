// Payload types of the database protocol (see actors.hpp for the messages;
// the operations themselves are in core/db/db_types.hpp).
#pragma once

#include "core/db/db_types.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>
#include <cstdint>

namespace phoenix {

/// Counters of the db_pool, for operators and metrics.
struct db_stats {
  uint64_t size = 0; ///< connections (workers) open or opening
  uint64_t idle = 0;
  uint64_t in_use = 0;
  uint64_t waiting = 0; ///< requests queued for a connection
  uint64_t served = 0;
  uint64_t timeouts = 0;     ///< "database busy": queue full or acquire-timeout passed
  uint64_t errors = 0;       ///< statements that failed
  uint64_t unavailable = 0;  ///< answers "database unavailable"
  uint64_t reconnects = 0;   ///< connections re-opened after a loss
  uint64_t batched = 0;      ///< operations merged into another's round trip
  uint64_t rows_dropped = 0; ///< bookkeeping rows over db.bookkeeping-backlog, not written
  int64_t last_ok_unix = 0;  ///< wall time of the last successful operation (0: none yet)
  std::string last_error;    ///< the newest failure's description
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, db_stats& x) {
  return f(caf::meta::type_name("db_stats"), x.size, x.idle, x.in_use, x.waiting, x.served,
           x.timeouts, x.errors, x.unavailable, x.reconnects, x.batched, x.rows_dropped,
           x.last_ok_unix, x.last_error);
}

} // namespace phoenix

// Local-only messages (operations and replies never leave the process).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::db::operation)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::db::reply)
