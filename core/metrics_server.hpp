// A small HTTP/1.1 server for /metrics, /healthz and /readyz on its own
// thread. It knows nothing of actors: each request goes to a handler that
// answers later, from any thread, through a responder.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace phoenix::core {

struct http_answer {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class metrics_server {
public:
  /// Call once per request, from any thread; later calls are ignored.
  using responder = std::function<void(http_answer)>;
  /// Gets the request target (path and query) of every GET.
  using handler = std::function<void(const std::string& target, responder)>;

  /// Listens on "host:port" (port 0: any free port). Throws std::runtime_error
  /// with a sentence naming the address when it cannot listen.
  metrics_server(const std::string& listen, handler on_request);
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// The port it listens on.
  uint16_t port() const;
  /// Closes the listener and every connection and joins the thread.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::core
