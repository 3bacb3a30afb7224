// The poller's steps shared by its two source files: the Bot API call
// helper, the start-up sequence and polling. Internal to the poller.
#pragma once

#include "actors/telegram_poller.hpp"

#include <chrono>
#include <string>

namespace phoenix::telegram_poller_steps {

using self_pointer = telegram_poller_actor::stateful_pointer<telegram_poller_state>;

/// Exit code of a bot whose token Telegram rejected (401).
inline constexpr int exit_token_rejected = 3;

/// A Bot API call whose answer continues in `next`, inside the actor.
void call(self_pointer self, const std::string& method, std::string body,
          std::chrono::milliseconds timeout, bot_api_continuation next);

/// deleteWebhook, getMe, the command menu, the stored offset, the inbox; then polling.
void start(self_pointer self);

/// One getUpdates (unless one is running, the poller is stopping or not started).
void poll(self_pointer self);

} // namespace phoenix::telegram_poller_steps
