#include "core/http/webhook_server.hpp"

#include "core/http/server_parts.hpp"

#include <array>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>
#include <optional>

namespace phoenix::core {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

// A request must arrive (and its answer leave) within this time; the wait
// for the handler (the database) is the handler's to bound.
constexpr auto exchange_deadline = std::chrono::seconds{10};

constexpr const char* secret_header = "X-Telegram-Bot-Api-Secret-Token";

struct shared_parts {
  webhook_server_options options;
  webhook_server::handler on_update;
  webhook_server::observer on_outcome;
};

// One connection: read a request head, check it, read the body, ask the
// handler, write its answer, repeat.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, const shared_parts& parts, const server_parts::listener& from)
      : slot_(from.open()), stream_(std::move(socket)), parts_(parts), io_(from.io()) {
    beast::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec)
      peer_ = remote.address().to_string();
  }

  void start() { read_head(); }

private:
  void read_head() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // Beast refuses a long Content-Length while reading the head; the checks
    // below go first (a request without the secret gets 401, not 413).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max()); // not none: 1.74 compares it
    stream_.expires_after(exchange_deadline);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_head_read(ec); });
  }

  // What needs no body: refused before it is read (the connection closes after).
  void on_head_read(beast::error_code ec) {
    if (ec)
      return close();
    started_ = steady::now();
    auto& head = parser_->get();
    auto target = std::string(head.target());
    auto path = target.substr(0, target.find('?'));
    if (!address_allowed(parts_.options.allowed_networks, peer_))
      return refuse(403, "source address outside webhook.allowed-networks");
    if (path != parts_.options.path)
      return refuse(404, "unknown path");
    if (head.method() != http::verb::post)
      return refuse(405, "method " + std::string(head.method_string()) + " (only POST)");
    auto secret = head[secret_header];
    if (secret.empty())
      return refuse(401, "no secret token header");
    if (!constant_time_equal({secret.data(), secret.size()}, parts_.options.secret_token))
      return refuse(401, "wrong secret token");
    if (auto length = parser_->content_length(); length && *length > parts_.options.max_body)
      return refuse(413, "body of " + std::to_string(*length) + " bytes over webhook.max-body");
    parser_->body_limit(parts_.options.max_body); // a chunked body counts as it arrives
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body_read(ec); });
  }

  void on_body_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return refuse(413, "body over webhook.max-body");
    if (ec)
      return close();
    keep_alive_ = parser_->get().keep_alive();
    parts_.on_update(
        std::move(parser_->get().body()),
        server_parts::answer_once(stream_.get_executor(), io_,
                                  [self = shared_from_this()](int status, std::string why) {
                                    self->write_answer(status, std::move(why));
                                  }));
  }

  void refuse(int status, std::string why) {
    keep_alive_ = false; // the body (if any) was not read
    write_answer(status, std::move(why));
  }

  void write_answer(int status, std::string why) {
    outcome_ = webhook_outcome{status, steady::now() - started_, peer_, std::move(why)};
    auto response =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    response->set(http::field::server, "phoenix");
    response->set(http::field::content_type, "text/plain; charset=utf-8");
    if (status == 405)
      response->set(http::field::allow, "POST");
    response->keep_alive(keep_alive_);
    response->body() = status == 200 ? "ok\n" : std::to_string(status) + "\n";
    response->prepare_payload();
    stream_.expires_after(exchange_deadline);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, size_t) {
                        self->on_answer_written(ec, response->keep_alive());
                      });
  }

  void on_answer_written(beast::error_code ec, bool keep_alive) {
    if (parts_.on_outcome)
      parts_.on_outcome(outcome_);
    if (ec)
      return close();
    if (!keep_alive)
      return drain_and_close();
    read_head();
  }

  // A refused request's body may still be arriving: closing at once would
  // reset the connection before the client reads the answer. Stop sending,
  // read and discard for a moment (bounded), then close.
  void drain_and_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds{2});
    drain_some();
  }

  void drain_some() {
    constexpr size_t most_drained = 1u << 20;
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > most_drained)
                                return self->close();
                              self->drain_some();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  server_parts::connection_slot slot_;
  beast::tcp_stream stream_;
  const shared_parts& parts_;
  std::weak_ptr<asio::io_context> io_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  steady::time_point started_{};
  bool keep_alive_ = false;
  webhook_outcome outcome_;
  std::array<char, 4096> discard_{};
  size_t drained_ = 0;
};

} // namespace

struct webhook_server::impl {
  shared_parts parts;
  std::unique_ptr<server_parts::listener> listener;
};

webhook_server::webhook_server(webhook_server_options options, handler on_update,
                               observer on_outcome)
    : impl_(std::make_unique<impl>()) {
  auto max_connections = options.max_connections;
  auto listen = options.listen;
  impl_->parts = {std::move(options), std::move(on_update), std::move(on_outcome)};
  impl_->listener = std::make_unique<server_parts::listener>(
      "webhook.listen", listen, max_connections,
      [parts = &impl_->parts](tcp::socket socket, const server_parts::listener& from) {
        std::make_shared<session>(std::move(socket), *parts, from)->start();
      });
}

webhook_server::~webhook_server() {
  stop();
}

uint16_t webhook_server::port() const {
  return impl_->listener->port();
}

void webhook_server::stop() {
  impl_->listener->stop();
}

} // namespace phoenix::core
