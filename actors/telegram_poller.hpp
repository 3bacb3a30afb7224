// The poller: getUpdates long polling with backpressure. An update is
// confirmed to Telegram once it is handled or durably kept in the database
// inbox (low watermark over the rest), and handled update ids are kept in
// PostgreSQL, so a restart neither repeats nor loses one. The inbox matters:
// Telegram shows at most 100 unconfirmed updates, so without it 100 slow
// ones would hide every newer update.
#pragma once

#include "core/http/http_client.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/telegram/chat_queue_cap.hpp"
#include "core/telegram/inbox_sweeps.hpp"
#include "core/telegram/update_intake.hpp"
#include "messages/actors.hpp"

#include <caf/actor_clock.hpp>
#include <caf/fwd.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace phoenix {

/// Webhook mode: Telegram POSTs updates (the webhook intake commits them to
/// the inbox and pushes them here) instead of the poller asking getUpdates.
struct webhook_registration {
  std::string url;          ///< what setWebhook registers (the reverse proxy's HTTPS URL)
  std::string secret_token; ///< sent back by Telegram in X-Telegram-Bot-Api-Secret-Token
  int max_connections = 40;
};

struct telegram_poller_config {
  std::string api_url = "https://api.telegram.org"; ///< no trailing slash
  std::string token;
  caf::timespan poll_timeout = std::chrono::seconds{30};
  size_t max_in_flight = 1000;
  /// Updates queued per chat; beyond it they are confirmed without handling
  /// (the first of a flood episode becomes its notice). 0: off.
  size_t max_queued_per_chat = 30;
  caf::timespan drain_deadline = std::chrono::seconds{20}; ///< SIGTERM: wait this long for handlers
  /// New updates wait this long for an unreadable inbox (database down at start).
  caf::timespan inbox_wait = std::chrono::seconds{10};
  /// Set: webhook mode (setWebhook at start, no getUpdates); none: polling
  /// (deleteWebhook at start, pending updates kept).
  std::optional<webhook_registration> webhook;
  telegram_edge_actor edge; ///< the Bot API over HTTP
  dispatcher_actor dispatcher;
  db_pool_actor db;
  lifecycle_actor lifecycle; ///< told when the token is rejected (exit code 3)
  /// The leadership epoch its writes carry (refused once a newer one is
  /// stored; the lifecycle is then told lead_lost). 0: no leadership.
  int64_t epoch = 0;
  /// With leadership: the bot id its epoch row is kept under (the token's);
  /// getMe must agree, else the fence would guard another row.
  int64_t leader_bot_id = 0;
  /// Start only on leader_atom (a standby's poller waits, never calling Telegram).
  bool await_leadership = false;
};

using bot_api_continuation = std::function<void(const core::bot_api_answer&)>;

struct telegram_poller_state {
  static inline const char* name = "telegram_poller";
  telegram_poller_config config;
  std::string bot_username;
  int64_t bot_id = 0;      ///< getMe's id: the key of this bot's state in the database
  bool poll_armed = false; ///< a tg_poll is on its way
  /// What to poll for, what answers mean, held updates, records to retry.
  core::update_intake intake;
  core::chat_queue_cap queue_cap{0}; ///< updates dispatched per chat (max_queued_per_chat)
  std::optional<caf::typed_response_promise<int64_t>> stop_promise;
  bool webhook_set = false; ///< webhook mode: setWebhook succeeded
  /// Webhook mode with standbys: reads of the inbox for the updates they
  /// kept, and pushes waiting behind them.
  core::inbox_sweeps sweeps;
  bool sweep_after_replay = false; ///< woken before the inbox of before the start was read
  core::growing_backoff webhook_backoff{std::chrono::seconds{1}, std::chrono::seconds{60}};
  std::minstd_rand random{std::random_device{}()};
  poller_stats stats; ///< polls, errors, received and renumbered are the intake's
};

telegram_poller_actor::behavior_type
telegram_poller(telegram_poller_actor::stateful_pointer<telegram_poller_state> self,
                telegram_poller_config config);

} // namespace phoenix
