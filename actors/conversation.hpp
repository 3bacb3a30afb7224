// A conversation: one chat's updates, handled one at a time and in order;
// chats run concurrently. Turns commands into football queries and replies.
#pragma once

#include "core/football/time_zone.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/telegram/send_limiter.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace phoenix {

/// What every conversation needs to know (shared, read-only).
struct conversation_config {
  std::string bot_username;
  std::string timezone = "UTC";
  core::time_zone zone; ///< `timezone` (its offset follows daylight saving time)
  int commands_per_minute = 20;
  int64_t max_subscriptions = 20; ///< alerts.max-subscriptions: teams per chat (0: no cap)
  /// How long a command waits for the user's zone before using the default.
  caf::timespan settings_timeout = std::chrono::seconds{2};
  /// A conversation with no work left stops after this (0: as soon as its
  /// last update is done; its chat's next update spawns a new one).
  caf::timespan idle_timeout = caf::timespan::zero();
  caf::timespan answer_timeout = std::chrono::seconds{30};
  /// A reply failing transiently is retried until its update is this old.
  caf::timespan update_max_age = std::chrono::hours{1};
  football_actor football;
  telegram_sender_actor sender;
  db_pool_actor db;
  job_registry_actor jobs;
};

struct conversation_state {
  static inline const char* name = "conversation";
  std::shared_ptr<const conversation_config> config;
  int64_t chat_id = 0;
  dispatcher_actor dispatcher;
  std::deque<core::telegram_update> waiting;
  std::optional<core::telegram_update> current;
  caf::actor_clock::time_point started{};
  bool waited_for_data = false; ///< the current reply waited for API-Football
  uint64_t idle_generation = 0; ///< only the newest idle timer counts
};

conversation_actor::behavior_type
conversation(conversation_actor::stateful_pointer<conversation_state> self,
             std::shared_ptr<const conversation_config> config, int64_t chat_id,
             dispatcher_actor dispatcher);

} // namespace phoenix
