// Payload types of webhook mode: a request of the webhook server for the
// intake, the intake's counters (see actors.hpp for the messages).
#pragma once

#include "core/http/webhook_server.hpp"
#include "messages/histogram.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <string>

namespace phoenix {

/// One POSTed update that passed the server's checks.
struct webhook_request {
  std::string body;
  core::webhook_server::responder respond;
};

/// Webhook requests by how they were answered, and the acknowledgement latency.
struct webhook_stats {
  uint64_t ok = 0;             ///< 200: committed to the inbox (or a repeat)
  uint64_t bad_request = 0;    ///< 400: not an update (never retried by us)
  uint64_t unauthorized = 0;   ///< 401: missing or wrong secret token
  uint64_t forbidden = 0;      ///< 403: source outside webhook.allowed-networks
  uint64_t not_found = 0;      ///< 404: another path
  uint64_t not_allowed = 0;    ///< 405: not POST
  uint64_t too_large = 0;      ///< 413: over webhook.max-body
  uint64_t unavailable = 0;    ///< 503: the database did not commit in time
  uint64_t repeats = 0;        ///< 200s for updates handled or in hand already
  core::histogram ack_latency; ///< request head read -> 200 written
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, webhook_stats& x) {
  return f(caf::meta::type_name("webhook_stats"), x.ok, x.bad_request, x.unauthorized, x.forbidden,
           x.not_found, x.not_allowed, x.too_large, x.unavailable, x.repeats, x.ack_latency);
}

} // namespace phoenix

// Local only: a callback into the server's connection, and its outcome.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::webhook_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(phoenix::core::webhook_outcome)
