#include "actors/inbox_listener.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

inbox_listener_actor::behavior_type
inbox_listener(inbox_listener_actor::stateful_pointer<inbox_listener_state> self,
               inbox_listener_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.listener = std::make_unique<core::db::inbox_listener>(st.config.conninfo, st.config.bot_id);
  self->send(self, listen_atom::value);
  return {
      [self](listen_atom) {
        auto& st = self->state;
        try {
          // True also for a new connection: what came while it was down is read too.
          if (st.listener->wait(st.config.wait))
            self->send(st.config.poller, tg_wake_atom::value);
          if (st.unreachable_logged)
            spdlog::info("inbox_listener: listening again");
          st.unreachable_logged = false;
        } catch (const std::exception& e) {
          if (!st.unreachable_logged) {
            auto what = std::string{e.what()};
            spdlog::warn("inbox_listener: database unreachable, standbys' webhook updates wait "
                         "in the inbox: {}",
                         what.substr(0, what.find('\n')));
          }
          st.unreachable_logged = true;
          self->delayed_send(self, st.config.retry, listen_atom::value);
          return;
        }
        self->send(self, listen_atom::value);
      },
  };
}

} // namespace phoenix
