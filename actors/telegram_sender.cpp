#include "actors/telegram_sender.hpp"

#include "actors/network_edge.hpp"
#include "core/football/quota_tracker.hpp"

#include <caf/all.hpp>
#include <random>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = telegram_sender_actor::stateful_pointer<telegram_sender_state>;
using clock_type = std::chrono::steady_clock;

constexpr std::chrono::seconds edge_margin{5};
constexpr std::chrono::seconds edge_watch_every{1};

void on_http_done(self_pointer self, uint64_t id, core::http_result& result);

// While any exchange is out, a look once a second for those never answered.
void watch_unanswered(self_pointer self) {
  auto& st = self->state;
  if (st.watch_armed || st.in_flight.empty())
    return;
  st.watch_armed = true;
  self->delayed_send(self, edge_watch_every, tg_watch_atom::value);
}

// The limiter works on the actor clock's time points (virtual in tests).
clock_type::time_point now_of(self_pointer self) {
  return self->clock().now();
}

void send_now(self_pointer self, queued_call item) {
  auto& st = self->state;
  auto id = st.next_id++;
  core::http_request request;
  request.method = "POST";
  request.url = st.config.api_url + "/bot" + st.config.token + "/" + item.call.method;
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = item.call.body;
  request.timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(st.config.request_timeout);
  // The client never resends it on a stale keep-alive connection; the
  // sender itself retries 5xx and network errors (on_http_done), and a retry
  // after a timeout or reset may show the message twice: counted as
  // ambiguous_retries.
  request.idempotent = false;
  if (item.call.chat_id != 0) { // messages count against the limits
    st.busy_chats.insert(item.call.chat_id);
    st.limiter->on_send(item.call.chat_id, item.call.is_group, now_of(self), item.call.paid,
                        item.call.bulk);
  }
  ++item.attempts;
  bool quick = item.call.quick;
  // The client's own timeout answers first; the margin only covers an edge
  // that never does, found by the watch (a CAF timeout per request woke the
  // clock thread twice per reply).
  item.edge_deadline = now_of(self) + st.config.request_timeout + edge_margin;
  st.in_flight.emplace(id, std::move(item));
  watch_unanswered(self);
  auto on_done = [self, id](core::http_result& result) { on_http_done(self, id, result); };
  auto on_error = [self, id](const caf::error& err) {
    auto result = http_failure(err);
    on_http_done(self, id, result);
  };
  if (quick) // ahead of the data replies' exchanges at the edge (see the poller's calls)
    self->request<caf::message_priority::high>(st.config.edge, caf::infinite, http_atom::value,
                                               std::move(request))
        .then(on_done, on_error);
  else
    self->request(st.config.edge, caf::infinite, http_atom::value, std::move(request))
        .then(on_done, on_error);
}

// The exchanges past their edge deadline fail as timeouts (retried like one);
// the edge's late answer, if any, finds nothing in flight.
void fail_unanswered(self_pointer self) {
  auto& st = self->state;
  auto now = now_of(self);
  std::vector<uint64_t> overdue;
  for (auto& [id, item] : st.in_flight)
    if (item.edge_deadline <= now)
      overdue.push_back(id);
  for (auto id : overdue) {
    auto result = http_failure(caf::make_error(caf::sec::request_timeout));
    on_http_done(self, id, result);
  }
}

// One pass over a queue, oldest first, keeping each chat's order: sends what
// the limits allow now, up to `most` calls in flight; notes the earliest slot
// of the calls that must wait.
void send_due(self_pointer self, std::deque<queued_call>& queue, size_t most,
              clock_type::time_point now, clock_type::time_point& earliest) {
  auto& st = self->state;
  std::set<int64_t> passed; // chats with an earlier call that stays queued
  for (auto it = queue.begin(); it != queue.end();) {
    if (st.in_flight.size() >= most)
      break;
    auto chat = it->call.chat_id;
    if (chat != 0 && (passed.count(chat) != 0 || st.busy_chats.count(chat) != 0)) {
      ++it;
      continue;
    }
    auto limit = chat == 0 ? std::max(now, st.limiter->paused_until())
                           : st.limiter->next_slot(chat, it->call.is_group, now, it->call.paid,
                                                   it->call.bulk);
    auto slot = std::max(limit, it->not_before);
    if (slot > now) {
      earliest = std::min(earliest, slot);
      if (chat != 0)
        passed.insert(chat);
      ++it;
      continue;
    }
    auto item = std::move(*it);
    it = queue.erase(it);
    send_now(self, std::move(item));
  }
}

// Sends what the limits allow now: quick replies first, then the rest,
// broadcasts last; arms the timer for the next slot.
void pump(self_pointer self) {
  auto& st = self->state;
  auto now = now_of(self);
  auto earliest = clock_type::time_point::max();
  // One exchange stays free for quick replies: a /help asked while a burst
  // of data replies fills the rest goes out at once, not after one of them.
  auto most = st.config.max_concurrent;
  auto most_for_data = most >= 2 ? most - 1 : most;
  send_due(self, st.quick_queue, most, now, earliest);
  send_due(self, st.queue, most_for_data, now, earliest);
  send_due(self, st.bulk_queue, most_for_data, now, earliest);
  st.stats.queued = st.waiting();
  if (!st.tick_armed && earliest != clock_type::time_point::max()) {
    st.tick_armed = true;
    self->delayed_send(self, std::max(earliest - now, caf::timespan{std::chrono::milliseconds{1}}),
                       tg_tick_atom::value);
  }
}

// Back to the front of the queue: before the chat's later calls.
void requeue(self_pointer self, queued_call item) {
  self->state.queue_of(item.call).push_front(std::move(item));
}

void on_http_done(self_pointer self, uint64_t id, core::http_result& result) {
  auto& st = self->state;
  auto pos = st.in_flight.find(id);
  if (pos == st.in_flight.end())
    return;
  auto item = std::move(pos->second);
  st.in_flight.erase(pos);
  st.busy_chats.erase(item.call.chat_id);
  auto now = now_of(self);
  if (item.call.chat_id != 0) // it reached Telegram by now, if at all
    st.limiter->on_answer(item.call.chat_id, item.call.is_group, now, item.call.paid, result.ok());
  auto answer = result.ok()
                    ? core::parse_bot_api_answer(result.response.status, result.response.body,
                                                 core::result_kept::message_id)
                    : core::bot_api_answer{};
  if (answer.ok || core::is_unchanged_edit(item.call.method, answer)) {
    ++st.stats.sent;
    send_report report{true, 0, {}, 0};
    if (item.call.method == "sendMessage")
      report.message_id = answer.message_id;
    item.promise.deliver(report);
  } else if (answer.error_code == 429) {
    // Everyone waits: Telegram counts the bot, not the chat.
    ++st.stats.rate_limited;
    auto pause = std::chrono::seconds{std::max(1, answer.retry_after)};
    st.stats.paused_ms += static_cast<uint64_t>(std::chrono::milliseconds{pause}.count());
    st.limiter->pause_all_until(now + pause);
    spdlog::warn("telegram_sender: 429, pausing all sending for {} s", pause.count());
    --item.attempts; // a 429 is not a failed attempt
    requeue(self, std::move(item));
  } else if (!result.ok() || answer.error_code >= 500) {
    auto why = result.ok() ? answer.description : std::string{core::to_string(result.error)};
    // A transient failure: the update stays unanswered (and in the inbox)
    // while its reply is retried, for retry_for or max_attempts.
    bool again = item.give_up_at ? now < *item.give_up_at : item.attempts < st.config.max_attempts;
    if (again) {
      ++st.stats.retries;
      if (!result.ok() && core::may_have_reached_server(result.error))
        ++st.stats.ambiguous_retries;
      std::uniform_real_distribution<double> unit{0.0, 1.0};
      static thread_local std::minstd_rand random{std::random_device{}()};
      auto wait = core::full_jitter_backoff(item.attempts - 1, std::chrono::milliseconds{100},
                                            std::chrono::seconds{30}, unit(random));
      item.not_before = now + wait;
      spdlog::debug("telegram_sender: {} failed ({}), retry in {} ms", item.call.method, why,
                    wait.count());
      requeue(self, std::move(item));
    } else {
      ++st.stats.expired;
      spdlog::error("telegram_sender: {} to chat {} given up after {} attempts: {}",
                    item.call.method, item.call.chat_id, item.attempts, why);
      item.promise.deliver(send_report{false, answer.error_code, why, 0, true});
    }
  } else {
    if (answer.error_code == 403 && item.call.chat_id != 0) {
      ++st.stats.blocked;
      // The user blocked the bot: remember, never retry, and send no more alerts.
      caf::anon_send(st.config.db, db_atom::value,
                     core::db::operation{core::db::set_user_active{item.call.chat_id, false}});
      caf::anon_send(st.config.db, db_atom::value,
                     core::db::operation{core::db::drop_subscriptions{item.call.chat_id}});
    } else {
      ++st.stats.failed;
      spdlog::warn("telegram_sender: {} to chat {} refused: {} {}", item.call.method,
                   item.call.chat_id, answer.error_code, answer.description);
    }
    item.promise.deliver(send_report{false, answer.error_code, answer.description, 0});
  }
  pump(self);
}

} // namespace

telegram_sender_actor::behavior_type telegram_sender(self_pointer self,
                                                     telegram_sender_config config) {
  auto& st = self->state;
  st.limiter = std::make_unique<core::send_limiter>(config.limits);
  st.config = std::move(config);
  return {
      [self](tg_send_atom, outgoing_call& call) -> caf::result<send_report> {
        auto promise = self->make_response_promise<send_report>();
        std::optional<caf::actor_clock::time_point> give_up_at;
        if (call.retry_for.count() > 0)
          give_up_at = self->clock().now() + call.retry_for;
        auto& queue = self->state.queue_of(call);
        queue.push_back(queued_call{std::move(call), promise, 0, {}, give_up_at});
        pump(self);
        return promise;
      },
      [self](tg_tick_atom) {
        self->state.tick_armed = false;
        pump(self);
      },
      [self](tg_watch_atom) {
        self->state.watch_armed = false;
        fail_unanswered(self);
        watch_unanswered(self);
      },
      [self](stats_atom) {
        auto stats = self->state.stats;
        stats.queued = self->state.waiting();
        return stats;
      },
  };
}

} // namespace phoenix
