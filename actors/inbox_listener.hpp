// The inbox listener: in webhook mode with several instances every one
// accepts webhooks, and a standby's commit to the inbox notifies the active
// one. This detached actor (blocking libpq) LISTENs on a connection of its
// own and wakes the poller, which ignores it unless active.
#pragma once

#include "core/db/db_inbox_listener.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace phoenix {

struct inbox_listener_config {
  std::string conninfo; ///< as core::db::with_connection_defaults makes it; may hold the password
  int64_t bot_id = 0;
  telegram_poller_actor poller; ///< woken with tg_wake_atom
  /// One wait for notifications; between waits the actor reads its mailbox (an exit).
  std::chrono::milliseconds wait{250};
  /// After a failed connect, the next try.
  caf::timespan retry = std::chrono::seconds{1};
};

struct inbox_listener_state {
  static inline const char* name = "inbox_listener";
  inbox_listener_config config;
  std::unique_ptr<core::db::inbox_listener> listener;
  bool unreachable_logged = false; ///< one log line per outage
};

/// Spawn it detached; it starts listening at once.
inbox_listener_actor::behavior_type
inbox_listener(inbox_listener_actor::stateful_pointer<inbox_listener_state> self,
               inbox_listener_config config);

} // namespace phoenix
