// The football front: answers queries from the cache, coalesces identical
// queries into one upstream call, keeps within API-Football's budgets, and
// serves stale data (with its age) when the upstream fails.
#pragma once

#include "core/football/decoded_answers.hpp"
#include "core/football/quota_tracker.hpp"
#include "core/football/user_budget.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace phoenix {

struct football_config {
  /// Deadline for a fetcher's answer (its own deadline plus a margin).
  caf::timespan fetch_timeout = std::chrono::seconds{15};
  /// Deadline for the decoders' answers and for stale lookups after a failure.
  caf::timespan local_timeout = std::chrono::seconds{5};
  /// How long a spent minute budget holds calls back (API-Football: a minute).
  caf::timespan minute_window = std::chrono::seconds{60};
  /// Cached answers also kept decoded (cache.decoded-entries; 0: decode every hit).
  size_t decoded_entries = 256;
  /// Calls held for the minute budget at most (football.max-held); beyond: "busy".
  size_t max_held = 100;
  /// Upstream calls per user and minute (limits.user-upstream-per-minute; 0: off).
  /// Only a query that makes a call counts: cache hits and joins are free.
  int64_t user_upstream_per_minute = 10;
};

/// One asker waiting for an answer.
struct football_waiter {
  caf::typed_response_promise<football_answer> promise;
  int64_t user = 0;                               ///< whose budget a call may spend; 0: nobody's
  std::chrono::steady_clock::time_point gives_up; ///< the asker's own timeout has passed by then
  bool background = false;                        ///< football_asker::background
};

/// Everyone waiting for the same query (same cache key).
struct pending_query {
  core::football_query query;
  std::vector<football_waiter> waiters;
};

struct football_state {
  static inline const char* name = "football";
  football_config config;
  cache_actor cache;
  std::vector<api_fetcher_actor> fetchers;
  size_t next_fetcher = 0;
  std::unordered_map<std::string, pending_query> pending; ///< by cache key
  std::deque<std::string> held;                           ///< keys waiting for the minute budget
  bool quota_tick_armed = false;
  core::quota_tracker quota;
  core::user_budget user_budget{0};
  core::decoded_answers decoded{0};
  football_stats stats;
};

football_actor::behavior_type football(football_actor::stateful_pointer<football_state> self,
                                       cache_actor cache, std::vector<api_fetcher_actor> fetchers,
                                       football_config config);

} // namespace phoenix
