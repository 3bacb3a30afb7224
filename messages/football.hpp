// Payload types of the football protocol (see actors.hpp for the messages).
#pragma once

#include "core/football/football_payload.hpp"
#include "core/football/football_query.hpp"
#include "core/football/upstream_answer.hpp"
#include "core/http/http_client.hpp"
#include "messages/histogram.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace phoenix {

/// The answer to a football query: decoded data, or a typed error whose
/// user_message may be shown as it is.
struct football_answer {
  bool ok = false;
  std::shared_ptr<const core::football_payload> data; ///< shared by coalesced askers
  caf::timespan age{0}; ///< how old the data is (0: straight from upstream)
  bool stale = false;   ///< past its TTL: served because the upstream call failed
  core::football_error error;
};

/// Who asks for football data, and how long they wait (conversation, job -> football).
struct football_asker {
  /// Whose upstream budget a call spends (limits.user-upstream-per-minute); 0: nobody's.
  int64_t user = 0;
  /// The asker's own request timeout: a call held for the minute budget past
  /// every asker's patience is dropped. max(): waits for ever.
  caf::timespan patience = caf::timespan::max();
  /// Background work (the live alerts' poll): its call is made only when the
  /// minute budget has room now and no user's call waits for it; else it is
  /// refused ("busy"), so it never holds a user's call back.
  bool background = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, football_asker& x) {
  return f(caf::meta::type_name("football_asker"), x.user, x.patience, x.background);
}

/// What one upstream call brought back (fetcher -> football).
struct fetch_result {
  bool ok = false;
  std::shared_ptr<const core::football_payload> data;
  std::string body; ///< the raw answer, for the cache
  caf::timespan ttl{0};
  core::football_error error;
  std::optional<int64_t> day_remaining;    ///< from x-ratelimit-requests-remaining
  std::optional<int64_t> minute_remaining; ///< from X-RateLimit-Remaining
  uint32_t attempts = 0;
};

/// Counters of the football front actor.
struct football_stats {
  uint64_t queries = 0;
  uint64_t cache_hits = 0;
  uint64_t upstream_calls = 0;
  uint64_t coalesced = 0; ///< queries that joined a call already in flight
  uint64_t stale_served = 0;
  uint64_t errors = 0;
  uint64_t quota_waits = 0;      ///< calls held back for the minute budget
  uint64_t held_dropped = 0;     ///< held calls dropped: every asker had given up
  uint64_t held_refused = 0;     ///< queries answered "busy": the held queue was full
  uint64_t user_refusals = 0;    ///< queries refused: their user's upstream budget was spent
  int64_t day_remaining = -1;    ///< -1: not known yet
  int64_t minute_remaining = -1; ///< -1: not known yet
  core::histogram latency;       ///< one upstream call, retries included
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, football_stats& x) {
  return f(caf::meta::type_name("football_stats"), x.queries, x.cache_hits, x.upstream_calls,
           x.coalesced, x.stale_served, x.errors, x.quota_waits, x.held_dropped, x.held_refused,
           x.user_refusals, x.day_remaining, x.minute_remaining, x.latency);
}

/// Counters of the live alerts actor.
struct live_stats {
  uint64_t polls = 0;       ///< fixtures?live=all answers used
  uint64_t poll_errors = 0; ///< polls that brought no snapshot (budget, upstream)
  uint64_t idle_ticks = 0;  ///< ticks without a poll: nobody subscribed
  uint64_t alerts = 0;      ///< alerts about followed teams (send and edit)
  uint64_t sent = 0;        ///< alert messages Telegram accepted
  uint64_t edited = 0;      ///< alert messages edited (a scorer named late)
  uint64_t failed = 0;      ///< sends and edits refused or given up (403 included)
  uint64_t queued = 0;      ///< alerts waiting for their fan-out to start
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, live_stats& x) {
  return f(caf::meta::type_name("live_stats"), x.polls, x.poll_errors, x.idle_ticks, x.alerts,
           x.sent, x.edited, x.failed, x.queued);
}

} // namespace phoenix

// Local-only messages: they carry shared pointers to decoded data and never
// leave the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::football_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::http_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::http_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::upstream_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::football_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::fetch_result)
