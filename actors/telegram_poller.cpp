#include "actors/telegram_poller.hpp"

#include "actors/telegram_poller_steps.hpp"
#include "core/bot_text.hpp"
#include "core/quota_tracker.hpp"
#include "core/update_record.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <random>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using telegram_poller_steps::call;
using telegram_poller_steps::exit_token_rejected;
using telegram_poller_steps::poll;
using telegram_poller_steps::self_pointer;
using telegram_poller_steps::start;
namespace db = core::db;

constexpr std::chrono::milliseconds max_backoff{30000};

// Everything below may be confirmed: handled, or safe in the inbox.
int64_t low_watermark(const telegram_poller_state& st) {
  for (auto id : st.in_flight)
    if (st.durable.count(id) == 0)
      return id;
  return st.next_update;
}

void schedule_poll(self_pointer self, caf::timespan after) {
  auto& st = self->state;
  if (st.poll_armed)
    return;
  st.poll_armed = true;
  self->delayed_send(self, after, tg_poll_atom::value);
}

// Network trouble, 5xx, 409: wait longer each time (with jitter), up to 30 s.
void back_off(self_pointer self) {
  auto& st = self->state;
  ++st.stats.poll_errors;
  static thread_local std::minstd_rand random{std::random_device{}()};
  std::uniform_real_distribution<double> unit{0.5, 1.0};
  auto wait = std::chrono::milliseconds{static_cast<int64_t>(st.backoff.count() * unit(random))};
  st.backoff = std::min(st.backoff * 2, max_backoff);
  schedule_poll(self, wait);
}

void save_offset(self_pointer self) {
  auto& st = self->state;
  auto offset = low_watermark(st);
  if (offset == st.saved_offset)
    return;
  st.saved_offset = offset;
  self->request(st.config.db, std::chrono::seconds{30}, db_atom::value,
                db::operation{db::set_offset{offset}})
      .then([](db::reply&) {}, [](const caf::error&) {});
}

// Records handled updates (processed ids; their inbox rows go). A record that
// fails (the database restarting) is sent again with the next one: a row left
// in the inbox would be answered again after a restart.
void record_processed(self_pointer self, std::vector<int64_t> ids) {
  auto& st = self->state;
  ids.insert(ids.end(), st.unrecorded.begin(), st.unrecorded.end());
  st.unrecorded.clear();
  auto keep = [self, ids] {
    auto& later = self->state.unrecorded;
    later.insert(later.end(), ids.begin(), ids.end());
  };
  self->request(st.config.db, caf::infinite, db_atom::value, db::operation{db::mark_processed{ids}})
      .then(
          [keep](db::reply& r) {
            if (!r.ok())
              keep();
          },
          [keep](const caf::error&) { keep(); });
}

void finish_stop(self_pointer self) {
  auto& st = self->state;
  if (!st.stop_promise)
    return;
  auto offset = low_watermark(st);
  save_offset(self);
  if (!st.unrecorded.empty())
    record_processed(self, {});
  // One last getUpdates with the offset confirms the handled updates to Telegram.
  call(self, "getUpdates", core::get_updates_body(offset, 1, 0), std::chrono::seconds{5},
       [self, offset](const core::bot_api_answer&) {
         if (self->state.stop_promise) {
           self->state.stop_promise->deliver(offset);
           self->state.stop_promise.reset();
         }
       });
}

void schedule_poll(self_pointer self, caf::timespan after);

void handled(self_pointer self, int64_t update_id) {
  auto& st = self->state;
  if (st.in_flight.erase(update_id) == 0)
    return;
  st.durable.erase(update_id);
  ++st.stats.handled;
  if (auto since = st.received_at.find(update_id); since != st.received_at.end()) {
    st.stats.latency.observe(self->clock().now() - since->second);
    st.received_at.erase(since);
  }
  st.done_above.insert(update_id);
  auto watermark = low_watermark(st);
  st.done_above.erase(st.done_above.begin(), st.done_above.lower_bound(watermark));
  record_processed(self, {update_id});
  if (st.stopping && st.in_flight.empty())
    return finish_stop(self);
  if (!st.polling && !st.stopping)
    poll(self);
}

// Once in the inbox, updates still in flight may be confirmed; those already
// handled meanwhile leave it again (their mark_processed ran first).
void keep_in_inbox(self_pointer self, db::store_updates inbox) {
  auto ids = inbox.update_ids;
  self->request(self->state.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{std::move(inbox)})
      .then(
          [self, ids](db::reply& r) {
            auto& st = self->state;
            if (!r.ok())
              return;
            std::vector<int64_t> finished;
            for (auto id : ids)
              if (st.in_flight.count(id) != 0)
                st.durable.insert(id);
              else
                finished.push_back(id);
            if (!finished.empty())
              record_processed(self, std::move(finished));
            if (!st.polling && !st.stopping)
              poll(self);
          },
          [](const caf::error&) {}); // not durable: stays below the watermark
}

// New updates: those the database already knows (a restart's window) are
// confirmed without handling; the rest go to the dispatcher.
void dispatch(self_pointer self, std::vector<core::telegram_update> updates) {
  auto& st = self->state;
  std::vector<int64_t> ids;
  auto now = self->clock().now();
  for (auto& u : updates) {
    st.in_flight.insert(u.update_id);
    st.received_at.emplace(u.update_id, now);
    ids.push_back(u.update_id);
  }
  // Ids above the highest handled before this start cannot be repeats.
  bool all_new = st.handled_before_start && std::all_of(ids.begin(), ids.end(), [&](int64_t id) {
                   return id > *st.handled_before_start;
                 });
  auto shared = std::make_shared<std::vector<core::telegram_update>>(std::move(updates));
  auto go = [self, shared](const std::vector<int64_t>& already) {
    auto& st = self->state;
    std::set<int64_t> skip(already.begin(), already.end());
    db::store_updates inbox;
    for (auto& u : *shared) {
      if (skip.count(u.update_id) != 0) {
        ++st.stats.duplicates;
        handled(self, u.update_id);
      } else if (u.type == core::telegram_update::kind::other) {
        handled(self, u.update_id); // nothing Phoenix answers: confirm it
      } else {
        inbox.update_ids.push_back(u.update_id);
        inbox.bodies.push_back(core::encode_update_record(u));
        self->send(st.config.dispatcher, tg_update_atom::value, u);
      }
    }
    if (!inbox.update_ids.empty())
      keep_in_inbox(self, std::move(inbox));
  };
  if (all_new)
    return go({});
  self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{db::filter_processed{ids}})
      .then([go](db::reply& r) { go(r.ok() ? r.ids : std::vector<int64_t>{}); },
            [go](const caf::error&) { go({}); }); // database down: answering beats losing
}

// Returns how many new updates the answer held.
size_t on_updates(self_pointer self, const core::bot_api_answer& answer) {
  auto& st = self->state;
  if (st.stopping)
    return 0; // not confirmed: Telegram sends them again after the restart
  auto decoded = core::decode_updates("{\"ok\":true,\"result\":" + answer.result_json + "}");
  std::set<int64_t> fresh_ids;
  std::vector<core::telegram_update> fresh;
  for (auto& u : decoded.updates) {
    if (u.update_id < low_watermark(st) || st.in_flight.count(u.update_id) != 0 ||
        st.done_above.count(u.update_id) != 0)
      continue; // unconfirmed repeat of something in hand
    st.next_update = std::max(st.next_update, u.update_id + 1);
    ++st.stats.received;
    fresh_ids.insert(u.update_id);
    fresh.push_back(std::move(u));
  }
  // An update without an update_id is confirmed only by a later one: when
  // it comes alone, ask for many again (the later ones come along) and do
  // not log it again while Telegram repeats the very same answer.
  bool only_unconfirmable = decoded.updates.empty() && !decoded.problems.empty();
  auto answer_hash = std::hash<std::string>{}(answer.result_json);
  bool repeated = only_unconfirmable && answer_hash == st.unconfirmable_answer;
  st.unconfirmable_answer = only_unconfirmable ? answer_hash : 0;
  if (only_unconfirmable)
    st.one_at_a_time = 0;
  // One line per bad update: not again when an unconfirmed repeat brings it back.
  for (size_t i = 0; i < decoded.problems.size() && !repeated; ++i)
    if (decoded.problem_update_ids[i] == 0 || fresh_ids.count(decoded.problem_update_ids[i]) != 0)
      spdlog::warn("telegram_poller: {}", decoded.problems[i]);
  auto count = fresh.size();
  if (!fresh.empty())
    dispatch(self, std::move(fresh));
  return count;
}

// An answer that does not parse hides every update in it, and Telegram sends
// the same again until the offset passes them: ask for one update at a time
// (for at most as many polls as that answer could hold) until the bad one
// comes alone; once it came alone twice (not garbled on the way), confirm and
// skip it.
void on_unreadable(self_pointer self, const core::bot_api_answer& answer, int limit) {
  auto& st = self->state;
  ++st.stats.poll_errors;
  // Telegram sends nothing below the offset: a lower id was misread.
  auto id = answer.unreadable_update_id >= low_watermark(st) ? answer.unreadable_update_id : 0;
  if (limit > 1) {
    st.one_at_a_time = limit;
    return poll(self);
  }
  if (id != 0 && id == st.unreadable_update) {
    spdlog::warn("telegram_poller: update {} skipped: not readable JSON ({})", id,
                 answer.description);
    st.next_update = std::max(st.next_update, id + 1);
    st.unreadable_update = 0;
    st.one_at_a_time = 0; // the rest may come many at a time again
    return poll(self);
  }
  st.unreadable_update = id;
  if (id != 0)
    return poll(self);
  spdlog::warn("telegram_poller: getUpdates failed: {}", answer.description);
  back_off(self);
}

} // namespace

void telegram_poller_steps::poll(self_pointer self) {
  auto& st = self->state;
  if (st.polling || st.stopping || !st.started)
    return;
  auto room = st.config.max_in_flight > st.in_flight.size()
                  ? st.config.max_in_flight - st.in_flight.size()
                  : 0;
  if (room == 0)
    return; // a handled update calls poll again
  st.polling = true;
  ++st.stats.polls;
  auto timeout_s = std::chrono::duration_cast<std::chrono::seconds>(st.config.poll_timeout);
  save_offset(self);
  if (!st.unrecorded.empty()) // the database may be back: at least once per poll
    record_processed(self, {});
  auto limit = st.one_at_a_time > 0 ? 1 : static_cast<int>(std::min<size_t>(room, 100));
  auto offset = low_watermark(st);
  call(self, "getUpdates",
       core::get_updates_body(offset, limit, static_cast<int>(timeout_s.count())),
       std::chrono::milliseconds{timeout_s + std::chrono::seconds{15}},
       [self, limit, offset](const core::bot_api_answer& answer) {
         auto& st = self->state;
         st.polling = false;
         if (answer.ok) {
           st.backoff = std::chrono::milliseconds{100};
           st.conflicts = 0;
           st.unreadable_update = 0;
           if (st.one_at_a_time > 0)
             --st.one_at_a_time;
           st.stats.last_poll_ok_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count();
           // Only repeats of updates in hand (not yet confirmable): polling at
           // once would get them again at once, so wait for a change or a moment.
           // Repeats only because the offset moved while this poll was out
           // (an update was handled meanwhile): the next poll confirms them.
           if (on_updates(self, answer) == 0 && answer.result_json.size() > 2 &&
               low_watermark(st) == offset)
             return schedule_poll(self, std::chrono::milliseconds{500});
           return poll(self);
         }
         if (answer.error_code == 401) {
           spdlog::critical("telegram_poller: the bot token was rejected (401 Unauthorized); "
                            "check TELEGRAM_BOT_TOKEN");
           self->send(st.config.lifecycle, fatal_atom::value, exit_token_rejected);
           return;
         }
         if (st.stopping)
           return; // our own last getUpdates ended this poll (409): expected
         if (answer.error_code == 409) {
           if (st.conflicts++ == 0)
             spdlog::error("telegram_poller: 409 Conflict: another instance is polling or a "
                           "webhook is set ({})",
                           answer.description);
           return back_off(self);
         }
         if (answer.error_code == 429) {
           ++st.stats.poll_errors;
           return schedule_poll(self, std::chrono::seconds{std::max(1, answer.retry_after)});
         }
         if (answer.error_code == 200) // HTTP 200, but not a Bot API answer
           return on_unreadable(self, answer, limit);
         spdlog::warn("telegram_poller: getUpdates failed: {} {}", answer.error_code,
                      answer.description);
         back_off(self);
       });
}

telegram_poller_actor::behavior_type telegram_poller(self_pointer self,
                                                     telegram_poller_config config) {
  self->state.config = std::move(config);
  start(self);
  return {
      [self](tg_poll_atom) {
        auto& st = self->state;
        st.poll_armed = false;
        if (!st.started && !st.stopping)
          return start(self);
        poll(self);
      },
      [self](http_done_atom, uint64_t id, core::http_result& result) {
        auto& st = self->state;
        auto pos = st.calls.find(id);
        if (pos == st.calls.end())
          return;
        auto next = std::move(pos->second);
        st.calls.erase(pos);
        core::bot_api_answer answer;
        if (result.ok())
          answer = core::parse_bot_api_answer(result.response.status, result.response.body);
        else
          answer.description = std::string{core::to_string(result.error)} + ": " + result.message;
        next(answer);
      },
      [self](tg_done_atom, int64_t update_id, int64_t) { handled(self, update_id); },
      [self](tg_stop_atom) -> caf::result<int64_t> {
        auto& st = self->state;
        st.stopping = true;
        st.stop_promise = self->make_response_promise<int64_t>();
        auto promise = *st.stop_promise;
        if (st.in_flight.empty())
          finish_stop(self);
        else
          self->delayed_send(self, st.config.drain_deadline, tg_drain_atom::value);
        return promise;
      },
      [self](tg_drain_atom) {
        spdlog::warn("telegram_poller: {} update(s) still in flight at the drain deadline",
                     self->state.in_flight.size());
        finish_stop(self);
      },
      [self](stats_atom) {
        auto& st = self->state;
        auto stats = st.stats;
        stats.in_flight = st.in_flight.size();
        stats.confirmed_offset = low_watermark(st);
        return stats;
      },
  };
}

} // namespace phoenix
