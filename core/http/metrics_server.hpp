// A small HTTP/1.1 server for /metrics, /healthz and /readyz on its own
// thread. It knows nothing of actors: each request goes to a handler that
// answers later, from any thread, through a responder.
#pragma once

#include <chrono>
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

/// Connections served at once; more are closed as soon as they are accepted.
/// Scrapers and health checks need a handful; the cap keeps a connection
/// flood from taking every file descriptor of the bot.
inline constexpr size_t metrics_max_connections = 64;

/// The wait before accepting again after the `failures`-th accept error in a
/// row: 10 ms, doubling, at most 1 s. A failing accept (EMFILE: out of file
/// descriptors) fails again at once, so retrying at once would spin a core.
std::chrono::milliseconds accept_retry_delay(int failures);

class metrics_server {
public:
  /// Call once per request, from any thread; later calls are ignored.
  using responder = std::function<void(http_answer)>;
  /// Gets the request target (path and query) of every GET.
  using handler = std::function<void(const std::string& target, responder)>;

  /// Listens on "host:port" (port 0: any free port). Throws std::runtime_error
  /// with a sentence naming the address when it cannot listen.
  metrics_server(const std::string& listen, handler on_request,
                 size_t max_connections = metrics_max_connections);
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// The port it listens on.
  uint16_t port() const;
  /// Connections open now (at most max_connections).
  size_t open_connections() const;
  /// Accept errors so far (each followed by a pause, accept_retry_delay).
  uint64_t accept_errors() const;
  /// Connections closed at once because max_connections were open.
  uint64_t refused_connections() const;
  /// Closes the listener and every connection and joins the thread.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::core
