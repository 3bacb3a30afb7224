// An asynchronous HTTP/1.1 client (Boost.Beast underneath, hidden here so that
// only core/http/http_client.cpp pays Beast's compile cost). One io_context on its
// own threads serves every request of the process; keep-alive connections are
// pooled per host. Completions run on an io thread: actors turn them into
// messages (see the CAF notes: never deliver a promise from here).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phoenix::core {

using http_headers = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method = "GET";
  std::string url; ///< http://host[:port]/target or https://...
  http_headers headers;
  std::string body;
  /// Covers everything: waiting for a connection, resolve, connect, TLS, write, read.
  std::chrono::milliseconds timeout{10000};
  size_t max_response_bytes = size_t{8} << 20;
  /// May be sent again on a fresh connection when a pooled one turns out stale.
  bool idempotent = true;
};

struct http_response {
  unsigned status = 0;
  http_headers headers; ///< names as sent
  std::string body;

  /// The first header named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

enum class http_errc {
  none,
  bad_url,       ///< not http(s)://host[:port]/...
  resolve,       ///< the host name did not resolve
  connect,       ///< refused or unreachable
  tls,           ///< handshake failed, certificate or host name not verified
  timeout,       ///< the request's deadline passed
  too_large,     ///< the response exceeded max_response_bytes
  protocol,      ///< not a valid HTTP/1.1 response
  closed,        ///< the server closed or reset the connection
  shutting_down, ///< the client is being destroyed
};

const char* to_string(http_errc code);

/// Whether a request that failed this way may still have reached the server
/// (the request was or may have been written: a timeout, a reset, a bad or
/// too large answer). Refused connections and name errors never did.
bool may_have_reached_server(http_errc code);

struct http_result {
  http_errc error = http_errc::none;
  std::string message; ///< details for logs (never contains the request URL)
  http_response response;
  bool ok() const { return error == http_errc::none; }
};

using http_callback = std::function<void(http_result)>;

/// An http:// or https:// URL split for a connection: host, port (80 or 443
/// when absent) and the request target ("/" when absent).
struct parsed_url {
  bool tls = false;
  std::string host, port, target;
  /// Connections are pooled per scheme, host and port.
  std::string pool_key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

/// nullopt for another scheme, an empty host or an empty port.
std::optional<parsed_url> parse_url(std::string_view url);

struct http_client_options {
  size_t io_threads = 1;
  size_t max_connections_per_host = 32;
  bool keep_alive = true;    ///< false: one connection per request (benchmarks compare)
  std::string extra_ca_file; ///< a PEM CA trusted besides the system's (tests)
  /// Added to the io threads' nice value (Linux: per thread). A client whose
  /// callbacks do heavy work (decoding answers) gives way to the rest.
  int io_nice = 0;
  /// The io threads' name (at most 15 characters: top, perf, /proc show it).
  std::string thread_name = "phoenix.http";
};

/// Counters, read at any time from any thread.
struct http_client_stats {
  uint64_t requests = 0;
  uint64_t connections_opened = 0;
  uint64_t connections_reused = 0;
  uint64_t stale_retries = 0;
  uint64_t failures = 0;
};

class http_client {
public:
  explicit http_client(http_client_options options);
  /// Stops the io threads; callbacks of requests still running are dropped
  /// uncalled (their actors are stopping too and have their own deadlines).
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Starts a request; `done` runs exactly once, on an io thread. Thread-safe.
  void async_request(http_request request, http_callback done);

  http_client_stats stats() const;

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace phoenix::core
