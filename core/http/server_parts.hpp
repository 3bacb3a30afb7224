// What the metrics server and the webhook server share: the listen address,
// the accept loop on an io thread of its own with a cap on open connections,
// and the slot a session holds while it lives. Asio inside: include only from
// those servers' .cpp files.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace phoenix::core::server_parts {

using tcp = boost::asio::ip::tcp;

/// "host:port" (IPv4, [IPv6], localhost or empty host: 127.0.0.1). Throws
/// std::runtime_error naming `key` when it is not one.
tcp::endpoint parse_listen(const std::string& key, const std::string& listen);

/// Counts a connection as open for as long as its session lives (a responder
/// held by an actor keeps it alive, so the last release may be on any thread).
class connection_slot {
public:
  explicit connection_slot(std::shared_ptr<std::atomic<size_t>> open) : open_(std::move(open)) {
    ++*open_;
  }
  ~connection_slot() { --*open_; }
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;

private:
  std::shared_ptr<std::atomic<size_t>> open_;
};

/// A responder for an actor: runs `answer(args...)` on the session's
/// executor, once (later calls are ignored), from any thread; not at all once
/// the server stopped (its io_context is gone). It owns what `answer` holds
/// (the session) until it answers or is dropped.
template <class Executor, class Answer>
auto answer_once(Executor executor, std::weak_ptr<boost::asio::io_context> io, Answer answer) {
  auto answered = std::make_shared<std::atomic<bool>>(false);
  return [executor, io = std::move(io), answered, answer = std::move(answer)](auto... args) {
    if (answered->exchange(true))
      return;
    if (auto alive = io.lock())
      boost::asio::post(executor, [answer, args...]() mutable { answer(std::move(args)...); });
  };
}

/// Accepts connections on its own io thread and hands each to `on_accept`
/// (on a strand of its own) while fewer than `max_connections` are open;
/// more are closed at once. A failing accept (EMFILE) waits accept_retry_delay.
class listener {
public:
  /// Gets the listener too: its io_context and open-connection counter.
  using session_starter = std::function<void(tcp::socket, const listener&)>;
  /// Throws std::runtime_error naming `key` when it cannot listen.
  listener(const std::string& key, const std::string& listen, size_t max_connections,
           session_starter on_accept);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  std::weak_ptr<boost::asio::io_context> io() const { return io_; }
  const std::shared_ptr<std::atomic<size_t>>& open() const { return open_; }
  uint16_t port() const { return port_; }
  uint64_t accept_errors() const { return accept_errors_.load(); }
  uint64_t refused() const { return refused_.load(); }
  /// Closes the listener and every connection and joins the thread.
  void stop();

private:
  void accept();
  void retry_later();

  std::shared_ptr<boost::asio::io_context> io_ = std::make_shared<boost::asio::io_context>(1);
  tcp::acceptor acceptor_{*io_};
  boost::asio::steady_timer retry_timer_{*io_};
  session_starter on_accept_;
  std::thread thread_;
  uint16_t port_ = 0;
  size_t max_connections_;
  std::shared_ptr<std::atomic<size_t>> open_ = std::make_shared<std::atomic<size_t>>(0);
  std::atomic<uint64_t> accept_errors_{0};
  std::atomic<uint64_t> refused_{0};
  int failures_in_a_row_ = 0;
};

} // namespace phoenix::core::server_parts
