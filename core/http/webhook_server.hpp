// The HTTP server Telegram's webhook POSTs updates to (behind a reverse proxy
// that terminates TLS), on an io thread of its own. It checks what needs no
// actor: the source network (403), the path (404), the method (405), the
// secret token header in constant time (401) and the body size (413); a body
// that passes goes to a handler, which answers later, from any thread,
// through a responder (200 once the update is committed, else 400 or 503).
#pragma once

#include "core/http/webhook_rules.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace phoenix::core {

struct webhook_server_options {
  std::string listen = "127.0.0.1:8081"; ///< host:port (port 0: any free port)
  std::string path = "/telegram-webhook";
  std::string secret_token; ///< required: requests without it get 401
  size_t max_body = 1u << 20;
  std::vector<cidr_block> allowed_networks; ///< empty: any source
  size_t max_connections = 256;
};

/// How one request was answered, for logs and metrics (never the secret).
struct webhook_outcome {
  int status = 0;
  std::chrono::nanoseconds latency{0}; ///< request head read -> answer written
  std::string peer;                    ///< the source address
  std::string reason;                  ///< why it was refused ("" for 200)
};

class webhook_server {
public:
  /// Call once per request, from any thread; later calls are ignored.
  /// `reason` is logged for refusals (never the body or the secret).
  using responder = std::function<void(int status, std::string reason)>;
  using handler = std::function<void(std::string body, responder)>;
  /// Called on the server's thread after each answer is written (or the
  /// connection closed on it).
  using observer = std::function<void(const webhook_outcome&)>;

  /// Throws std::runtime_error naming webhook.listen when it cannot listen.
  webhook_server(webhook_server_options options, handler on_update, observer on_outcome);
  ~webhook_server();
  webhook_server(const webhook_server&) = delete;
  webhook_server& operator=(const webhook_server&) = delete;

  uint16_t port() const;
  /// Closes the listener and every connection and joins the thread.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::core
