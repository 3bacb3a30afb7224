#include "actors/dispatcher.hpp"

#include "actors/reply_steps.hpp"
#include "core/bot/update_plan.hpp"

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
  if (!chat) {
    chat = self->spawn(conversation, st.config, chat_id, caf::actor_cast<dispatcher_actor>(self));
    self->monitor(chat);
  }
  return chat;
}

// The chat's conversation ends (if it has one): it has no work left.
void stop_conversation(self_pointer self, int64_t chat_id) {
  auto& st = self->state;
  if (auto pos = st.chats.find(chat_id); pos != st.chats.end()) {
    self->demonitor(pos->second.address());
    self->send_exit(pos->second, caf::exit_reason::user_shutdown);
    st.chats.erase(pos);
  }
}

void report_done(self_pointer self, int64_t update_id, int64_t chat_id) {
  auto& st = self->state;
  if (st.poller)
    self->send(caf::actor_cast<telegram_poller_actor>(st.poller), tg_done_atom::value, update_id,
               chat_id);
}

// The chat's updates that waited for a reply made from memory go to its
// conversation, in order.
void hand_on_waiting(self_pointer self, int64_t chat_id) {
  auto& st = self->state;
  auto pos = st.held.find(chat_id);
  if (pos == st.held.end())
    return;
  if (pos->second.empty()) {
    st.held.erase(pos);
    return;
  }
  auto& chat = conversation_of(self, chat_id);
  for (auto& h : pos->second)
    self->send(chat, tg_update_atom::value, h.update);
}

// The reply from memory is out (or failed for good): logged, reported done.
void answered(self_pointer self, const core::telegram_update& update,
              const core::command_work& work, caf::actor_clock::time_point started,
              const std::string& outcome) {
  auto& st = self->state;
  auto latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(self->clock().now() - started);
  log_request(st.config->db, update.chat_id, work.command, work.arguments, latency, outcome);
  if (auto pos = st.held.find(update.chat_id); pos != st.held.end() && !pos->second.empty())
    pos->second.pop_front();
  report_done(self, update.update_id, update.chat_id);
  hand_on_waiting(self, update.chat_id);
}

// Sends a reply made from memory part by part, as a conversation would.
void send_from_memory(self_pointer self, std::shared_ptr<std::vector<outgoing_call>> calls,
                      size_t index, core::telegram_update update,
                      std::shared_ptr<const core::command_work> work,
                      caf::actor_clock::time_point started) {
  auto& st = self->state;
  auto outcome = std::get<core::reply_action>(work->action).outcome;
  if (index >= calls->size())
    return answered(self, update, *work, started, outcome);
  self->request<caf::message_priority::high>(st.config->sender, caf::infinite, tg_send_atom::value,
                                             (*calls)[index])
      .then(
          [=](send_report& report) {
            if (!report.ok)
              return answered(self, update, *work, started, failed_outcome(report));
            send_from_memory(self, calls, index + 1, update, work, started);
          },
          [=](const caf::error&) { answered(self, update, *work, started, "send failed"); });
}

// A chat with nothing in flight whose update needs no data: answered here,
// without waking its conversation (one turn fewer behind other chats' work). Returns
// whether it was.
bool answer_from_memory(self_pointer self, core::telegram_update& update) {
  auto& st = self->state;
  if (update.type != core::telegram_update::kind::message || st.held.count(update.chat_id) != 0)
    return false;
  auto plan = core::plan_update(update, st.config->bot_username,
                                context_for(*st.config, update, update.chat_id));
  if (plan.what != core::update_plan::kind::reply && plan.what != core::update_plan::kind::nothing)
    return false;
  note_user(st.config->db, update, update.chat_id);
  if (plan.what == core::update_plan::kind::nothing) {
    report_done(self, update.update_id, update.chat_id);
    return true;
  }
  auto work = std::make_shared<const core::command_work>(std::move(plan.work));
  auto calls = std::make_shared<std::vector<outgoing_call>>(
      reply_calls(update, update.chat_id, std::get<core::reply_action>(work->action).html, {},
                  retry_window(update, st.config->update_max_age), true));
  st.held[update.chat_id].push_back(held_update{update, 0, true});
  send_from_memory(self, std::move(calls), 0, update, std::move(work), self->clock().now());
  return true;
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
  if (first.from_memory)
    return; // not the conversation's: the rest follow once it is answered
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

dispatcher_state::~dispatcher_state() {
  for (auto& [chat_id, chat] : chats)
    caf::anon_send_exit(chat, caf::exit_reason::user_shutdown);
}

dispatcher_actor::behavior_type dispatcher(self_pointer self,
                                           std::shared_ptr<const conversation_config> config) {
  self->state.flood = core::flood_guard{config->commands_per_minute};
  self->state.config = std::move(config);
  // A conversation that stopped alone (it failed) leaves the map, and its
  // updates are recovered. Those the dispatcher stops are demonitored first.
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& chats = self->state.chats;
    for (auto it = chats.begin(); it != chats.end(); ++it)
      if (it->second.address() == msg.source) {
        auto chat_id = it->first;
        chats.erase(it);
        return recover_chat(self, chat_id, msg.reason);
      }
  });
  return {
      [self](tg_update_atom, core::telegram_update& update) {
        auto& st = self->state;
        if (!st.poller)
          st.poller = caf::actor_cast<caf::actor>(self->current_sender());
        auto verdict =
            core::screen_update(st.flood, update, st.config->bot_username, self->clock().now());
        if (verdict == core::flood_guard::verdict::ignore)
          return report_done(self, update.update_id, update.chat_id);
        if (answer_from_memory(self, update))
          return;
        auto& queue = st.held[update.chat_id];
        queue.push_back(held_update{update, 0});
        if (queue.front().from_memory)
          return; // goes on once the reply ahead of it is out
        self->send(conversation_of(self, update.chat_id), tg_update_atom::value, std::move(update));
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
          if (queue.empty()) {
            st.held.erase(pos);
            // Nothing in flight, nothing queued: a conversation costs a few KB
            // per chat, so with no linger it ends now (its chat's next update
            // spawns a new one; the order is kept by `held`).
            if (st.config->idle_timeout == caf::timespan::zero())
              stop_conversation(self, chat_id);
          }
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
        stop_conversation(self, chat_id);
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
