#include "actors/telegram_poller.hpp"

#include "actors/telegram_poller_steps.hpp"
#include "core/bot/bot_text.hpp"
#include "core/football/quota_tracker.hpp"
#include "core/telegram/update_record.hpp"

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
using telegram_poller_steps::schedule_poll;
using telegram_poller_steps::self_pointer;
using telegram_poller_steps::set_webhook;
using telegram_poller_steps::start;
using telegram_poller_steps::stop_holding_if_too_long;
using telegram_poller_steps::take_from_inbox;
using telegram_poller_steps::take_pushed;
namespace db = core::db;

// For operators: the offset is never read back to poll with.
void save_offset(self_pointer self) {
  auto& st = self->state;
  auto offset = st.intake.offset_to_save();
  if (!offset)
    return;
  self->request(st.config.db, std::chrono::seconds{30}, db_atom::value,
                db::operation{db::set_offset{st.bot_id, *offset, st.config.epoch}})
      .then([self](db::reply& r) { telegram_poller_steps::fenced(self, r); },
            [](const caf::error&) {});
}

} // namespace

bool telegram_poller_steps::fenced(self_pointer self, const db::reply& r) {
  if (r.error != db::errc::fenced)
    return false;
  auto& st = self->state;
  spdlog::error("telegram_poller: {}: another instance leads now", r.message);
  st.intake.stop(); // no more polls while the lifecycle stops the instance
  self->send(st.config.lifecycle, lead_lost_atom::value);
  return true;
}

void telegram_poller_steps::schedule_poll(self_pointer self, caf::timespan after) {
  auto& st = self->state;
  if (st.poll_armed)
    return;
  st.poll_armed = true;
  self->delayed_send(self, after, tg_poll_atom::value);
}

// Records handled updates (processed ids; their inbox rows go), one record
// at a time: ids handled meanwhile go together in the next. A record that
// fails (the database restarting) is sent again with the next one: a row left
// in the inbox would be answered again after a restart.
void telegram_poller_steps::record_processed(self_pointer self, std::vector<int64_t> ids,
                                             bool now) {
  auto& st = self->state;
  ids = st.intake.to_record(std::move(ids), now);
  if (ids.empty())
    return;
  // Fenced: another instance leads and this one stops; its ids are not kept.
  auto answered = [self, ids](bool ok, bool go_on) {
    auto& intake = self->state.intake;
    intake.record_answered(ids, ok);
    if (go_on && intake.has_unrecorded())
      record_processed(self, {});
  };
  self->request(st.config.db, caf::infinite, db_atom::value,
                db::operation{db::mark_processed{st.bot_id, ids, st.config.epoch}})
      .then(
          [self, answered](db::reply& r) {
            bool refused = fenced(self, r);
            answered(r.ok() || refused, r.ok());
          },
          [answered](const caf::error&) { answered(false, false); });
}

namespace {

void finish_stop(self_pointer self) {
  auto& st = self->state;
  if (!st.stop_promise)
    return;
  auto offset = st.intake.low_watermark();
  save_offset(self);
  if (st.intake.has_unrecorded())
    record_processed(self, {}, true); // even with one out: nothing is sent after the stop
  auto deliver = [self, offset](const core::bot_api_answer&) {
    if (self->state.stop_promise) {
      self->state.stop_promise->deliver(offset);
      self->state.stop_promise.reset();
    }
  };
  // One last getUpdates with the offset confirms the handled updates to
  // Telegram (a webhook's were confirmed by their 200).
  if (auto confirm = st.intake.offset_to_send(); confirm && !st.config.webhook)
    return call(self, "getUpdates", core::get_updates_body(confirm, 1, 0), std::chrono::seconds{5},
                deliver);
  deliver({});
}

// Updates left the window: finish a stop, or poll for more.
void after_finished(self_pointer self) {
  if (self->state.intake.drained())
    return finish_stop(self);
  poll(self);
}

} // namespace

bool telegram_poller_steps::handled(self_pointer self, int64_t update_id) {
  auto& st = self->state;
  auto latency = st.intake.finish(update_id, self->clock().now());
  if (!latency)
    return false;
  ++st.stats.handled;
  st.stats.latency.observe(*latency);
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
  st.intake.drop(update_ids);
  record_processed(self, std::move(update_ids));
  after_finished(self);
}

namespace {

// Says what the answer meant (the intake decided it); the new updates go on.
void tell(const core::bot_api_answer& answer, const core::poll_outcome& out) {
  using note = core::poll_outcome::note;
  for (auto id : out.renumbered_at)
    spdlog::warn("telegram_poller: Telegram restarted its update ids at {}, below the ones "
                 "seen before; confirming from there",
                 id);
  for (auto& problem : out.problems)
    spdlog::warn("telegram_poller: {}", problem);
  if (out.what == note::conflict)
    spdlog::error("telegram_poller: 409 Conflict: another instance is polling or a webhook is "
                  "set ({})",
                  answer.description);
  else if (out.what == note::unreadable_skipped)
    spdlog::warn("telegram_poller: update {} skipped: not readable JSON ({})", out.skipped,
                 answer.description);
  else if (out.what == note::unreadable)
    spdlog::warn("telegram_poller: getUpdates failed: {}", answer.description);
  else if (out.what == note::failed)
    spdlog::warn("telegram_poller: getUpdates failed: {} {}", answer.error_code,
                 answer.description);
}

void on_poll_answer(self_pointer self, const core::bot_api_answer& answer) {
  auto& st = self->state;
  auto out = st.intake.on_poll_answer(answer);
  tell(answer, out);
  if (answer.ok) {
    st.stats.last_poll_ok_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
    if (!out.fresh.empty())
      dispatch(self, std::move(out.fresh));
    stop_holding_if_too_long(self);
  }
  switch (out.then) {
  case core::poll_outcome::next::poll:
    return poll(self);
  case core::poll_outcome::next::wait:
    return schedule_poll(self, out.wait);
  case core::poll_outcome::next::token_rejected:
    spdlog::critical("telegram_poller: the bot token was rejected (401 Unauthorized); "
                     "check TELEGRAM_BOT_TOKEN");
    self->send(st.config.lifecycle, fatal_atom::value, exit_token_rejected);
    return;
  case core::poll_outcome::next::none:
    return;
  }
}

} // namespace

void telegram_poller_steps::poll(self_pointer self) {
  auto& st = self->state;
  if (st.config.webhook)
    return; // Telegram POSTs the updates
  auto request = st.intake.begin_poll(self->clock().now());
  if (!request) {
    if (auto wait = st.intake.inbox_write_wait())
      schedule_poll(self, *wait);
    return;
  }
  auto timeout_s = std::chrono::duration_cast<std::chrono::seconds>(st.config.poll_timeout);
  save_offset(self);
  if (st.intake.has_unrecorded()) // the database may be back: at least once per poll
    record_processed(self, {});
  call(self, "getUpdates",
       core::get_updates_body(request->offset, request->limit, static_cast<int>(timeout_s.count())),
       std::chrono::milliseconds{timeout_s + std::chrono::seconds{15}},
       [self](const core::bot_api_answer& answer) { on_poll_answer(self, answer); });
}

telegram_poller_actor::behavior_type telegram_poller(self_pointer self,
                                                     telegram_poller_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.intake = core::update_intake{st.config.max_in_flight, st.config.inbox_wait};
  st.queue_cap = core::chat_queue_cap{st.config.max_queued_per_chat};
  if (!st.config.await_leadership) {
    if (st.config.webhook)
      set_webhook(self);
    start(self);
  }
  return {
      [self](leader_atom, int64_t epoch) {
        auto& st = self->state;
        if (!st.config.await_leadership || st.intake.stopping())
          return;
        st.config.await_leadership = false; // once
        st.config.epoch = epoch;
        if (st.config.webhook) // the active instance registers the webhook
          set_webhook(self);
        start(self);
      },
      [self](tg_poll_atom) {
        auto& st = self->state;
        st.poll_armed = false;
        if (!st.intake.started() && !st.intake.stopping())
          return start(self);
        poll(self);
      },
      [self](tg_done_atom, int64_t update_id, int64_t chat_id) {
        if (handled(self, update_id))
          self->state.queue_cap.on_done(chat_id, self->clock().now());
      },
      [self](tg_inbox_atom) { read_inbox(self); },
      [self](tg_push_atom, core::telegram_update& update) { take_pushed(self, std::move(update)); },
      [self](tg_sethook_atom) { set_webhook(self); },
      [self](tg_wake_atom) { take_from_inbox(self); },
      [self](tg_stop_atom) -> caf::result<int64_t> {
        auto& st = self->state;
        st.intake.stop();
        st.stop_promise = self->make_response_promise<int64_t>();
        auto promise = *st.stop_promise;
        if (st.intake.drained())
          finish_stop(self);
        else
          self->delayed_send(self, st.config.drain_deadline, tg_drain_atom::value);
        return promise;
      },
      [self](tg_drain_atom) {
        spdlog::warn("telegram_poller: {} update(s) still in flight at the drain deadline",
                     self->state.intake.in_hand());
        finish_stop(self);
      },
      [self](stats_atom) {
        auto& st = self->state;
        auto stats = st.stats;
        auto& counted = st.intake.counted();
        stats.polls = counted.polls;
        stats.poll_errors = counted.poll_errors;
        stats.received = counted.received;
        stats.renumbered = counted.renumbered;
        stats.in_flight = st.intake.in_flight();
        stats.confirmed_offset = st.intake.low_watermark();
        if (st.webhook_set) // no getUpdates: Telegram's side is well while the webhook is set
          stats.last_poll_ok_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
        return stats;
      },
  };
}

} // namespace phoenix
