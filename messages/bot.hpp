// Payload types of the Telegram side: the poller, dispatcher, conversations
// and the sender (see actors.hpp for the messages).
#pragma once

#include "core/telegram/bot_api.hpp"
#include "messages/histogram.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace phoenix {

/// One Bot API call, already encoded (core/telegram/bot_api.hpp builds the bodies).
struct outgoing_call {
  std::string method;  ///< sendMessage, answerCallbackQuery, editMessageText, setMyCommands, ...
  std::string body;    ///< JSON
  int64_t chat_id = 0; ///< 0: not bound to a chat (no per-chat limit)
  bool is_group = false;
  /// Transient failures (5xx, network) are retried for this long after the
  /// call was queued; 0: at most the sender's max_attempts.
  std::chrono::milliseconds retry_for{0};
  /// A reply made from memory, right after its update (/help, usage, refusals):
  /// it goes before waiting replies that carry API-Football data. Those have
  /// waited for the upstream already, and a burst of them landing together
  /// must not hold up a quick command (a chat's own order still holds).
  bool quick = false;
  /// A broadcast (goal alerts): the lowest lane, behind every reply, so a
  /// fan-out to many chats never delays an answer.
  bool bulk = false;
  /// Sent with allow_paid_broadcast: counted against limits.paid_per_second
  /// instead of the global rate (telegram.paid-broadcast).
  bool paid = false;
};

/// What became of an outgoing call.
struct send_report {
  bool ok = false;
  int error_code = 0; ///< Telegram's, or the HTTP status; 0 for transport errors
  std::string description;
  int64_t message_id = 0; ///< sendMessage: the new message
  bool expired = false;   ///< failed transiently until retry_for ran out
};

/// Counters of the sender.
struct sender_stats {
  uint64_t queued = 0; ///< waiting now
  uint64_t sent = 0;
  uint64_t retries = 0;
  uint64_t rate_limited = 0; ///< 429 answers
  uint64_t paused_ms = 0;    ///< total time all sending was paused by 429s
  uint64_t failed = 0;       ///< refused for good (4xx other than 403 and 429)
  uint64_t blocked = 0;      ///< 403: the user blocked the bot
  uint64_t expired = 0;      ///< transient failures until retry_for (or max_attempts) ran out
  /// Retries of a call that may already have reached Telegram (timeout or
  /// reset after writing): each may show the user a message twice.
  uint64_t ambiguous_retries = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, sender_stats& x) {
  return f(caf::meta::type_name("sender_stats"), x.queued, x.sent, x.retries, x.rate_limited,
           x.paused_ms, x.failed, x.blocked, x.expired, x.ambiguous_retries);
}

/// Counters of the poller.
struct poller_stats {
  uint64_t polls = 0;
  uint64_t poll_errors = 0;
  uint64_t received = 0;   ///< updates received
  uint64_t handled = 0;    ///< updates done
  uint64_t duplicates = 0; ///< already handled before (restart window), skipped
  uint64_t renumbered = 0; ///< times Telegram restarted its update ids lower
  /// Updates over handlers.max-queued-per-chat: confirmed without handling.
  uint64_t flood_dropped = 0;
  uint64_t flood_notices = 0; ///< chats told that they send too quickly (one per episode)
  uint64_t in_flight = 0;
  int64_t confirmed_offset = 0;
  int64_t last_poll_ok_unix = 0; ///< wall time of the last successful getUpdates
  core::histogram latency;       ///< receipt from Telegram -> handler done
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, poller_stats& x) {
  return f(caf::meta::type_name("poller_stats"), x.polls, x.poll_errors, x.received, x.handled,
           x.duplicates, x.renumbered, x.flood_dropped, x.flood_notices, x.in_flight,
           x.confirmed_offset, x.last_poll_ok_unix, x.latency);
}

/// What the dispatcher holds: conversations and the updates queued in them.
struct dispatcher_stats {
  uint64_t chats = 0;     ///< conversations alive
  uint64_t queued = 0;    ///< updates sent to conversations, not yet done
  uint64_t max_queue = 0; ///< the longest single chat's queue
  uint64_t failed = 0;    ///< updates given up: their conversation died twice on them
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dispatcher_stats& x) {
  return f(caf::meta::type_name("dispatcher_stats"), x.chats, x.queued, x.max_queue, x.failed);
}

} // namespace phoenix

// Local-only messages.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::telegram_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::outgoing_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::send_report)
