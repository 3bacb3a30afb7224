#include "actors/dispatcher.hpp"

#include <algorithm>
#include <caf/all.hpp>

namespace phoenix {

dispatcher_actor::behavior_type
dispatcher(dispatcher_actor::stateful_pointer<dispatcher_state> self,
           std::shared_ptr<const conversation_config> config) {
  self->state.config = std::move(config);
  // Conversations are linked so that they stop with the dispatcher; one that
  // stopped alone (it failed) leaves the map, and the next update of its chat
  // spawns a new one.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& chats = self->state.chats;
    for (auto it = chats.begin(); it != chats.end(); ++it)
      if (it->second.address() == msg.source) {
        self->state.outstanding.erase(it->first);
        chats.erase(it);
        return;
      }
    self->quit(msg.reason);
  });
  return {
      [self](tg_update_atom, core::telegram_update& update) {
        auto& st = self->state;
        if (!st.poller)
          st.poller = caf::actor_cast<caf::actor>(self->current_sender());
        auto& chat = st.chats[update.chat_id];
        if (!chat) {
          chat = self->spawn<caf::linked>(conversation, st.config, update.chat_id,
                                          caf::actor_cast<dispatcher_actor>(self));
        }
        ++st.outstanding[update.chat_id];
        self->send(chat, tg_update_atom::value, std::move(update));
      },
      [self](tg_done_atom, int64_t update_id, int64_t chat_id) {
        auto& st = self->state;
        if (auto pos = st.outstanding.find(chat_id); pos != st.outstanding.end() && pos->second > 0)
          --pos->second;
        if (st.poller)
          self->send(caf::actor_cast<telegram_poller_actor>(st.poller), tg_done_atom::value,
                     update_id, chat_id);
      },
      [self](bot_name_atom, const std::string& username) {
        auto config = std::make_shared<conversation_config>(*self->state.config);
        config->bot_username = username;
        self->state.config = std::move(config); // for conversations spawned from now on
      },
      [self](idle_atom, int64_t chat_id) {
        auto& st = self->state;
        if (st.outstanding[chat_id] != 0)
          return; // an update is on its way to it: not idle after all
        st.outstanding.erase(chat_id);
        if (auto pos = st.chats.find(chat_id); pos != st.chats.end()) {
          self->unlink_from(pos->second);
          self->send_exit(pos->second, caf::exit_reason::user_shutdown);
          st.chats.erase(pos);
        }
      },
      [self](stats_atom) {
        auto& st = self->state;
        dispatcher_stats stats;
        stats.chats = st.chats.size();
        for (auto& [chat, queued] : st.outstanding) {
          stats.queued += queued;
          stats.max_queue = std::max(stats.max_queue, queued);
        }
        return stats;
      },
  };
}

} // namespace phoenix
