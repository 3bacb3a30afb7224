// Connections, in the style of Beast's http_server_async example: a listener
// that accepts, and one session object per connection whose steps are named
// handlers. The same session serves plain TCP and TLS (Stream is
// beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>).
// Included only by fake_api_football.cpp.
#pragma once

#include "tests/fakes/fake_api_football_router.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <type_traits>
#include <utility>

namespace phoenix::fakes::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// Idle keep-alive connections are dropped after this, like a real front end.
constexpr std::chrono::seconds idle_timeout(60);
constexpr std::chrono::seconds handshake_timeout(10);

template <class Stream> class session : public std::enable_shared_from_this<session<Stream>> {
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

public:
  template <class... TlsContext>
  session(const router& r, tcp::socket&& socket, TlsContext&... tls)
      : stream_(std::move(socket), tls...), delay_(stream_.get_executor()), router_(r) {}

  void run() {
    // Every handler of this connection runs on its strand.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&session::on_run, this->shared_from_this()));
  }

private:
  void on_run() {
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(handshake_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&session::on_handshake, this->shared_from_this()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      return; // a client that gave up; nothing to answer
    }
    do_read();
  }

  void do_read() {
    req_ = {};
    beast::get_lowest_layer(stream_).expires_after(idle_timeout);
    http::async_read(stream_, buffer_, req_,
                     beast::bind_front_handler(&session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) {
      return do_close();
    }
    if (ec) {
      return; // timeout, reset or garbage: drop the connection
    }
    reply_ = router_.handle(req_);
    if (reply_.delay.count() > 0) {
      // Latency without blocking the thread: other connections go on.
      delay_.expires_after(reply_.delay);
      delay_.async_wait(beast::bind_front_handler(&session::on_delay, this->shared_from_this()));
    } else {
      on_delay({});
    }
  }

  void on_delay(beast::error_code ec) {
    if (ec) {
      return;
    }
    if (reply_.reset) {
      return do_reset();
    }
    auto& res = reply_.res;
    const bool keep_alive = req_.keep_alive() && !reply_.close;
    res.version(req_.version());
    res.keep_alive(keep_alive);
    if (keep_alive && req_.version() == 11) {
      res.set(http::field::connection, "keep-alive");
    }
    res.prepare_payload();
    http::async_write(
        stream_, res,
        beast::bind_front_handler(&session::on_write, this->shared_from_this(), !keep_alive));
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    if (ec) {
      return;
    }
    if (close) {
      return do_close();
    }
    do_read();
  }

  void do_close() {
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(handshake_timeout);
      stream_.async_shutdown(
          beast::bind_front_handler(&session::on_shutdown, this->shared_from_this()));
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  void on_shutdown(beast::error_code) {} // the socket closes with the session

  // Linger 0 makes close() send an RST: the client sees "connection reset".
  void do_reset() {
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.set_option(net::socket_base::linger(true, 0), ec);
    socket.close(ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  reply reply_;
  net::steady_timer delay_;
  const router& router_;
};

/// Accepts connections on 127.0.0.1 and starts a session for each. The
/// acceptor can be closed and reopened on the same port (stop/resume).
class listener : public std::enable_shared_from_this<listener> {
public:
  listener(net::io_context& ioc, ssl::context* tls, const router& r, server_state& state,
           unsigned short port)
      : ioc_(ioc), tls_(tls), router_(r), state_(state), acceptor_(net::make_strand(ioc)),
        retry_(acceptor_.get_executor()) {
    open(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  unsigned short port() const { return endpoint_.port(); }

  void run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&listener::do_accept, shared_from_this()));
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
          std::cerr << "fake-api-football: cannot resume: " << e.what() << '\n';
        }
      }
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
  }

  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&listener::on_accept, shared_from_this()));
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
    state_.count_connection();
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    if (tls_) {
      std::make_shared<session<tls_stream>>(router_, std::move(socket), *tls_)->run();
    } else {
      std::make_shared<session<beast::tcp_stream>>(router_, std::move(socket))->run();
    }
  }

  net::io_context& ioc_;
  ssl::context* tls_;
  const router& router_;
  server_state& state_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  tcp::endpoint endpoint_;
};

} // namespace phoenix::fakes::detail
