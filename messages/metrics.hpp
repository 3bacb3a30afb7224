// Payload of the metrics actor: one HTTP request of the metrics server.
#pragma once

#include "core/http/metrics_server.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <string>

namespace phoenix {

struct metrics_request {
  std::string target; ///< path (and query) asked for
  core::metrics_server::responder respond;
};

} // namespace phoenix

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::metrics_request) // local only: holds a callback
