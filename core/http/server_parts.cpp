#include "core/http/server_parts.hpp"

#include "core/http/metrics_server.hpp"

#include <boost/asio/strand.hpp>
#include <stdexcept>

namespace phoenix::core::server_parts {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

tcp::endpoint parse_listen(const std::string& key, const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error(key + " \"" + listen + "\" is not host:port");
  auto host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "localhost")
    host = "127.0.0.1";
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw std::runtime_error(key + " \"" + listen + "\": \"" + host + "\" is not an IP address");
  return {address, static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)))};
}

listener::listener(const std::string& key, const std::string& listen, size_t max_connections,
                   session_starter on_accept)
    : on_accept_(std::move(on_accept)), max_connections_(max_connections) {
  auto endpoint = parse_listen(key, listen);
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(endpoint, ec);
  if (!ec)
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + key + " \"" + listen + "\": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_->run(); });
}

listener::~listener() {
  stop();
}

void listener::accept() {
  acceptor_.async_accept(asio::make_strand(*io_), [this](error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open())
      return;
    if (ec)
      return retry_later();
    failures_in_a_row_ = 0;
    if (open_->load() >= max_connections_) {
      ++refused_;
      error_code ignored;
      socket.close(ignored);
    } else {
      on_accept_(std::move(socket), *this);
    }
    accept();
  });
}

void listener::retry_later() {
  ++accept_errors_;
  retry_timer_.expires_after(accept_retry_delay(++failures_in_a_row_));
  retry_timer_.async_wait([this](error_code ec) {
    if (!ec && acceptor_.is_open())
      accept();
  });
}

void listener::stop() {
  if (!thread_.joinable())
    return;
  io_->stop();
  thread_.join();
  error_code ignored;
  acceptor_.close(ignored);
}

} // namespace phoenix::core::server_parts
