// The poller's database inbox: new updates are kept there (so they may be
// confirmed while still being handled) and, after a restart, the inbox is
// replayed before any new update. Internal to the poller.
#include "actors/telegram_poller_steps.hpp"
#include "core/telegram/update_record.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <set>
#include <spdlog/spdlog.h>
#include <utility>

namespace phoenix::telegram_poller_steps {

namespace db = core::db;

namespace {

// Once in the inbox, updates still in flight may be confirmed; those already
// handled meanwhile leave it again (their mark_processed ran first).
void keep_in_inbox(self_pointer self, db::store_updates inbox) {
  auto ids = inbox.update_ids;
  auto ticket = self->state.intake.storing(self->clock().now());
  // Not durable: those updates stay below the watermark; polls go on.
  auto failed = [self, ticket] {
    self->state.intake.store_failed(ticket);
    poll(self);
  };
  self->request(self->state.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{std::move(inbox)})
      .then(
          [self, ids, ticket, failed](db::reply& r) {
            if (!r.ok()) {
              if (!fenced(self, r))
                failed();
              return;
            }
            auto finished = self->state.intake.stored(ids, ticket);
            if (!finished.empty())
              record_processed(self, std::move(finished));
            poll(self);
          },
          [failed](const caf::error&) { failed(); });
}

// Each update: nothing Phoenix answers (confirmed at once), over its chat's
// cap (returned: the caller drops them), or to the dispatcher (and, when
// `inbox` is given, into it first: the write reaches the database ahead of the
// work the updates start, and the next page may be asked for only once it is
// done). Counts those dispatched in `dispatched`.
std::vector<int64_t> hand_out(self_pointer self, std::vector<core::telegram_update>& updates,
                              db::store_updates* inbox, size_t* dispatched = nullptr) {
  auto& st = self->state;
  std::vector<int64_t> dropped;
  std::vector<const core::telegram_update*> admitted;
  for (auto& u : updates) {
    if (u.type == core::telegram_update::kind::other) {
      handled(self, u.update_id); // nothing Phoenix answers: confirm it
    } else if (!admit(self, u)) {
      dropped.push_back(u.update_id); // over its chat's cap
    } else {
      admitted.push_back(&u);
      if (inbox) {
        inbox->update_ids.push_back(u.update_id);
        inbox->bodies.push_back(core::encode_update_record(u));
      }
    }
  }
  if (inbox && !inbox->update_ids.empty())
    keep_in_inbox(self, std::move(*inbox));
  for (const auto* u : admitted)
    self->send<caf::message_priority::high>(st.config.dispatcher, tg_update_atom::value, *u);
  if (dispatched)
    *dispatched += admitted.size();
  return dropped;
}

} // namespace

// New updates: those the database already knows (a restart's window) are
// confirmed without handling; the rest go to the dispatcher.
void release(self_pointer self, std::vector<core::telegram_update> updates) {
  auto& st = self->state;
  if (st.config.webhook) // committed and checked against handled ids by the intake
    return drop(self, hand_out(self, updates, nullptr));
  bool check = st.intake.needs_dedupe_check(updates);
  std::vector<int64_t> ids;
  for (auto& u : updates)
    ids.push_back(u.update_id);
  auto shared = std::make_shared<std::vector<core::telegram_update>>(std::move(updates));
  auto go = [self, shared](const std::vector<int64_t>& already) {
    auto& st = self->state;
    std::set<int64_t> skip(already.begin(), already.end());
    db::store_updates inbox;
    inbox.bot_id = st.bot_id;
    inbox.epoch = st.config.epoch;
    std::vector<core::telegram_update> fresh;
    for (auto& u : *shared) {
      if (skip.count(u.update_id) != 0) {
        ++st.stats.duplicates;
        handled(self, u.update_id);
      } else {
        fresh.push_back(std::move(u));
      }
    }
    drop(self, hand_out(self, fresh, &inbox));
  };
  if (!check)
    return go({});
  self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{db::filter_processed{st.bot_id, ids}})
      .then([go](db::reply& r) { go(r.ok() ? r.ids : std::vector<int64_t>{}); },
            [go](const caf::error&) { go({}); }); // database down: answering beats losing
}

// Until the inbox of before the restart is read, new updates wait, so that
// no chat's newer update is answered before its older one.
void dispatch(self_pointer self, std::vector<core::telegram_update> updates) {
  auto now = self->clock().now();
  auto going = self->state.intake.take(std::move(updates), now);
  if (!going.empty())
    release(self, std::move(going));
}

void stop_holding_if_too_long(self_pointer self) {
  auto held = self->state.intake.release_if_waited_too_long(self->clock().now());
  if (held.empty())
    return;
  spdlog::warn("telegram_poller: the database inbox is unreadable; answering {} new update(s) "
               "without it after handlers.inbox-wait (its updates come when the database "
               "answers)",
               held.size());
  release(self, std::move(held));
}

namespace {

void inbox_unreadable(self_pointer self) {
  stop_holding_if_too_long(self);
  self->delayed_send(self, self->state.intake.inbox_failed(), tg_inbox_atom::value);
}

// Updates received but not handled before a restart come first; the updates
// held meanwhile (the ones Telegram had not been told of) follow.
void replay_inbox(self_pointer self, const db::reply& r) {
  auto& st = self->state;
  std::vector<core::telegram_update> rows;
  for (auto& body : r.bodies)
    if (auto update = core::decode_update_record(body))
      rows.push_back(std::move(*update));
  size_t replayed = 0;
  auto replaying = st.intake.replay(std::move(rows), self->clock().now());
  auto dropped = hand_out(self, replaying, nullptr, &replayed);
  if (replayed != 0)
    spdlog::info("telegram_poller: {} update(s) from before the restart", replayed);
  drop(self, std::move(dropped));
  auto held = st.intake.take_held();
  if (!held.empty())
    release(self, std::move(held));
  if (std::exchange(st.sweep_after_replay, false))
    take_from_inbox(self);
}

void start_sweep(self_pointer self);

// What may go now, each once: those in hand already are skipped.
void hand_pushed(self_pointer self, std::vector<core::telegram_update> updates) {
  auto& st = self->state;
  for (auto& update : updates) {
    auto going = st.intake.pushed(std::move(update), self->clock().now());
    if (!going.empty())
      drop(self, hand_out(self, going, nullptr));
  }
  stop_holding_if_too_long(self);
}

void end_sweep(self_pointer self, const db::reply* r) {
  if (r == nullptr) { // the database did not answer: what the standbys kept waits
    self->state.sweeps.failed();
    self->delayed_send(self, std::chrono::seconds{1}, tg_wake_atom::value);
    return;
  }
  std::vector<core::telegram_update> rows;
  for (auto& body : r->bodies)
    if (auto update = core::decode_update_record(body))
      rows.push_back(std::move(*update));
  auto ended = self->state.sweeps.end(std::move(rows));
  hand_pushed(self, std::move(ended.going));
  if (ended.sweep_again)
    start_sweep(self);
}

void start_sweep(self_pointer self) {
  auto& st = self->state;
  self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{db::take_standby_updates{st.bot_id}})
      .then(
          [self](db::reply& r) {
            if (!r.ok())
              spdlog::warn("telegram_poller: the inbox could not be read for the standbys' "
                           "updates: {}",
                           r.message);
            end_sweep(self, r.ok() ? &r : nullptr);
          },
          [self](const caf::error&) { end_sweep(self, nullptr); });
}

} // namespace

void take_from_inbox(self_pointer self) {
  auto& st = self->state;
  if (!st.config.webhook || st.config.await_leadership || st.intake.stopping())
    return; // a standby: the active instance takes them
  if (st.intake.inbox_wanted()) {
    st.sweep_after_replay = true;
    return;
  }
  if (st.sweeps.wake())
    start_sweep(self);
}

void take_pushed(self_pointer self, core::telegram_update update) {
  auto& st = self->state;
  if (st.intake.stopping())
    return; // in the inbox: the next start replays it
  // A standby's older update of this chat may come with a running read.
  hand_pushed(self, st.sweeps.push(std::move(update)));
}

// The highest id recorded as handled (ids above it were never handled: no
// database round trip on their way to a reply), then the inbox.
void read_inbox(self_pointer self) {
  auto& st = self->state;
  if (!st.intake.inbox_wanted())
    return;
  self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{db::max_processed{st.bot_id}})
      .then(
          [self](db::reply& r) {
            auto& st = self->state;
            if (!r.ok())
              return inbox_unreadable(self);
            st.intake.handled_before_start(r.count);
            self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                          db::operation{db::load_inbox{st.bot_id}})
                .then(
                    [self](db::reply& r) {
                      if (!r.ok())
                        return inbox_unreadable(self);
                      replay_inbox(self, r);
                    },
                    [self](const caf::error&) { inbox_unreadable(self); });
          },
          [self](const caf::error&) { inbox_unreadable(self); });
}

} // namespace phoenix::telegram_poller_steps
