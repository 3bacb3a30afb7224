// The poller's steps shared by its two source files: the Bot API call
// helper, the start-up sequence and polling. Internal to the poller.
#pragma once

#include "actors/telegram_poller.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace phoenix::telegram_poller_steps {

using self_pointer = telegram_poller_actor::stateful_pointer<telegram_poller_state>;

/// Exit code of a bot whose token Telegram rejected (401, or 404 for a malformed one).
inline constexpr int exit_token_rejected = 3;

/// A Bot API call whose answer continues in `next`, inside the actor.
void call(self_pointer self, const std::string& method, std::string body,
          std::chrono::milliseconds timeout, bot_api_continuation next);

/// deleteWebhook, getMe, the command menu, the stored offset, the inbox; then polling.
void start(self_pointer self);

/// A tg_poll after `after` (unless one is on its way already).
void schedule_poll(self_pointer self, caf::timespan after);

/// Update N is handled: its record, the low watermark, the next poll.
/// False if it was not in hand.
bool handled(self_pointer self, int64_t update_id);

/// Whether the update may go to the dispatcher: within its chat's cap
/// (handlers.max-queued-per-chat), or the one notice of a flood episode
/// (then marked so). Counted.
bool admit(self_pointer self, core::telegram_update& update);

/// Updates over their chat's cap: confirmed and recorded like handled ones
/// (one record for all of them), never handled.
void drop(self_pointer self, std::vector<int64_t> update_ids);

/// A database reply to one of the poller's writes: a newer leadership epoch
/// refused it, so another instance leads: the lifecycle stops this one.
/// True if it was such a refusal.
bool fenced(self_pointer self, const core::db::reply& r);

/// Records handled updates (processed ids; their inbox rows go).
void record_processed(self_pointer self, std::vector<int64_t> ids, bool now = false);

/// New updates from getUpdates: to the dispatcher (and the inbox) once the
/// inbox of before the restart is read; held until then (see core::update_intake).
void dispatch(self_pointer self, std::vector<core::telegram_update> updates);

/// Held updates waited handlers.inbox-wait for an unreadable inbox: they go
/// now (answering beats waiting), the inbox follows when the database answers.
void stop_holding_if_too_long(self_pointer self);

/// Reads the inbox of before the restart (retried until the database
/// answers), then lets the updates held meanwhile go.
void read_inbox(self_pointer self);

/// New updates, once the inbox is read (else they are held).
void release(self_pointer self, std::vector<core::telegram_update> updates);

/// Webhook mode: an update the intake committed to the inbox, to the
/// dispatcher unless it is in hand (held while the inbox is read).
void take_pushed(self_pointer self, core::telegram_update update);

/// Webhook mode with standbys (tg_wake): reads the inbox and takes, in
/// order, the updates not in hand; pushes wait for it. Only when active.
void take_from_inbox(self_pointer self);

/// Webhook mode: setWebhook, again after a backoff until Telegram takes it.
void set_webhook(self_pointer self);

/// One getUpdates (unless one is running, the poller is stopping or not
/// started, or in webhook mode).
void poll(self_pointer self);

} // namespace phoenix::telegram_poller_steps
