#include "core/http/metrics_server.hpp"

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

// Counts a connection as open for as long as its session lives (a responder
// held by an actor keeps it alive, so the last release may be on any thread).
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
    auto answered = std::make_shared<std::atomic<bool>>(false);
    auto executor = stream_.get_executor();
    // The responder owns the session until it answers (or is dropped). An
    // actor may answer after the server stopped: then the io_context is gone.
    on_request_(std::string(request_.target()),
                [self = shared_from_this(), executor, answered, io = io_](http_answer answer) {
                  if (answered->exchange(true))
                    return;
                  if (auto alive = io.lock())
                    asio::post(executor, [self, answer = std::move(answer)]() mutable {
                      self->write_answer(std::move(answer));
                    });
                });
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

  connection_slot slot_;
  beast::tcp_stream stream_;
  const metrics_server::handler& on_request_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  std::weak_ptr<asio::io_context> io_;
};

tcp::endpoint parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("metrics.listen \"" + listen + "\" is not host:port");
  auto host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "localhost")
    host = "127.0.0.1";
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw std::runtime_error("metrics.listen \"" + listen + "\": \"" + host +
                             "\" is not an IP address");
  return {address, static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)))};
}

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
  std::shared_ptr<asio::io_context> io = std::make_shared<asio::io_context>(1);
  tcp::acceptor acceptor{*io};
  asio::steady_timer retry_timer{*io};
  handler on_request;
  std::thread thread;
  uint16_t port = 0;
  size_t max_connections = metrics_max_connections;
  std::shared_ptr<std::atomic<size_t>> open = std::make_shared<std::atomic<size_t>>(0);
  std::atomic<uint64_t> accept_errors{0};
  std::atomic<uint64_t> refused{0};
  int failures_in_a_row = 0;

  void accept() {
    acceptor.async_accept(asio::make_strand(*io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open())
        return;
      if (ec)
        return retry_later();
      failures_in_a_row = 0;
      if (open->load() >= max_connections) {
        ++refused;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<session>(std::move(socket), on_request, io, open)->start();
      }
      accept();
    });
  }

  void retry_later() {
    ++accept_errors;
    retry_timer.expires_after(accept_retry_delay(++failures_in_a_row));
    retry_timer.async_wait([this](beast::error_code ec) {
      if (!ec && acceptor.is_open())
        accept();
    });
  }
};

metrics_server::metrics_server(const std::string& listen, handler on_request,
                               size_t max_connections)
    : impl_(std::make_unique<impl>()) {
  impl_->on_request = std::move(on_request);
  impl_->max_connections = max_connections;
  auto endpoint = parse_listen(listen);
  beast::error_code ec;
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    impl_->acceptor.bind(endpoint, ec);
  if (!ec)
    impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on metrics.listen \"" + listen + "\": " + ec.message());
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io->run(); });
}

metrics_server::~metrics_server() {
  stop();
}

uint16_t metrics_server::port() const {
  return impl_->port;
}

size_t metrics_server::open_connections() const {
  return impl_->open->load();
}

uint64_t metrics_server::accept_errors() const {
  return impl_->accept_errors.load();
}

uint64_t metrics_server::refused_connections() const {
  return impl_->refused.load();
}

void metrics_server::stop() {
  if (!impl_->thread.joinable())
    return;
  impl_->io->stop();
  impl_->thread.join();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

} // namespace phoenix::core
