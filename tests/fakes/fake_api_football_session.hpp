// Connections, in the style of Beast's http_server_async example: one session
// object per connection whose steps are named handlers (the listener is the
// shared one of fake_http_server.hpp). The same session serves plain TCP and
// TLS (Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>).
// Included only by fake_api_football.cpp.
#pragma once

#include "tests/fakes/fake_api_football_router.hpp"
#include "tests/fakes/fake_http_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
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
    after_delay(delay_, reply_.delay,
                beast::bind_front_handler(&session::on_delay, this->shared_from_this()));
  }

  void on_delay(beast::error_code ec) {
    if (reply_.counted) {
      router_.answered();
    }
    if (ec) {
      return;
    }
    if (reply_.reset) {
      return do_reset();
    }
    const bool keep_alive = prepare_response(reply_.res, req_, reply_.close);
    http::async_write(
        stream_, reply_.res,
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
      shutdown_send(stream_.socket());
    }
  }

  void on_shutdown(beast::error_code) {} // the socket closes with the session

  void do_reset() { reset_connection(beast::get_lowest_layer(stream_).socket()); }

  Stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  reply reply_;
  net::steady_timer delay_;
  const router& router_;
};

} // namespace phoenix::fakes::detail
