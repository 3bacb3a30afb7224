// The webhook intake: every update Telegram POSTs (past the server's checks)
// is committed to the database inbox before it is acknowledged, so a crash
// never loses an update Telegram counts as delivered; then it goes to the
// poller, which dispatches it and records it handled. A repeat (handled
// already, or in hand) gets 200 and no work; a database that does not commit
// within the deadline gets 503, and Telegram delivers again later.
//
// Apart from the poller on purpose: with several instances every one accepts
// webhooks (this actor), and only the active one handles the inbox.
#pragma once

#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <cstdint>

namespace phoenix {

struct telegram_webhook_config {
  int64_t bot_id = 0; ///< the token's digits before ':' (getMe's id)
  /// A commit taking longer is answered 503 (Telegram waits for an answer
  /// and redelivers after a failure).
  caf::timespan store_deadline = std::chrono::seconds{5};
  db_pool_actor db;
  telegram_poller_actor poller; ///< handles what was committed
  /// False on an instance that waits for leadership: until leader_atom, a
  /// commit notifies the active instance and nothing goes to the poller.
  bool active = true;
};

struct telegram_webhook_state {
  static inline const char* name = "telegram_webhook";
  telegram_webhook_config config;
  webhook_stats stats;
};

telegram_webhook_actor::behavior_type
telegram_webhook(telegram_webhook_actor::stateful_pointer<telegram_webhook_state> self,
                 telegram_webhook_config config);

} // namespace phoenix
