#include "actors/network_edge.hpp"

#include "core/football/upstream_answer.hpp"

#include <caf/all.hpp>
#include <unordered_map>

namespace phoenix {

namespace {

// Requests whose exchange is on the io thread, by exchange id. The promise is
// delivered inside the actor: never from the io thread (a data race in CAF 0.17).
template <class Result> struct edge_state {
  static inline const char* name = "network_edge";
  std::shared_ptr<core::http_client> client;
  std::unordered_map<uint64_t, caf::typed_response_promise<Result>> waiting;
  uint64_t next_id = 1;
};

// Starts one exchange; `read` turns its result into the answer on the io
// thread, with the request's context (the football query) at hand.
template <class Handle, class Result, class Read, class... Context>
caf::result<Result>
start_exchange(typename Handle::template stateful_pointer<edge_state<Result>> self,
               core::http_request& request, Read read, Context... context) {
  auto& st = self->state;
  auto id = st.next_id++;
  auto promise = self->template make_response_promise<Result>();
  st.waiting.emplace(id, promise);
  auto handle = caf::actor_cast<Handle>(self);
  // An urgent request (a getUpdates, a quick reply) comes back urgent too.
  bool urgent = self->current_message_id().is_urgent_message();
  st.client->async_request(
      std::move(request), [handle, id, read, urgent, context...](core::http_result r) {
        if (urgent)
          caf::anon_send<caf::message_priority::high>(handle, http_done_atom::value, id,
                                                      read(context..., std::move(r)));
        else
          caf::anon_send(handle, http_done_atom::value, id, read(context..., std::move(r)));
      });
  return promise;
}

template <class Result> void finish_exchange(edge_state<Result>& st, uint64_t id, Result& result) {
  auto pos = st.waiting.find(id);
  if (pos == st.waiting.end())
    return;
  pos->second.deliver(std::move(result));
  st.waiting.erase(pos);
}

using telegram_self = telegram_edge_actor::stateful_pointer<edge_state<core::http_result>>;
using football_self = football_edge_actor::stateful_pointer<edge_state<core::upstream_answer>>;

telegram_edge_actor::behavior_type telegram_edge(telegram_self self,
                                                 std::shared_ptr<core::http_client> client) {
  self->state.client = std::move(client);
  return {
      [self](http_atom, core::http_request& request) {
        return start_exchange<telegram_edge_actor>(self, request,
                                                   [](core::http_result r) { return r; });
      },
      [self](http_done_atom, uint64_t id, core::http_result& result) {
        finish_exchange(self->state, id, result);
      },
  };
}

football_edge_actor::behavior_type football_edge(football_self self,
                                                 std::shared_ptr<core::http_client> client) {
  self->state.client = std::move(client);
  return {
      [self](http_atom, core::http_request& request, const core::football_query& query) {
        return start_exchange<football_edge_actor>(self, request, &core::read_upstream_answer,
                                                   query);
      },
      [self](http_done_atom, uint64_t id, core::upstream_answer& answer) {
        finish_exchange(self->state, id, answer);
      },
  };
}

} // namespace

telegram_edge_actor spawn_telegram_edge(caf::actor_system& sys,
                                        std::shared_ptr<core::http_client> client) {
  return sys.spawn(telegram_edge, std::move(client));
}

football_edge_actor spawn_football_edge(caf::actor_system& sys,
                                        std::shared_ptr<core::http_client> client) {
  return sys.spawn(football_edge, std::move(client));
}

core::http_result http_failure(const caf::error& err) {
  core::http_result result;
  result.error =
      err == caf::sec::request_timeout ? core::http_errc::timeout : core::http_errc::shutting_down;
  result.message = err == caf::sec::request_timeout ? "no answer from the network edge in time"
                                                    : "the network edge is gone";
  return result;
}

} // namespace phoenix
