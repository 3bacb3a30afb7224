// The sender: all outgoing Bot API calls go through it, in order per chat,
// within Telegram's limits; a 429 pauses everything for retry_after.
#pragma once

#include "core/http/http_client.hpp"
#include "core/telegram/send_limiter.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace phoenix {

struct telegram_sender_config {
  std::string api_url = "https://api.telegram.org"; ///< no trailing slash
  std::string token;
  core::send_limits limits;
  telegram_edge_actor edge; ///< the Bot API over HTTP
  caf::timespan request_timeout = std::chrono::seconds{15};
  int max_attempts = 6;       ///< for 5xx and network errors, calls without retry_for
  size_t max_concurrent = 64; ///< HTTP calls in flight at once
  db_pool_actor db;           ///< told about users who blocked the bot
};

struct queued_call {
  outgoing_call call;
  caf::typed_response_promise<send_report> promise;
  int attempts = 0;
  caf::actor_clock::time_point not_before{};
  /// Transient failures are retried until then (call.retry_for after it was queued).
  std::optional<caf::actor_clock::time_point> give_up_at;
  /// In flight: when an edge that has not answered counts as timed out.
  caf::actor_clock::time_point edge_deadline{};
};

struct telegram_sender_state {
  static inline const char* name = "telegram_sender";
  telegram_sender_config config;
  std::unique_ptr<core::send_limiter> limiter;
  std::deque<queued_call> queue;       ///< replies with data, jobs' results, other calls
  std::deque<queued_call> quick_queue; ///< outgoing_call::quick: sent first
  std::deque<queued_call> bulk_queue;  ///< outgoing_call::bulk (alerts): sent last
  /// Calls waiting in the three queues.
  size_t waiting() const { return queue.size() + quick_queue.size() + bulk_queue.size(); }
  /// The queue a call waits in. A conversation sends one call at a time, so
  /// a chat's replies keep their order across the lanes; an alert may pass
  /// behind a reply to the same chat, never the other way round.
  std::deque<queued_call>& queue_of(const outgoing_call& call) {
    return call.quick ? quick_queue : call.bulk ? bulk_queue : queue;
  }
  std::unordered_map<uint64_t, queued_call> in_flight; ///< by exchange number (next_id)
  std::set<int64_t> busy_chats;                        ///< one call in flight per chat
  uint64_t next_id = 1;
  bool tick_armed = false;
  bool watch_armed = false; ///< a tg_watch is on its way
  sender_stats stats;
};

telegram_sender_actor::behavior_type
telegram_sender(telegram_sender_actor::stateful_pointer<telegram_sender_state> self,
                telegram_sender_config config);

} // namespace phoenix
