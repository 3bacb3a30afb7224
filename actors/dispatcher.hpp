// The dispatcher: screens every update with the flood guard (one for all
// chats, by user), answers replies made from memory itself when the chat has
// nothing in flight (a /help does not queue a conversation turn behind other
// chats' work), and hands the rest to one conversation per active chat,
// spawned on demand; idle conversations stop themselves.
#pragma once

#include "actors/conversation.hpp"
#include "core/telegram/send_limiter.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <deque>
#include <memory>
#include <unordered_map>

namespace phoenix {

/// An update sent to its conversation and not yet done: kept so that it is
/// handed to a new conversation if this one dies.
struct held_update {
  core::telegram_update update;
  int deaths = 0; ///< conversations that died while handling it
  /// Answered by the dispatcher itself: the chat's later updates wait for it.
  bool from_memory = false;
};

struct dispatcher_state {
  static inline const char* name = "dispatcher";
  std::shared_ptr<const conversation_config> config;
  /// Monitored, not linked: an unlink walks all of the dispatcher's links
  /// (once per reply, linear in the chats). They stop with it (destructor).
  std::unordered_map<int64_t, conversation_actor> chats;
  std::unordered_map<int64_t, std::deque<held_update>> held; ///< per chat, in order
  core::flood_guard flood{0}; ///< limits.user-commands-per-minute, by user
  caf::actor poller;          ///< where handled updates are reported (the sender of updates)
  uint64_t failed = 0;        ///< updates given up: their conversation died twice on them
  ~dispatcher_state();
};

dispatcher_actor::behavior_type
dispatcher(dispatcher_actor::stateful_pointer<dispatcher_state> self,
           std::shared_ptr<const conversation_config> config);

} // namespace phoenix
