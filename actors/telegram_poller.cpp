#include "actors/telegram_poller.hpp"

#include "actors/telegram_poller_steps.hpp"
#include "core/bot_text.hpp"
#include "core/quota_tracker.hpp"
#include "core/update_record.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using telegram_poller_steps::call;
using telegram_poller_steps::dispatch;
using telegram_poller_steps::exit_token_rejected;
using telegram_poller_steps::handled;
using telegram_poller_steps::poll;
using telegram_poller_steps::read_inbox;
using telegram_poller_steps::record_processed;
using telegram_poller_steps::self_pointer;
using telegram_poller_steps::start;
using telegram_poller_steps::stop_holding_if_too_long;
namespace db = core::db;

constexpr std::chrono::milliseconds max_backoff{30000};

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
  schedule_poll(self, telegram_poller_steps::jittered(st.backoff, max_backoff));
}

// For operators: the offset is never read back to poll with.
void save_offset(self_pointer self) {
  auto& st = self->state;
  auto offset = st.window.low_watermark();
  if (offset == st.saved_offset || offset == 0)
    return;
  st.saved_offset = offset;
  self->request(st.config.db, std::chrono::seconds{30}, db_atom::value,
                db::operation{db::set_offset{st.bot_id, offset}})
      .then([](db::reply&) {}, [](const caf::error&) {});
}

// Records handled updates (processed ids; their inbox rows go). A record that
// fails (the database restarting) is sent again with the next one: a row left
// in the inbox would be answered again after a restart.
} // namespace

void telegram_poller_steps::record_processed(self_pointer self, std::vector<int64_t> ids) {
  auto& st = self->state;
  ids.insert(ids.end(), st.unrecorded.begin(), st.unrecorded.end());
  st.unrecorded.clear();
  auto keep = [self, ids] {
    auto& later = self->state.unrecorded;
    later.insert(later.end(), ids.begin(), ids.end());
  };
  self->request(st.config.db, caf::infinite, db_atom::value,
                db::operation{db::mark_processed{st.bot_id, ids}})
      .then(
          [keep](db::reply& r) {
            if (!r.ok())
              keep();
          },
          [keep](const caf::error&) { keep(); });
}

namespace {

void finish_stop(self_pointer self) {
  auto& st = self->state;
  if (!st.stop_promise)
    return;
  auto offset = st.window.low_watermark();
  save_offset(self);
  if (!st.unrecorded.empty())
    record_processed(self, {});
  auto deliver = [self, offset](const core::bot_api_answer&) {
    if (self->state.stop_promise) {
      self->state.stop_promise->deliver(offset);
      self->state.stop_promise.reset();
    }
  };
  // One last getUpdates with the offset confirms the handled updates to Telegram.
  if (auto confirm = st.window.offset_to_send())
    return call(self, "getUpdates", core::get_updates_body(confirm, 1, 0), std::chrono::seconds{5},
                deliver);
  deliver({});
}

// Held updates (waiting for the inbox) were never dispatched: Telegram sends
// them again after the restart.
bool nothing_in_hand(const telegram_poller_state& st) {
  return st.window.in_flight() == st.held.size();
}

// Updates left the window: finish a stop, or poll for more.
void after_finished(self_pointer self) {
  auto& st = self->state;
  if (st.stopping && nothing_in_hand(st))
    return finish_stop(self);
  if (!st.polling && !st.stopping)
    poll(self);
}

} // namespace

bool telegram_poller_steps::handled(self_pointer self, int64_t update_id) {
  auto& st = self->state;
  if (!st.window.finish(update_id))
    return false;
  ++st.stats.handled;
  if (auto since = st.received_at.find(update_id); since != st.received_at.end()) {
    st.stats.latency.observe(self->clock().now() - since->second);
    st.received_at.erase(since);
  }
  record_processed(self, {update_id});
  after_finished(self);
  return true;
}

bool telegram_poller_steps::admit(self_pointer self, core::telegram_update& update) {
  auto& st = self->state;
  using verdict = core::chat_queue_cap::verdict;
  auto v = st.queue_cap.on_arrival(update.chat_id, core::expects_answer(update, st.bot_username),
                                   self->clock().now());
  if (v == verdict::drop) {
    ++st.stats.flood_dropped;
    return false;
  }
  if (v == verdict::notice) {
    update.flood_notice = true;
    ++st.stats.flood_notices;
    spdlog::info("telegram_poller: chat {} sends more than handlers.max-queued-per-chat ({}); "
                 "the rest of its burst is confirmed without handling",
                 update.chat_id, st.config.max_queued_per_chat);
  }
  return true;
}

void telegram_poller_steps::drop(self_pointer self, std::vector<int64_t> update_ids) {
  auto& st = self->state;
  if (update_ids.empty())
    return;
  for (auto id : update_ids) {
    st.window.finish(id);
    st.received_at.erase(id);
  }
  record_processed(self, std::move(update_ids));
  after_finished(self);
}

namespace {

// Returns how many new updates the answer held.
size_t on_updates(self_pointer self, const core::bot_api_answer& answer) {
  auto& st = self->state;
  if (st.stopping)
    return 0; // not confirmed: Telegram sends them again after the restart
  auto decoded = core::decode_updates("{\"ok\":true,\"result\":" + answer.result_json + "}");
  std::set<int64_t> fresh_ids;
  std::vector<core::telegram_update> fresh;
  for (auto& u : decoded.updates) {
    auto arrival = st.window.arrive(u.update_id);
    if (arrival == core::update_window::arrival::repeat)
      continue; // unconfirmed repeat of something in hand
    if (arrival == core::update_window::arrival::renumbered) {
      ++st.stats.renumbered;
      // Every id of the new numbering is seen first by this process.
      st.handled_before_start = 0;
      spdlog::warn("telegram_poller: Telegram restarted its update ids at {}, below the ones "
                   "seen before; confirming from there",
                   u.update_id);
    }
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
  auto id =
      answer.unreadable_update_id >= st.window.low_watermark() ? answer.unreadable_update_id : 0;
  if (limit > 1) {
    st.one_at_a_time = limit;
    return poll(self);
  }
  if (id != 0 && id == st.unreadable_update) {
    spdlog::warn("telegram_poller: update {} skipped: not readable JSON ({})", id,
                 answer.description);
    st.window.skip(id);
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
  auto in_flight = st.window.in_flight();
  auto room = st.config.max_in_flight > in_flight ? st.config.max_in_flight - in_flight : 0;
  if (room == 0)
    return; // a handled update calls poll again
  auto limit = st.one_at_a_time > 0 ? 1 : static_cast<int>(std::min<size_t>(room, 100));
  // Telegram answers with its earliest unconfirmed updates: when those in hand
  // fill the limit, the answer would hold nothing new (after a full answer, a
  // flood's rest). An update handled or stored calls poll again.
  if (st.window.repeats_ahead() >= static_cast<size_t>(limit))
    return;
  st.polling = true;
  ++st.stats.polls;
  auto timeout_s = std::chrono::duration_cast<std::chrono::seconds>(st.config.poll_timeout);
  save_offset(self);
  if (!st.unrecorded.empty()) // the database may be back: at least once per poll
    record_processed(self, {});
  // No offset unless it confirms something new: Telegram remembers what was
  // confirmed, and a stale offset above renumbered ids would drop them all.
  auto offset = st.window.offset_to_send();
  auto watermark = st.window.low_watermark();
  call(self, "getUpdates",
       core::get_updates_body(offset, limit, static_cast<int>(timeout_s.count())),
       std::chrono::milliseconds{timeout_s + std::chrono::seconds{15}},
       [self, limit, offset, watermark](const core::bot_api_answer& answer) {
         auto& st = self->state;
         st.polling = false;
         if (answer.ok) {
           if (offset)
             st.window.confirmed(*offset);
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
           auto fresh = on_updates(self, answer);
           stop_holding_if_too_long(self);
           if (fresh == 0 && answer.result_json.size() > 2 &&
               st.window.low_watermark() == watermark)
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
  self->state.queue_cap = core::chat_queue_cap{self->state.config.max_queued_per_chat};
  start(self);
  return {
      [self](tg_poll_atom) {
        auto& st = self->state;
        st.poll_armed = false;
        if (!st.started && !st.stopping)
          return start(self);
        poll(self);
      },
      [self](tg_done_atom, int64_t update_id, int64_t chat_id) {
        if (handled(self, update_id))
          self->state.queue_cap.on_done(chat_id, self->clock().now());
      },
      [self](tg_inbox_atom) { read_inbox(self); },
      [self](tg_stop_atom) -> caf::result<int64_t> {
        auto& st = self->state;
        st.stopping = true;
        st.stop_promise = self->make_response_promise<int64_t>();
        auto promise = *st.stop_promise;
        if (nothing_in_hand(st))
          finish_stop(self);
        else
          self->delayed_send(self, st.config.drain_deadline, tg_drain_atom::value);
        return promise;
      },
      [self](tg_drain_atom) {
        spdlog::warn("telegram_poller: {} update(s) still in flight at the drain deadline",
                     self->state.window.in_flight() - self->state.held.size());
        finish_stop(self);
      },
      [self](stats_atom) {
        auto& st = self->state;
        auto stats = st.stats;
        stats.in_flight = st.window.in_flight();
        stats.confirmed_offset = st.window.low_watermark();
        return stats;
      },
  };
}

} // namespace phoenix
