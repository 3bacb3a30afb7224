// What both fake servers share below their sessions: an io_context on its own
// threads, a listener on 127.0.0.1 that can stop and resume accepting on the
// same port, and the few steps every session takes to answer or drop a
// request. Each fake keeps its own session class, since how they read and
// wait differs. Included only by the fakes' .cpp files.
#pragma once

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace phoenix::fakes {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// --- session steps -------------------------------------------------------------

/// An HTTP/1.1 answer; version, keep-alive and length are set when it is sent.
inline http::response<http::string_body> make_response(http::status status, const char* server,
                                                       const char* content_type, std::string body) {
  http::response<http::string_body> res{status, 11};
  res.set(http::field::server, server);
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

/// Sets the version and keep-alive from the request and the length from the
/// body; returns whether the connection stays open after this answer.
inline bool prepare_response(http::response<http::string_body>& res,
                             const http::request<http::string_body>& req, bool close) {
  const bool keep_alive = req.keep_alive() && !close;
  res.version(req.version());
  res.keep_alive(keep_alive);
  if (keep_alive && req.version() == 11) {
    res.set(http::field::connection, "keep-alive");
  }
  res.prepare_payload();
  return keep_alive;
}

/// Calls `handler` with no error after `delay` (at once when it is zero).
/// A timer rather than a sleep, so other connections go on meanwhile.
template <class Handler>
void after_delay(net::steady_timer& timer, std::chrono::milliseconds delay, Handler&& handler) {
  if (delay.count() > 0) {
    timer.expires_after(delay);
    timer.async_wait(std::forward<Handler>(handler));
  } else {
    handler(beast::error_code{});
  }
}

/// Half-closes a plain connection: the client reads the end of the stream.
inline void shutdown_send(tcp::socket& socket) {
  beast::error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

/// Linger 0 makes close() send an RST: the client sees "connection reset".
inline void reset_connection(tcp::socket& socket) {
  beast::error_code ec;
  socket.set_option(net::socket_base::linger(true, 0), ec);
  socket.close(ec);
}

// --- listener ------------------------------------------------------------------

/// Accepts connections on 127.0.0.1 and hands each socket (on a strand of its
/// own) to `start_session`. The acceptor can be closed and reopened on the
/// same port (stop/resume).
class http_listener : public std::enable_shared_from_this<http_listener> {
public:
  using session_starter = std::function<void(tcp::socket&&)>;

  /// `name` prefixes the messages on stderr. Throws when the port cannot be bound.
  http_listener(net::io_context& ioc, unsigned short port, std::string name,
                session_starter start_session)
      : ioc_(ioc), name_(std::move(name)), start_session_(std::move(start_session)),
        acceptor_(net::make_strand(ioc)), retry_(acceptor_.get_executor()) {
    open(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  unsigned short port() const { return endpoint_.port(); }
  bool accepting() const { return accepting_.load(); }

  void run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&http_listener::do_accept, shared_from_this()));
  }

  /// Closes or reopens the acceptor on its strand, then calls `done`.
  void set_accepting(bool on, std::function<void()> done) {
    net::dispatch(acceptor_.get_executor(), [self = shared_from_this(), on, done] {
      if (!on && self->acceptor_.is_open()) {
        beast::error_code ec;
        self->acceptor_.close(ec);
      } else if (on && !self->acceptor_.is_open()) {
        try {
          self->open(self->endpoint_);
          self->do_accept();
        } catch (const std::exception& e) {
          std::cerr << self->name_ << ": cannot resume: " << e.what() << '\n';
        }
      }
      self->accepting_.store(self->acceptor_.is_open());
      if (done) {
        done();
      }
    });
  }

private:
  void open(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
      acceptor_.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(endpoint.port()) +
                               ": " + ec.message());
    }
    endpoint_ = acceptor_.local_endpoint();
    accepting_.store(true);
  }

  void do_accept() {
    acceptor_.async_accept(
        net::make_strand(ioc_),
        beast::bind_front_handler(&http_listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
      if (!ec) {
        start_session(std::move(socket)); // accepted just before the stop
      }
      return;
    }
    if (ec) {
      // E.g. out of file descriptors: try again shortly rather than spin.
      retry_.expires_after(std::chrono::milliseconds(10));
      retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && self->acceptor_.is_open()) {
          self->do_accept();
        }
      });
      return;
    }
    start_session(std::move(socket));
    do_accept();
  }

  void start_session(tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    start_session_(std::move(socket));
  }

  net::io_context& ioc_;
  const std::string name_;
  const session_starter start_session_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  tcp::endpoint endpoint_;
  std::atomic<bool> accepting_{false};
};

// --- server --------------------------------------------------------------------

/// The fake whose thread this is, if any: a control request served on the
/// fake's own threads must not wait for work queued behind itself.
inline thread_local const void* serving_fake = nullptr;

/// An io_context, the listener, and the threads that run them from start()
/// until stop() (or destruction). Sessions live in the io_context, so
/// whatever they use must outlive this object.
class http_server {
public:
  http_server(unsigned short port, std::string name, http_listener::session_starter start_session)
      : work_(net::make_work_guard(ioc_)),
        listener_(std::make_shared<http_listener>(ioc_, port, std::move(name),
                                                  std::move(start_session))) {}
  ~http_server() { stop(); }
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  void start(int threads) {
    listener_->run();
    const int n = threads < 1 ? 1 : threads;
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this] {
        serving_fake = this;
        ioc_.run();
      });
    }
  }

  /// Ends the threads; pending handlers stay until destruction. Idempotent.
  void stop() {
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      t.join();
    }
    threads_.clear();
  }

  net::io_context& context() { return ioc_; }
  unsigned short port() const { return listener_->port(); }
  bool accepting() const { return listener_->accepting(); }

  /// Waits for the acceptor unless called from this server's own threads.
  void set_accepting(bool on) {
    if (serving_fake == this) {
      return listener_->set_accepting(on, nullptr);
    }
    std::promise<void> done;
    listener_->set_accepting(on, [&done] { done.set_value(); });
    done.get_future().wait();
  }

private:
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::shared_ptr<http_listener> listener_;
  std::vector<std::thread> threads_;
};

} // namespace phoenix::fakes
