// The network edges: the actors through which the poller, the sender and the
// fetchers reach HTTP. Each wraps one core::http_client: a request message
// starts an exchange on the client's io thread, whose completion comes back
// as a message and answers the request. Nothing else in the actors touches a
// socket, so tests replace an edge with a scripted stand-in.
#pragma once

#include "core/http/http_client.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <memory>

namespace phoenix {

/// Telegram's edge over `client`. It lives as long as an actor holds its handle.
telegram_edge_actor spawn_telegram_edge(caf::actor_system& sys,
                                        std::shared_ptr<core::http_client> client);

/// API-Football's edge over `client`; answers are decoded on the client's io thread.
football_edge_actor spawn_football_edge(caf::actor_system& sys,
                                        std::shared_ptr<core::http_client> client);

/// A CAF error in place of an edge's answer (the edge is gone, or no answer
/// came in time) as the HTTP failure it amounts to.
core::http_result http_failure(const caf::error& err);

} // namespace phoenix
