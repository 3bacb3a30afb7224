#include "app/lifecycle.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = lifecycle_actor::stateful_pointer<lifecycle_state>;

void stop_everything(self_pointer self) {
  self->send_exit(self->state.cache, caf::exit_reason::user_shutdown);
  self->quit();
}

} // namespace

lifecycle_actor::behavior_type lifecycle(self_pointer self, cache_actor cache,
                                         std::vector<caf::actor> workers,
                                         caf::timespan flush_deadline) {
  self->state.cache = std::move(cache);
  self->state.workers = std::move(workers);
  return {
      [self, flush_deadline](shutdown_atom) {
        auto& st = self->state;
        if (st.stopping)
          return;
        st.stopping = true;
        for (auto& worker : st.workers)
          self->send_exit(worker, caf::exit_reason::user_shutdown);
        st.workers.clear();
        spdlog::info("shutdown: flushing the cache");
        self->request(st.cache, flush_deadline, flush_now_atom::value)
            .then(
                [self](const flush_report& report) {
                  if (report.written)
                    spdlog::info("shutdown: cache on disk ({} entries, {} bytes)", report.entries,
                                 report.bytes);
                  else
                    spdlog::info("shutdown: cache clean, nothing to write");
                  stop_everything(self);
                },
                [self](const caf::error& err) {
                  spdlog::error("shutdown: cache flush failed: {}", self->system().render(err));
                  stop_everything(self);
                });
      },
  };
}

} // namespace phoenix
