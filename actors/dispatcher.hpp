// The dispatcher: one conversation per active chat, spawned on demand; idle
// conversations stop themselves and leave the map.
#pragma once

#include "actors/conversation.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <memory>
#include <unordered_map>

namespace phoenix {

struct dispatcher_state {
  static inline const char* name = "dispatcher";
  std::shared_ptr<const conversation_config> config;
  std::unordered_map<int64_t, conversation_actor> chats;
  std::unordered_map<int64_t, uint64_t> outstanding; ///< updates sent, not yet done, per chat
  caf::actor poller; ///< where handled updates are reported (the sender of updates)
};

dispatcher_actor::behavior_type
dispatcher(dispatcher_actor::stateful_pointer<dispatcher_state> self,
           std::shared_ptr<const conversation_config> config);

} // namespace phoenix
