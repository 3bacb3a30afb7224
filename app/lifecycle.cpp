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

void shutdown(self_pointer self, caf::timespan deadline) {
  auto& st = self->state;
  if (st.stopping)
    return;
  st.stopping = true;
  if (!st.poller)
    return flush_and_close(self, deadline);
  spdlog::info("shutdown: stopping the poller, letting updates in flight finish");
  // The poller's own drain deadline comes first; this one only guards against a hang.
  self->request(st.poller, deadline + deadline, tg_stop_atom::value)
      .then(
          [self, deadline](int64_t offset) {
            spdlog::info("shutdown: updates confirmed up to offset {}", offset);
            self->send_exit(self->state.poller, caf::exit_reason::user_shutdown);
            flush_and_close(self, deadline);
          },
          [self, deadline](const caf::error& err) {
            spdlog::error("shutdown: poller did not stop cleanly: {}", self->system().render(err));
            self->send_exit(self->state.poller, caf::exit_reason::user_shutdown);
            flush_and_close(self, deadline);
          });
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
  };
}

} // namespace phoenix
