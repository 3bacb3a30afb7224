// Connections, in the style of Beast's http_server_async example: one session
// object per connection whose steps are named handlers, all on the
// connection's strand (the listener is the shared one of fake_http_server.hpp). A long poll parks
// the session: a timer, a wake posted by the state, or the client closing the connection ends the
// wait; no thread ever blocks. Included only by fake_telegram.cpp.
#pragma once

#include "tests/fakes/fake_http_server.hpp"
#include "tests/fakes/fake_telegram_router.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
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
    // The network's jitter: the request reaches Telegram's counting later.
    after_delay(delay_, router_.arrival_delay(req_),
                beast::bind_front_handler(&session::on_arrived, shared_from_this()));
  }

  void on_arrived(beast::error_code ec) {
    if (ec) {
      return;
    }
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
    after_delay(delay_, reply_.delay,
                beast::bind_front_handler(&session::on_delay, shared_from_this()));
  }

  void on_delay(beast::error_code ec) {
    if (ec) {
      return;
    }
    if (reply_.reset) {
      return do_reset();
    }
    const bool keep_alive = prepare_response(reply_.res, req_, false);
    stream_.expires_after(write_timeout);
    http::async_write(
        stream_, reply_.res,
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

  void do_close() { shutdown_send(stream_.socket()); }

  void do_reset() {
    reply_.in_flight.reset();
    reset_connection(stream_.socket());
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

} // namespace phoenix::fakes::telegram_detail
