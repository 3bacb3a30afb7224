// The HTTP client's parts: a request on its way (exchange), the per-host
// pools, the client's shared state and one connection, each step a named
// handler. Internal to core/http/http_client.cpp; Beast lives only there and here.
#pragma once

#include "core/http/http_client.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <variant>

namespace phoenix::core {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace http_parts {

// One request on its way: it may wait for a connection, and may be retried
// once on a fresh connection if a pooled one was stale.
struct exchange {
  http_request request;
  parsed_url url;
  http_callback done;
  steady::time_point deadline;
  bool retried = false;
  std::atomic<bool> settled{false};
  std::unique_ptr<asio::steady_timer> wait_timer; // only while queued for a connection

  void finish(http_result result) {
    if (!settled.exchange(true))
      done(std::move(result));
  }
};

using exchange_ptr = std::shared_ptr<exchange>;

inline bool is_stale_error(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

inline http_errc classify(const beast::error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted)
    return http_errc::timeout;
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow)
    return http_errc::too_large;
  if (is_stale_error(ec))
    return http_errc::closed;
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category())
    return http_errc::protocol;
  return http_errc::connect;
}

} // namespace http_parts

using http_parts::exchange;
using http_parts::exchange_ptr;
using http_parts::classify;
using http_parts::is_stale_error;

class connection;

struct host_pool {
  std::mutex mutex;
  std::vector<std::shared_ptr<connection>> idle; // most recently used last
  size_t open = 0;
  std::deque<exchange_ptr> waiting;
};

struct http_client::impl : std::enable_shared_from_this<http_client::impl> {
  http_client_options options;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  ssl::context tls{ssl::context::tls_client};
  std::vector<std::thread> threads;
  std::mutex pools_mutex;
  std::map<std::string, std::shared_ptr<host_pool>> pools;
  std::atomic<uint64_t> requests{0}, opened{0}, reused{0}, stale_retries{0}, failures{0};

  std::shared_ptr<host_pool> pool_for(const std::string& key) {
    std::lock_guard<std::mutex> guard{pools_mutex};
    auto& pool = pools[key];
    if (!pool)
      pool = std::make_shared<host_pool>();
    return pool;
  }

  void dispatch(exchange_ptr ex, bool fresh_only);
  void release(const std::shared_ptr<host_pool>& pool, std::shared_ptr<connection> conn,
               bool reusable);
  void queue(const std::shared_ptr<host_pool>& pool, exchange_ptr ex);
};

// One TCP (or TLS) connection to one host; each step is a named handler.
class connection : public std::enable_shared_from_this<connection> {
public:
  using plain_stream = beast::tcp_stream;
  using tls_stream = beast::ssl_stream<beast::tcp_stream>;

  connection(std::shared_ptr<http_client::impl> client, std::shared_ptr<host_pool> pool,
             const parsed_url& url)
      : client_(std::move(client)), pool_(std::move(pool)), strand_(asio::make_strand(client_->io)),
        resolver_(strand_), resolve_timer_(strand_), host_(url.host) {
    if (url.tls)
      stream_.emplace<tls_stream>(strand_, client_->tls);
    else
      stream_.emplace<plain_stream>(strand_);
  }

  /// Resolves, connects and (for https) handshakes, then sends `ex`.
  void open(exchange_ptr ex) {
    ex_ = std::move(ex);
    reused_ = false;
    ++client_->opened;
    resolve_timer_.expires_at(ex_->deadline);
    resolve_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->resolver_.cancel();
    });
    resolver_.async_resolve(ex_->url.host, ex_->url.port,
                            beast::bind_front_handler(&connection::on_resolve, shared_from_this()));
  }

  /// Sends `ex` over this already open connection.
  void reuse(exchange_ptr ex) {
    ex_ = std::move(ex);
    reused_ = true;
    ++client_->reused;
    asio::dispatch(strand_, [self = shared_from_this()] { self->send(); });
  }

  /// Whether the server has not closed this idle connection (a peek, no wait).
  bool still_open() {
    char byte;
    auto fd = lowest().socket().native_handle();
    auto n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

private:
  beast::tcp_stream& lowest() {
    if (auto* tls = std::get_if<tls_stream>(&stream_))
      return beast::get_lowest_layer(*tls);
    return std::get<plain_stream>(stream_);
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    resolve_timer_.cancel();
    if (ec)
      return fail(ec == asio::error::operation_aborted ? http_errc::timeout : http_errc::resolve,
                  ec.message());
    lowest().expires_at(ex_->deadline);
    lowest().async_connect(results,
                           beast::bind_front_handler(&connection::on_connect, shared_from_this()));
  }

  void on_connect(beast::error_code ec, tcp::endpoint) {
    if (ec)
      return fail(ec == beast::error::timeout ? http_errc::timeout : http_errc::connect,
                  ec.message());
    auto* tls = std::get_if<tls_stream>(&stream_);
    if (tls == nullptr)
      return send();
    // SNI, and the certificate must name the host we asked for.
    if (!SSL_set_tlsext_host_name(tls->native_handle(), host_.c_str()))
      return fail(http_errc::tls, "cannot set SNI");
    tls->set_verify_mode(ssl::verify_peer);
    tls->set_verify_callback(ssl::host_name_verification(host_));
    tls->async_handshake(ssl::stream_base::client,
                         beast::bind_front_handler(&connection::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec)
      return fail(ec == beast::error::timeout ? http_errc::timeout : http_errc::tls, ec.message());
    send();
  }

  void send() {
    auto& r = ex_->request;
    request_ = {};
    request_.method_string(r.method);
    request_.target(ex_->url.target);
    request_.version(11);
    request_.set(http::field::host, ex_->url.host);
    request_.set(http::field::user_agent, "phoenix/0.1");
    for (auto& [name, value] : r.headers)
      request_.set(name, value);
    request_.keep_alive(client_->options.keep_alive);
    if (!r.body.empty() || r.method == "POST") {
      request_.body() = r.body;
      request_.prepare_payload();
    }
    parser_.emplace();
    parser_->body_limit(r.max_response_bytes);
    parser_->header_limit(64 * 1024);
    lowest().expires_at(ex_->deadline);
    auto on_write = beast::bind_front_handler(&connection::on_write, shared_from_this());
    if (auto* tls = std::get_if<tls_stream>(&stream_))
      http::async_write(*tls, request_, std::move(on_write));
    else
      http::async_write(std::get<plain_stream>(stream_), request_, std::move(on_write));
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec)
      return fail_or_retry(ec);
    lowest().expires_at(ex_->deadline);
    auto on_header = beast::bind_front_handler(&connection::on_header, shared_from_this());
    if (auto* tls = std::get_if<tls_stream>(&stream_))
      http::async_read_header(*tls, buffer_, *parser_, std::move(on_header));
    else
      http::async_read_header(std::get<plain_stream>(stream_), buffer_, *parser_,
                              std::move(on_header));
  }

  // The size cap is checked on the announced length before the body is read
  // (Beast 1.74's body_limit did not stop a long Content-Length here).
  void on_header(beast::error_code ec, size_t) {
    if (ec)
      return fail_or_retry(ec);
    auto length = parser_->content_length();
    if (length && *length > ex_->request.max_response_bytes)
      return fail(http_errc::too_large, "Content-Length " + std::to_string(*length));
    auto on_read = beast::bind_front_handler(&connection::on_read, shared_from_this());
    if (auto* tls = std::get_if<tls_stream>(&stream_))
      http::async_read(*tls, buffer_, *parser_, std::move(on_read));
    else
      http::async_read(std::get<plain_stream>(stream_), buffer_, *parser_, std::move(on_read));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec)
      return fail_or_retry(ec);
    if (parser_->get().body().size() > ex_->request.max_response_bytes)
      return fail(http_errc::too_large, "body of " + std::to_string(parser_->get().body().size()));
    auto message = parser_->release();
    http_result result;
    result.response.status = message.result_int();
    for (auto& field : message)
      result.response.headers.emplace_back(std::string{field.name_string()},
                                           std::string{field.value()});
    result.response.body = std::move(message.body());
    bool reusable = client_->options.keep_alive && message.keep_alive();
    lowest().expires_never();
    auto ex = std::move(ex_);
    client_->release(pool_, shared_from_this(), reusable);
    ex->finish(std::move(result));
  }

  // A pooled connection the server closed meanwhile: one more try, fresh.
  void fail_or_retry(beast::error_code ec) {
    if (reused_ && ex_->request.idempotent && !ex_->retried && is_stale_error(ec) &&
        (!parser_ || !parser_->got_some())) {
      ex_->retried = true;
      ++client_->stale_retries;
      auto ex = std::move(ex_);
      close();
      client_->release(pool_, shared_from_this(), false);
      client_->dispatch(std::move(ex), true);
      return;
    }
    fail(classify(ec), ec.message());
  }

  void fail(http_errc code, std::string message) {
    ++client_->failures;
    close();
    auto ex = std::move(ex_);
    client_->release(pool_, shared_from_this(), false);
    http_result result;
    result.error = code;
    result.message = std::move(message);
    if (ex)
      ex->finish(std::move(result));
  }

  void close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  std::shared_ptr<http_client::impl> client_;
  std::shared_ptr<host_pool> pool_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  asio::steady_timer resolve_timer_;
  std::string host_;
  std::variant<std::monostate, plain_stream, tls_stream> stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  exchange_ptr ex_;
  bool reused_ = false;
};

} // namespace phoenix::core
