#include "actors/live_alerts.hpp"

#include "core/bot/alert_text.hpp"
#include "core/telegram/bot_api.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = live_alerts_actor::stateful_pointer<live_alerts_state>;
namespace db = core::db;

void next_alert(self_pointer self);

// Runs one database step; a failure drops the rest of this alert (logged):
// its claims stay in the table, and the next poll does not bring it again.
template <class F> void db_step(self_pointer self, db::operation op, F on_ok) {
  auto what = db::name_of(op);
  self->request(self->state.config.db, self->state.config.step_timeout, db_atom::value,
                std::move(op))
      .then(
          [self, what, on_ok](db::reply& reply) {
            if (reply.ok())
              return on_ok(reply);
            spdlog::error("live_alerts: {} failed: {}", what, reply.message);
            next_alert(self);
          },
          [self, what](const caf::error& err) {
            spdlog::error("live_alerts: {} failed: {}", what, self->system().render(err));
            next_alert(self);
          });
}

// Hands one call to the sender; counts what became of it and calls
// `on_sent` with the report of a call Telegram accepted.
template <class F> void send_call(self_pointer self, outgoing_call call, F on_sent) {
  call.bulk = true;
  call.retry_for = std::chrono::duration_cast<std::chrono::milliseconds>(
      self->state.config.poll_interval * 10); // a late alert is still worth a try, for a while
  self->request(self->state.config.sender, caf::infinite, tg_send_atom::value, std::move(call))
      .then(
          [self, on_sent](send_report& report) {
            if (report.ok)
              return on_sent(report);
            ++self->state.stats.failed; // a 403 also drops the chat's subscriptions (sender)
          },
          [self](const caf::error& err) {
            ++self->state.stats.failed;
            spdlog::warn("live_alerts: send failed: {}", self->system().render(err));
          });
}

void edit_message(self_pointer self, int64_t chat, int64_t message_id, const std::string& text) {
  if (message_id == 0)
    return;
  outgoing_call call;
  call.method = "editMessageText";
  call.chat_id = chat;
  call.is_group = chat < 0;
  call.body = core::edit_message_text_body(chat, message_id, text, {});
  send_call(self, std::move(call), [self](send_report&) { ++self->state.stats.edited; });
}

// An edit's messages recorded before it: loaded once the records started
// before it are written; the chats edited as their message was accepted
// (current) are skipped.
void load_and_edit(self_pointer self, const std::string& key) {
  auto done = [self, key] { self->state.revisions.edited(key); };
  self->request(self->state.config.db, self->state.config.step_timeout, db_atom::value,
                db::operation{db::load_alert_messages{key}})
      .then(
          [self, key, done](db::reply& sent) {
            auto& revisions = self->state.revisions;
            const std::string* text = revisions.newest(key);
            if (!sent.ok() || text == nullptr) {
              spdlog::error("live_alerts: load_alert_messages {} failed: {}", key, sent.message);
              return done();
            }
            for (size_t i = 0; i < sent.ids.size() && i < sent.message_ids.size(); ++i)
              if (!revisions.current(key, sent.ids[i]))
                edit_message(self, sent.ids[i], sent.message_ids[i], *text);
            done();
          },
          [self, key, done](const caf::error& err) {
            spdlog::error("live_alerts: load_alert_messages {} failed: {}", key,
                          self->system().render(err));
            done();
          });
}

void run_due_edits(self_pointer self) {
  auto& st = self->state;
  while (!st.edits_waiting.empty() &&
         st.revisions.finished_through(st.edits_waiting.front().first)) {
    auto key = std::move(st.edits_waiting.front().second);
    st.edits_waiting.pop_front();
    load_and_edit(self, key);
  }
}

// The message id, for a later edit; a failure leaves the claim unsent, so a
// restart would send the alert to that chat again (logged).
void record_sent(self_pointer self, db::record_alert_sent sent) {
  auto number = self->state.revisions.record_started();
  auto finished = [self, number] {
    self->state.revisions.record_finished(number);
    run_due_edits(self);
  };
  self->request(self->state.config.db, self->state.config.step_timeout, db_atom::value,
                db::operation{sent})
      .then(
          [sent, finished](const db::reply& reply) {
            if (!reply.ok())
              spdlog::error("live_alerts: record_alert_sent {} to chat {} failed: {}",
                            sent.alert_key, sent.chat_id, reply.message);
            finished();
          },
          [self, sent, finished](const caf::error& err) {
            spdlog::error("live_alerts: record_alert_sent {} to chat {} failed: {}", sent.alert_key,
                          sent.chat_id, self->system().render(err));
            finished();
          });
}

// send: every subscriber of either team not sent this key yet gets it.
void fan_out(self_pointer self, const core::live_alert& alert) {
  db::list_subscribers teams{{alert.home.id, alert.away.id}};
  db_step(self, std::move(teams), [self, alert](db::reply& subscribers) {
    if (subscribers.ids.empty())
      return next_alert(self);
    db_step(self, db::claim_alert{alert.key, subscribers.ids}, [self, alert](db::reply& claimed) {
      auto text = std::make_shared<const std::string>(core::alert_text(alert));
      self->state.revisions.sent(alert.key, *text);
      for (int64_t chat : claimed.ids) {
        outgoing_call call;
        call.method = "sendMessage";
        call.chat_id = chat;
        call.is_group = chat < 0;
        call.paid = self->state.config.paid_broadcast;
        call.body = core::broadcast_message_body(chat, *text, call.paid);
        send_call(self, std::move(call), [self, key = alert.key, chat, text](send_report& report) {
          ++self->state.stats.sent;
          record_sent(self, db::record_alert_sent{key, chat, report.message_id});
          // Revised while it was queued (a scorer named late): edited now.
          if (auto newer = self->state.revisions.accepted(key, chat, *text))
            edit_message(self, chat, report.message_id, *newer);
        });
      }
      // The sends are queued (in order per chat): the next alert may start.
      next_alert(self);
    });
  });
}

// edit: the messages the alert went out as get its new text: those still
// queued as they are accepted, those recorded once the records started
// before now are written (core::alert_revisions).
void edit_sent(self_pointer self, const core::live_alert& alert) {
  auto& st = self->state;
  st.revisions.revised(alert.key, core::alert_text(alert));
  st.edits_waiting.emplace_back(st.revisions.last_started(), alert.key);
  run_due_edits(self);
  next_alert(self);
}

// Starts the next alert's fan-out, one alert at a time so that each chat
// gets them in the order of the match.
void next_alert(self_pointer self) {
  auto& st = self->state;
  st.stats.queued = st.todo.size();
  if (st.todo.empty()) {
    st.busy = false;
    return;
  }
  auto alert = std::move(st.todo.front());
  st.todo.pop_front();
  st.stats.queued = st.todo.size();
  if (alert.action == core::alert_action::edit)
    edit_sent(self, alert);
  else
    fan_out(self, alert);
}

void on_live_answer(self_pointer self, const football_answer& answer,
                    const std::vector<int64_t>& teams) {
  auto& st = self->state;
  // Stale data (served because the upstream failed) may be older than the
  // last poll: diffed, it would take goals back. Such a poll counts as failed.
  const auto* fixtures = answer.ok && answer.data && !answer.stale
                             ? std::get_if<std::vector<core::fixture>>(answer.data.get())
                             : nullptr;
  if (fixtures == nullptr) {
    ++st.stats.poll_errors;
    spdlog::warn("live_alerts: no live fixtures this time: {}",
                 answer.stale ? std::string{"only stale data"} : answer.error.detail);
    st.busy = false;
    return;
  }
  ++st.stats.polls;
  for (auto& alert : st.watch.next(core::live_snapshot_of(*fixtures), teams))
    st.todo.push_back(std::move(alert));
  st.stats.alerts += st.todo.size();
  next_alert(self);
}

// One poll: the teams followed; none, no call. Live data from the football
// actor as background work (never holding a user's call back).
void poll(self_pointer self) {
  auto& st = self->state;
  st.busy = true;
  db_step(self, db::subscribed_teams{}, [self](db::reply& teams) {
    auto& st = self->state;
    if (teams.ids.empty()) {
      ++st.stats.idle_ticks;
      st.busy = false;
      return;
    }
    football_asker asker;
    asker.patience = st.config.poll_interval;
    asker.background = true;
    self->request(st.config.football, st.config.step_timeout, football_get_atom::value,
                  core::football_query::live(), asker)
        .then([self, ids = std::move(teams.ids)](
                  football_answer& answer) { on_live_answer(self, answer, ids); },
              [self](const caf::error& err) {
                football_answer failed;
                failed.error.detail = self->system().render(err);
                on_live_answer(self, failed, {});
              });
  });
}

void start(self_pointer self) {
  if (self->state.started)
    return;
  self->state.started = true;
  spdlog::info(
      "live_alerts: polling live fixtures every {} s while anyone is subscribed",
      std::chrono::duration_cast<std::chrono::seconds>(self->state.config.poll_interval).count());
  self->send(self, live_tick_atom::value);
}

} // namespace

live_alerts_actor::behavior_type live_alerts(self_pointer self, live_alerts_config config) {
  self->state.config = std::move(config);
  if (!self->state.config.await_leadership)
    start(self);
  return {
      [self](live_tick_atom) {
        if (self->current_sender() != self->ctrl())
          return; // only its own tick re-arms, or a stray one would start a second chain
        self->delayed_send(self, self->state.config.poll_interval, live_tick_atom::value);
        if (!self->state.busy)
          poll(self);
      },
      [self](leader_atom, int64_t) { start(self); },
      [self](stats_atom) {
        auto stats = self->state.stats;
        stats.queued = self->state.todo.size();
        return stats;
      },
  };
}

} // namespace phoenix
