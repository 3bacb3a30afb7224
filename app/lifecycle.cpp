#include "app/lifecycle.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = lifecycle_actor::stateful_pointer<lifecycle_state>;

void stop_all(self_pointer self, const std::vector<caf::actor>& actors) {
  for (auto& a : actors)
    self->send_exit(a, caf::exit_reason::user_shutdown);
}

void flush_and_close(self_pointer self, caf::timespan deadline) {
  auto& st = self->state;
  stop_all(self, st.parts.workers);
  spdlog::info("shutdown: flushing the cache");
  auto close = [self, deadline] {
    auto& st = self->state;
    self->send_exit(st.parts.cache, caf::exit_reason::user_shutdown);
    auto finish = [self] {
      stop_all(self, self->state.parts.last);
      if (self->state.leadership)
        self->send_exit(self->state.leadership, caf::exit_reason::user_shutdown);
      self->quit();
    };
    if (!st.parts.db)
      return finish();
    // The records of the last handled updates are still on their way.
    self->request(st.parts.db, deadline, db_drain_atom::value)
        .then([finish](bool) { finish(); },
              [self, finish](const caf::error& err) {
                spdlog::error("shutdown: database writes did not finish: {}",
                              self->system().render(err));
                finish();
              });
  };
  self->request(st.parts.cache, deadline, flush_now_atom::value)
      .then(
          [close](const flush_report& report) {
            if (report.written)
              spdlog::info("shutdown: cache on disk ({} entries, {} bytes)", report.entries,
                           report.bytes);
            else
              spdlog::info("shutdown: cache clean, nothing to write");
            close();
          },
          [self, close](const caf::error& err) {
            spdlog::error("shutdown: cache flush failed: {}", self->system().render(err));
            close();
          });
}

// A standby takes over as soon as the lock is free: only after the poller's
// last records reached the database (else it would replay what was handled).
void resign_then_close(self_pointer self, caf::timespan deadline) {
  auto& st = self->state;
  if (!st.leadership)
    return flush_and_close(self, deadline);
  auto resign = [self, deadline] {
    self->request(self->state.leadership, deadline, resign_atom::value)
        .then([self, deadline](bool) { flush_and_close(self, deadline); },
              [self, deadline](const caf::error&) { flush_and_close(self, deadline); });
  };
  if (!st.parts.db || !st.poller)
    return resign();
  self->request(st.parts.db, deadline, db_drain_atom::value)
      .then([resign](bool) { resign(); }, [resign](const caf::error&) { resign(); });
}

void shutdown(self_pointer self, caf::timespan deadline) {
  auto& st = self->state;
  if (st.stopping)
    return;
  st.stopping = true;
  if (!st.poller)
    return resign_then_close(self, deadline);
  spdlog::info("shutdown: stopping the poller, letting updates in flight finish");
  // The poller's own drain deadline comes first; this one only guards against a hang.
  self->request(st.poller, deadline + deadline, tg_stop_atom::value)
      .then(
          [self, deadline](int64_t offset) {
            spdlog::info("shutdown: updates confirmed up to offset {}", offset);
            self->send_exit(self->state.poller, caf::exit_reason::user_shutdown);
            resign_then_close(self, deadline);
          },
          [self, deadline](const caf::error& err) {
            spdlog::error("shutdown: poller did not stop cleanly: {}", self->system().render(err));
            self->send_exit(self->state.poller, caf::exit_reason::user_shutdown);
            resign_then_close(self, deadline);
          });
}

// Another instance leads: nothing more may reach Telegram from here. The
// rest stops in order (the records are refused anyway: fenced).
void leadership_lost(self_pointer self, caf::timespan deadline) {
  auto& st = self->state;
  if (st.lost)
    return;
  st.lost = true;
  spdlog::error("leadership: lost; stopping the poller and the sender now (exit code {})",
                exit_leadership_lost);
  if (st.exit_code)
    *st.exit_code = exit_leadership_lost;
  if (st.poller)
    self->send_exit(st.poller, caf::exit_reason::kill);
  if (st.parts.sender)
    self->send_exit(st.parts.sender, caf::exit_reason::kill);
  if (st.live)
    self->send_exit(st.live, caf::exit_reason::kill);
  st.poller = telegram_poller_actor{};
  shutdown(self, deadline);
}

} // namespace

lifecycle_actor::behavior_type lifecycle(self_pointer self, lifecycle_parts parts,
                                         caf::timespan flush_deadline,
                                         std::shared_ptr<std::atomic<int>> exit_code) {
  self->state.parts = std::move(parts);
  self->state.exit_code = std::move(exit_code);
  return {
      [self, flush_deadline](shutdown_atom) { shutdown(self, flush_deadline); },
      [self, flush_deadline](fatal_atom, int code) {
        if (self->state.exit_code)
          *self->state.exit_code = code;
        shutdown(self, flush_deadline);
      },
      [self](manage_atom, telegram_poller_actor& poller) {
        self->state.poller = std::move(poller);
      },
      [self](leader_atom, int64_t epoch) {
        auto& st = self->state;
        if (st.stopping || st.lost || !st.poller)
          return; // the lock goes with the leadership actor at the end
        self->send(st.poller, leader_atom::value, epoch);
        if (st.parts.jobs)
          self->send(st.parts.jobs, leader_atom::value, epoch);
        if (st.webhook)
          self->send(st.webhook, leader_atom::value, epoch);
        if (st.live)
          self->send(st.live, leader_atom::value, epoch);
      },
      [self, flush_deadline](lead_lost_atom) { leadership_lost(self, flush_deadline); },
      [self](manage_atom, leadership_actor& leadership) {
        self->state.leadership = std::move(leadership);
      },
      [self](manage_atom, telegram_webhook_actor& webhook) {
        self->state.webhook = std::move(webhook);
      },
      [self](manage_atom, live_alerts_actor& live) { self->state.live = std::move(live); },
  };
}

} // namespace phoenix
