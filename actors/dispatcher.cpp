#include "actors/dispatcher.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = dispatcher_actor::stateful_pointer<dispatcher_state>;

// A conversation dying on the same update twice gives it up.
constexpr int deaths_before_giving_up = 2;

conversation_actor& conversation_of(self_pointer self, int64_t chat_id) {
  auto& st = self->state;
  auto& chat = st.chats[chat_id];
  if (!chat)
    chat = self->spawn<caf::linked>(conversation, st.config, chat_id,
                                    caf::actor_cast<dispatcher_actor>(self));
  return chat;
}

void report_done(self_pointer self, int64_t update_id, int64_t chat_id) {
  auto& st = self->state;
  if (st.poller)
    self->send(caf::actor_cast<telegram_poller_actor>(st.poller), tg_done_atom::value, update_id,
               chat_id);
}

// A conversation ended while it held updates: they go, in order, to a new
// one; the update it was handling counts a death, and after the second it
// is given up (reported done and counted) so that it cannot stall the chat
// or the poller's low watermark.
void recover_chat(self_pointer self, int64_t chat_id, const caf::error& reason) {
  auto& st = self->state;
  auto pos = st.held.find(chat_id);
  if (pos == st.held.end() || pos->second.empty()) {
    st.held.erase(chat_id);
    return;
  }
  auto& queue = pos->second;
  auto& first = queue.front();
  if (++first.deaths >= deaths_before_giving_up) {
    ++st.failed;
    spdlog::error("dispatcher: update {} of chat {} given up: its conversation failed on it "
                  "twice ({})",
                  first.update.update_id, chat_id, caf::to_string(reason));
    report_done(self, first.update.update_id, chat_id);
    queue.pop_front();
  } else {
    spdlog::warn("dispatcher: the conversation of chat {} failed ({}); its {} update(s) go to a "
                 "new one",
                 chat_id, caf::to_string(reason), queue.size());
  }
  if (queue.empty()) {
    st.held.erase(pos);
    return;
  }
  auto& chat = conversation_of(self, chat_id);
  for (auto& h : queue)
    self->send(chat, tg_update_atom::value, h.update);
}

} // namespace

dispatcher_actor::behavior_type dispatcher(self_pointer self,
                                           std::shared_ptr<const conversation_config> config) {
  self->state.config = std::move(config);
  // Conversations are linked so that they stop with the dispatcher; one that
  // stopped alone (it failed) leaves the map, and its updates are recovered.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& chats = self->state.chats;
    for (auto it = chats.begin(); it != chats.end(); ++it)
      if (it->second.address() == msg.source) {
        auto chat_id = it->first;
        chats.erase(it);
        return recover_chat(self, chat_id, msg.reason);
      }
    self->quit(msg.reason);
  });
  return {
      [self](tg_update_atom, core::telegram_update& update) {
        auto& st = self->state;
        if (!st.poller)
          st.poller = caf::actor_cast<caf::actor>(self->current_sender());
        auto& chat = conversation_of(self, update.chat_id);
        st.held[update.chat_id].push_back(held_update{update, 0});
        self->send(chat, tg_update_atom::value, std::move(update));
      },
      [self](tg_done_atom, int64_t update_id, int64_t chat_id) {
        auto& st = self->state;
        if (auto pos = st.held.find(chat_id); pos != st.held.end()) {
          auto& queue = pos->second;
          auto it = std::find_if(queue.begin(), queue.end(), [update_id](const held_update& h) {
            return h.update.update_id == update_id;
          });
          if (it != queue.end())
            queue.erase(it);
          if (queue.empty())
            st.held.erase(pos);
        }
        report_done(self, update_id, chat_id);
      },
      [self](bot_name_atom, const std::string& username) {
        auto config = std::make_shared<conversation_config>(*self->state.config);
        config->bot_username = username;
        self->state.config = std::move(config); // for conversations spawned from now on
      },
      [self](idle_atom, int64_t chat_id) {
        auto& st = self->state;
        if (st.held.count(chat_id) != 0)
          return; // an update is on its way to it: not idle after all
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
        stats.failed = st.failed;
        for (auto& [chat, queue] : st.held) {
          stats.queued += queue.size();
          stats.max_queue = std::max<uint64_t>(stats.max_queue, queue.size());
        }
        return stats;
      },
  };
}

} // namespace phoenix
