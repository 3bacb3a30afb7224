#include "core/http/metrics_server.hpp"

#include "core/http/server_parts.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

namespace phoenix::core {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A request must arrive (and its answer leave) within this time.
constexpr auto exchange_deadline = std::chrono::seconds{10};

// One connection: read a request, ask the handler, write its answer, repeat.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, const metrics_server::handler& on_request,
          std::weak_ptr<asio::io_context> io, std::shared_ptr<std::atomic<size_t>> open)
      : slot_(std::move(open)), stream_(std::move(socket)), on_request_(on_request),
        io_(std::move(io)) {}

  void start() { read_request(); }

private:
  void read_request() {
    request_ = {};
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(8 * 1024);
    stream_.expires_after(exchange_deadline);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_request_read(ec); });
  }

  void on_request_read(beast::error_code ec) {
    if (ec)
      return close();
    request_ = parser_->release();
    if (request_.method() != http::verb::get && request_.method() != http::verb::head)
      return write_answer({405, "text/plain; charset=utf-8", "only GET\n"});
    on_request_(std::string(request_.target()),
                server_parts::answer_once(stream_.get_executor(), io_,
                                          [self = shared_from_this()](http_answer answer) {
                                            self->write_answer(std::move(answer));
                                          }));
  }

  void write_answer(http_answer answer) {
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(answer.status), request_.version());
    response->set(http::field::server, "phoenix");
    response->set(http::field::content_type, answer.content_type);
    response->keep_alive(request_.keep_alive());
    if (request_.method() != http::verb::head)
      response->body() = std::move(answer.body);
    response->prepare_payload();
    stream_.expires_after(exchange_deadline);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, size_t) {
                        self->on_answer_written(ec, response->keep_alive());
                      });
  }

  void on_answer_written(beast::error_code ec, bool keep_alive) {
    if (ec || !keep_alive)
      return close();
    read_request();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  server_parts::connection_slot slot_;
  beast::tcp_stream stream_;
  const metrics_server::handler& on_request_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  std::weak_ptr<asio::io_context> io_;
};

} // namespace

std::chrono::milliseconds accept_retry_delay(int failures) {
  constexpr std::chrono::milliseconds first{10};
  constexpr std::chrono::milliseconds longest{1000};
  auto delay = first;
  for (int i = 1; i < failures && delay < longest; ++i)
    delay *= 2;
  return std::min(delay, longest);
}

struct metrics_server::impl {
  handler on_request;
  std::unique_ptr<server_parts::listener> listener;
};

metrics_server::metrics_server(const std::string& listen, handler on_request,
                               size_t max_connections)
    : impl_(std::make_unique<impl>()) {
  impl_->on_request = std::move(on_request);
  impl_->listener = std::make_unique<server_parts::listener>(
      "metrics.listen", listen, max_connections,
      [self = impl_.get()](tcp::socket socket, const server_parts::listener& from) {
        std::make_shared<session>(std::move(socket), self->on_request, from.io(), from.open())
            ->start();
      });
}

metrics_server::~metrics_server() {
  stop();
}

uint16_t metrics_server::port() const {
  return impl_->listener->port();
}

size_t metrics_server::open_connections() const {
  return impl_->listener->open()->load();
}

uint64_t metrics_server::accept_errors() const {
  return impl_->listener->accept_errors();
}

uint64_t metrics_server::refused_connections() const {
  return impl_->listener->refused();
}

void metrics_server::stop() {
  impl_->listener->stop();
}

} // namespace phoenix::core
