// Connections, in the style of Beast's http_server_async example: a listener
// that accepts, and one session object per connection whose steps are named
// handlers, all on the connection's strand. A long poll parks the session:
// a timer, a wake posted by the state, or the client closing the connection
// ends the wait; no thread ever blocks.
// Included only by fake_telegram.cpp.
#pragma once

#include "tests/fakes/fake_telegram_router.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

namespace phoenix::fakes::telegram_detail {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// Idle keep-alive connections are dropped after this, like a real front end;
// a long poll (at most 50 s) does not count as idle.
constexpr std::chrono::seconds idle_timeout(60);
constexpr std::chrono::seconds write_timeout(30);
constexpr std::uint64_t body_limit = 10 << 20; // bytes of a request body

class session : public std::enable_shared_from_this<session> {
public:
  session(const router& r, tcp::socket&& socket)
      : stream_(std::move(socket)), delay_(stream_.get_executor()),
        wait_timer_(stream_.get_executor()), router_(r) {}

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&session::do_read, shared_from_this()));
  }

private:
  // The header first: a client sending "Expect: 100-continue" (curl does for
  // big bodies) waits for a 100 before the body, as nginx sends it.
  void do_read() {
    parser_.emplace();
    parser_->body_limit(body_limit);
    stream_.expires_after(idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) {
      return do_close();
    }
    if (ec) {
      return; // timeout, reset or garbage: drop the connection
    }
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ = {http::status::continue_, parser_->get().version()};
      return http::async_write(
          stream_, continue_, beast::bind_front_handler(&session::on_continue, shared_from_this()));
    }
    read_body();
  }

  void on_continue(beast::error_code ec, std::size_t) {
    if (!ec) {
      read_body();
    }
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      return;
    }
    req_ = parser_->release();
    const uint64_t seq = ++wait_seq_;
    reply_ = router_.handle(req_, make_waker(seq));
    if (reply_.finish && reply_.wait.count() > 0) {
      return start_wait(seq);
    }
    do_delay();
  }

  // --- a long poll ---------------------------------------------------------------

  /// Thread-safe: called by the state (any thread), runs on_wake on the strand.
  waker make_waker(uint64_t seq) {
    std::weak_ptr<session> weak = shared_from_this();
    auto executor = stream_.get_executor();
    return [weak, executor, seq](wait_end how) {
      net::post(executor, [weak, seq, how] {
        if (auto self = weak.lock()) {
          self->on_wake(seq, how);
        }
      });
    };
  }

  void start_wait(uint64_t seq) {
    waiting_ = true;
    wait_timer_.expires_after(reply_.wait);
    wait_timer_.async_wait(
        beast::bind_front_handler(&session::on_wait_timer, shared_from_this(), seq));
    // Readable while waiting means the client closed (or pipelined).
    stream_.socket().async_wait(
        tcp::socket::wait_read,
        beast::bind_front_handler(&session::on_peer_readable, shared_from_this(), seq));
  }

  void on_wait_timer(uint64_t seq, beast::error_code ec) {
    if (!ec && waiting_ && seq == wait_seq_) {
      end_wait(wait_end::timed_out);
    }
  }

  void on_wake(uint64_t seq, wait_end how) {
    if (waiting_ && seq == wait_seq_) {
      end_wait(how);
    }
  }

  void on_peer_readable(uint64_t seq, beast::error_code ec) {
    if (ec == net::error::operation_aborted || !waiting_ || seq != wait_seq_) {
      return;
    }
    beast::error_code available_ec;
    const std::size_t bytes = stream_.socket().available(available_ec);
    if (ec || available_ec || bytes == 0) {
      end_wait(wait_end::gone);
    }
    // Else a pipelined request: read after this answer.
  }

  void end_wait(wait_end how) {
    waiting_ = false;
    wait_timer_.cancel();
    if (how != wait_end::gone) {
      beast::error_code ec;
      stream_.socket().cancel(ec); // the readability wait
    }
    auto finish = std::move(reply_.finish);
    reply next = finish(how);
    next.delay = reply_.delay;
    next.in_flight = std::move(reply_.in_flight);
    reply_ = std::move(next);
    if (how == wait_end::gone) {
      return do_reset(); // nobody to answer
    }
    do_delay();
  }

  // --- answering -------------------------------------------------------------------

  void do_delay() {
    if (reply_.delay.count() > 0) {
      // Latency without blocking the thread: other connections go on.
      delay_.expires_after(reply_.delay);
      delay_.async_wait(beast::bind_front_handler(&session::on_delay, shared_from_this()));
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
    const bool keep_alive = req_.keep_alive();
    res.version(req_.version());
    res.keep_alive(keep_alive);
    if (keep_alive && req_.version() == 11) {
      res.set(http::field::connection, "keep-alive");
    }
    res.prepare_payload();
    stream_.expires_after(write_timeout);
    http::async_write(
        stream_, res,
        beast::bind_front_handler(&session::on_write, shared_from_this(), !keep_alive));
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    reply_.in_flight.reset();
    if (ec) {
      return;
    }
    if (close) {
      return do_close();
    }
    do_read();
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // Linger 0 makes close() send an RST: the client sees "connection reset".
  void do_reset() {
    reply_.in_flight.reset();
    beast::error_code ec;
    auto& socket = stream_.socket();
    socket.set_option(net::socket_base::linger(true, 0), ec);
    socket.close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  http::request<http::string_body> req_;
  reply reply_;
  net::steady_timer delay_;
  net::steady_timer wait_timer_;
  bool waiting_ = false;
  uint64_t wait_seq_ = 0;
  const router& router_;
};

/// Accepts connections on 127.0.0.1 and starts a session for each. The
/// acceptor can be closed and reopened on the same port (stop/resume).
class listener : public std::enable_shared_from_this<listener> {
public:
  listener(net::io_context& ioc, const router& r, server_state& state, unsigned short port)
      : ioc_(ioc), router_(r), state_(state), acceptor_(net::make_strand(ioc)),
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
          std::cerr << "fake-telegram: cannot resume: " << e.what() << '\n';
        }
      }
      self->accepting_.store(self->acceptor_.is_open());
      if (done) {
        done();
      }
    });
  }

  bool accepting() const { return accepting_.load(); }

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
    std::make_shared<session>(router_, std::move(socket))->run();
  }

  net::io_context& ioc_;
  const router& router_;
  server_state& state_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  tcp::endpoint endpoint_;
  std::atomic<bool> accepting_{false};
};

} // namespace phoenix::fakes::telegram_detail
