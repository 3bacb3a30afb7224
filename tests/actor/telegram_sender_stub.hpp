// A stand-in for the telegram_sender under virtual time: it records every
// call and who made it, and answers each by the test's script (ok, a
// failure, or no answer yet).
#pragma once

#include "messages/actors.hpp"

#include <caf/all.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace phoenix::test {

struct sender_script {
  struct call {
    outgoing_call what;
    caf::actor_addr from;
  };
  std::vector<call> calls;
  /// Answers for the next calls, in order; when empty, calls are answered ok.
  /// nullopt: the call is held (never answered).
  std::deque<std::optional<send_report>> answers;
};

struct telegram_sender_stub_state {
  static inline const char* name = "telegram_sender_stub";
  std::vector<caf::typed_response_promise<send_report>> held;
};

inline telegram_sender_actor::behavior_type
telegram_sender_stub(telegram_sender_actor::stateful_pointer<telegram_sender_stub_state> self,
                     std::shared_ptr<sender_script> script) {
  return {
      [self, script](tg_send_atom, outgoing_call& call) -> caf::result<send_report> {
        script->calls.push_back({call, caf::actor_cast<caf::actor_addr>(self->current_sender())});
        std::optional<send_report> answer = send_report{true, 0, {}, 1};
        if (!script->answers.empty()) {
          answer = script->answers.front();
          script->answers.pop_front();
        }
        if (answer)
          return *answer;
        auto promise = self->make_response_promise<send_report>();
        self->state.held.push_back(promise);
        return promise;
      },
      [](tg_tick_atom) {},
      [](stats_atom) { return sender_stats{}; },
  };
}

/// A database pool that answers every operation with an empty success.
inline db_pool_actor::behavior_type quiet_db_pool() {
  return {
      [](db_atom, core::db::operation&) { return core::db::reply{}; },
      [](db_expire_atom) {},
      [](db_tick_atom) {},
      [](db_drain_atom) { return true; },
      [](db_reconnected_atom) {},
      [](stats_atom) { return db_stats{}; },
  };
}

} // namespace phoenix::test
