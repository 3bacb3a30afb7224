#include "actors/football.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = football_actor::stateful_pointer<football_state>;
using time_point = core::quota_tracker::time_point;

void upstream(self_pointer self, const std::string& key);
void release_held(self_pointer self);

api_fetcher_actor& next_fetcher(self_pointer self) {
  auto& st = self->state;
  return st.fetchers[st.next_fetcher++ % st.fetchers.size()];
}

// Answers everyone waiting for `key`.
void deliver(self_pointer self, const std::string& key, const football_answer& answer) {
  auto pos = self->state.pending.find(key);
  if (pos == self->state.pending.end())
    return;
  auto waiters = std::move(pos->second.waiters);
  self->state.pending.erase(pos);
  if (!answer.ok)
    ++self->state.stats.errors;
  for (auto& w : waiters)
    w.promise.deliver(answer);
}

football_answer error_answer(core::football_error error) {
  football_answer answer;
  answer.error = std::move(error);
  return answer;
}

// Answers everyone waiting from a cached entry: with its decoded form when
// this entry was decoded before, else decoded on a fetcher (and kept).
void answer_from_cache(self_pointer self, const std::string& key, cache_lookup lookup) {
  auto& st = self->state;
  if (auto data = st.decoded.find(lookup.entry)) {
    football_answer answer;
    answer.ok = true;
    answer.data = std::move(data);
    answer.age = lookup.age;
    answer.stale = lookup.expired;
    return deliver(self, key, answer);
  }
  auto query = st.pending.at(key).query;
  self->request(next_fetcher(self), st.config.local_timeout, decode_atom::value, query,
                lookup.entry)
      .then(
          [self, key, entry = lookup.entry, age = lookup.age,
           stale = lookup.expired](football_answer& answer) {
            if (answer.ok)
              self->state.decoded.keep(entry, answer.data);
            answer.age = age;
            answer.stale = stale;
            deliver(self, key, answer);
          },
          [self, key](const caf::error& err) {
            deliver(self, key,
                    error_answer(core::transport_error(core::football_errc::busy,
                                                       "decoder: " + self->system().render(err))));
          });
}

// The upstream failed: the last known answer (with its age) beats an error.
void serve_stale_or(self_pointer self, const std::string& key, core::football_error error) {
  self->request(self->state.cache, self->state.config.local_timeout, cache_get_stale_atom::value,
                key)
      .then(
          [self, key, error](cache_lookup& lookup) {
            if (!lookup.hit)
              return deliver(self, key, error_answer(error));
            ++self->state.stats.stale_served;
            lookup.expired = true;
            answer_from_cache(self, key, std::move(lookup));
          },
          [self, key, error](const caf::error&) { deliver(self, key, error_answer(error)); });
}

void on_fetched(self_pointer self, const std::string& key, fetch_result& result) {
  auto& st = self->state;
  auto now = self->clock().now();
  st.quota.on_answer(now, result.day_remaining, result.minute_remaining);
  if (result.ok) {
    release_held(self);
    if (result.ttl > caf::timespan::zero())
      self->send(st.cache, cache_put_atom::value, key, std::move(result.body), result.ttl);
    football_answer answer;
    answer.ok = true;
    answer.data = std::move(result.data);
    return deliver(self, key, answer);
  }
  if (result.error.code == core::football_errc::rate_limited)
    st.quota.on_rate_limited(now);
  else if (result.error.code == core::football_errc::daily_quota)
    st.quota.on_day_spent(now);
  release_held(self);
  serve_stale_or(self, key, std::move(result.error));
}

void call_upstream(self_pointer self, const std::string& key) {
  auto& st = self->state;
  auto query = st.pending.at(key).query;
  if (query.kind != core::query_kind::status) // /status does not count against the budgets
    st.quota.on_call(self->clock().now());
  ++st.stats.upstream_calls;
  auto started = self->clock().now();
  self->request(next_fetcher(self), st.config.fetch_timeout, fetch_atom::value, query)
      .then(
          [self, key, started](fetch_result& result) {
            self->state.stats.latency.observe(self->clock().now() - started);
            on_fetched(self, key, result);
          },
          [self, key, started](const caf::error& err) {
            self->state.stats.latency.observe(self->clock().now() - started);
            self->state.quota.on_answer(self->clock().now(), std::nullopt, std::nullopt);
            release_held(self);
            serve_stale_or(self, key,
                           core::transport_error(core::football_errc::timeout,
                                                 "fetcher: " + self->system().render(err)));
          });
}

// Drops a held call whose askers have all given up (each was told by its own
// timeout): no budget is spent on it and nothing is delivered. True: dropped.
bool drop_if_given_up(self_pointer self, const std::string& key, time_point now) {
  auto& st = self->state;
  auto pos = st.pending.find(key);
  if (pos == st.pending.end())
    return true;
  auto& waiters = pos->second.waiters;
  if (!std::all_of(waiters.begin(), waiters.end(),
                   [now](const football_waiter& w) { return w.gives_up <= now; }))
    return false;
  st.pending.erase(pos);
  ++st.stats.held_dropped;
  return true;
}

// Whether the held queue is full (football.max-held) without the calls nobody waits for.
bool held_full(self_pointer self, time_point now) {
  auto& held = self->state.held;
  auto max = self->state.config.max_held;
  if (held.size() >= max)
    held.erase(
        std::remove_if(held.begin(), held.end(),
                       [&](const std::string& key) { return drop_if_given_up(self, key, now); }),
        held.end());
  return held.size() >= max;
}

// Charges a call to the first asker whose user has budget left (askers
// without a user never pay); false: nobody may spend one.
bool charge_a_user(football_state& st, const pending_query& query, time_point now) {
  return std::any_of(query.waiters.begin(), query.waiters.end(), [&](const football_waiter& w) {
    return st.user_budget.try_spend(w.user, now);
  });
}

// Sends the held calls the budget now allows; re-arms the timer for the rest
// (calls held by answers still in flight go when those answers arrive).
void release_held(self_pointer self) {
  auto& st = self->state;
  auto now = self->clock().now();
  while (!st.held.empty() && st.quota.next_call_at(now) <= now) {
    auto key = std::move(st.held.front());
    st.held.pop_front();
    if (!drop_if_given_up(self, key, now))
      call_upstream(self, key);
  }
  auto next = st.quota.next_call_at(now);
  if (st.held.empty() || st.quota_tick_armed || next == core::quota_tracker::time_point::max())
    return;
  st.quota_tick_armed = true;
  self->delayed_send(self, next - now, quota_tick_atom::value);
}

// Whether only background askers wait for the query (a user joining a
// background query makes it theirs).
bool only_background(const pending_query& query) {
  return std::all_of(query.waiters.begin(), query.waiters.end(),
                     [](const football_waiter& w) { return w.background; });
}

// Calls upstream now, or holds the call until the minute budget allows it.
// Not made: the day budget is spent (stale data if any, else an error); the
// held queue is full ("busy"); no asker's user has budget left ("wait a minute").
void upstream(self_pointer self, const std::string& key) {
  auto& st = self->state;
  auto now = self->clock().now();
  auto& pending = st.pending.at(key);
  if (pending.query.kind == core::query_kind::status) // not counted against any budget
    return call_upstream(self, key);
  if (st.quota.day_spent(now))
    return serve_stale_or(
        self, key,
        core::transport_error(core::football_errc::quota_exhausted, "daily quota reached"));
  bool hold = st.quota.next_call_at(now) > now || !st.held.empty();
  if (hold && only_background(pending)) {
    ++st.stats.held_refused;
    return deliver(self, key,
                   error_answer(core::transport_error(core::football_errc::busy,
                                                      "background call: no budget to spare now")));
  }
  if (hold && held_full(self, now)) {
    ++st.stats.held_refused;
    return deliver(
        self, key,
        error_answer(core::transport_error(core::football_errc::busy, "held queue full")));
  }
  if (!charge_a_user(st, pending, now)) {
    st.stats.user_refusals += pending.waiters.size();
    return deliver(self, key,
                   error_answer(core::make_football_error(core::football_errc::user_budget,
                                                          "user upstream budget spent")));
  }
  if (hold) {
    ++st.stats.quota_waits;
    st.held.push_back(key);
    return release_held(self);
  }
  call_upstream(self, key);
}

// When an asker with `patience` gives up (max(): never).
time_point gives_up_at(time_point now, caf::timespan patience) {
  return patience >= time_point::max() - now ? time_point::max() : now + patience;
}

caf::result<football_answer> get(self_pointer self, const core::football_query& query,
                                 const football_asker& asker) {
  auto& st = self->state;
  ++st.stats.queries;
  auto key = core::cache_key(query);
  auto promise = self->make_response_promise<football_answer>();
  football_waiter waiter{promise, asker.user, gives_up_at(self->clock().now(), asker.patience),
                         asker.background};
  if (auto pos = st.pending.find(key); pos != st.pending.end()) {
    ++st.stats.coalesced;
    pos->second.waiters.push_back(std::move(waiter));
    return promise;
  }
  st.pending.emplace(key, pending_query{query, {std::move(waiter)}});
  if (query.kind == core::query_kind::status) {
    upstream(self, key); // account data: never cached
    return promise;
  }
  // No timer: the cache answers from memory at once (or CAF answers for it
  // with an error when it is gone), and each asker has its own deadline. A
  // timeout per lookup kept CAF's clock thread waking twice per reply.
  self->request(st.cache, caf::infinite, cache_get_atom::value, key)
      .then(
          [self, key](cache_lookup& lookup) {
            if (!lookup.hit)
              return upstream(self, key);
            ++self->state.stats.cache_hits;
            answer_from_cache(self, key, std::move(lookup));
          },
          [self, key](const caf::error&) { upstream(self, key); });
  return promise;
}

} // namespace

football_actor::behavior_type football(self_pointer self, cache_actor cache,
                                       std::vector<api_fetcher_actor> fetchers,
                                       football_config config) {
  auto& st = self->state;
  st.cache = std::move(cache);
  st.fetchers = std::move(fetchers);
  st.config = config;
  st.quota = core::quota_tracker{config.minute_window};
  st.user_budget = core::user_budget{config.user_upstream_per_minute};
  st.decoded = core::decoded_answers{config.decoded_entries};
  return {
      [self](football_get_atom, const core::football_query& query) {
        return get(self, query, football_asker{});
      },
      [self](football_get_atom, const core::football_query& query, const football_asker& asker) {
        return get(self, query, asker);
      },
      [self](quota_tick_atom) {
        self->state.quota_tick_armed = false;
        release_held(self);
      },
      [self](stats_atom) {
        auto& st = self->state;
        auto stats = st.stats;
        stats.day_remaining = st.quota.day_remaining().value_or(-1);
        stats.minute_remaining = st.quota.minute_remaining().value_or(-1);
        return stats;
      },
  };
}

} // namespace phoenix
