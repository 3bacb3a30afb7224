// The metrics HTTP server on loopback: its connection cap and its pause after
// accept errors. Plain POSIX sockets as the client.
#include "core/http/metrics_server.hpp"
#include "tests/no_free_descriptors.hpp"

#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {

// Answers every request at once with "ok".
metrics_server::handler answer_ok() {
  return [](const std::string&, metrics_server::responder respond) {
    respond({200, "text/plain", "ok"});
  };
}

struct client {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  client() = default; // a socket, not connected yet
  explicit client(uint16_t port) { connect(port); }
  void connect(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    timeval timeout{10, 0}; // a broken server fails the test instead of hanging it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~client() { close(); }
  void close() {
    if (fd >= 0)
      ::close(fd);
    fd = -1;
  }

  // Sends a GET and reads until the body "ok" arrived or the server closed: the bytes read.
  std::string get() {
    std::string request = "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0)
      return {};
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\nok") == std::string::npos) {
      auto n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0)
        break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
};

// Polls `done` (a counter of the server thread) for at most 10 s.
template <class F> bool eventually(F done) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(1ms); // the next look, not a guess at how long it takes
  }
  return true;
}

bool answered(const std::string& response) {
  return response.rfind("HTTP/1.1 200", 0) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(metrics_server_tests)

BOOST_AUTO_TEST_CASE(the_accept_retry_delay_grows_to_a_second) {
  BOOST_TEST(accept_retry_delay(1).count() == 10);
  BOOST_TEST(accept_retry_delay(2).count() == 20);
  BOOST_TEST(accept_retry_delay(3).count() == 40);
  BOOST_TEST(accept_retry_delay(7).count() == 640);
  BOOST_TEST(accept_retry_delay(8).count() == 1000);
  BOOST_TEST(accept_retry_delay(1000).count() == 1000);
}

BOOST_AUTO_TEST_CASE(connections_beyond_the_cap_are_closed_and_the_rest_served) {
  metrics_server server{"127.0.0.1:0", answer_ok(), 2};
  client first{server.port()};
  client second{server.port()};
  BOOST_TEST(answered(first.get()));
  BOOST_TEST(answered(second.get())); // both stay open (keep-alive)
  client third{server.port()};
  BOOST_TEST(third.get().empty()); // closed without an answer
  BOOST_TEST(server.refused_connections() == 1u);
  BOOST_TEST(server.open_connections() == 2u);
  first.close();
  BOOST_REQUIRE(eventually([&] { return server.open_connections() == 1u; }));
  client fourth{server.port()};
  BOOST_TEST(answered(fourth.get()));
  BOOST_TEST(answered(second.get()));
}

BOOST_AUTO_TEST_CASE(a_failing_accept_waits_longer_each_time_instead_of_spinning) {
  metrics_server server{"127.0.0.1:0", answer_ok()};
  client waiting;
  // No descriptor is free from here on: the server's accept fails with EMFILE.
  phoenix::test::no_free_descriptors no_descriptors;
  auto started = std::chrono::steady_clock::now();
  waiting.connect(server.port()); // queued in the listen backlog, not accepted
  bool failed_four_times = eventually([&] { return server.accept_errors() >= 4u; });
  auto elapsed = std::chrono::steady_clock::now() - started;
  no_descriptors.restore();
  BOOST_REQUIRE(failed_four_times);
  // Pauses of 10, 20 and 40 ms came between the four attempts; a spinning
  // accept fails thousands of times in that time.
  BOOST_TEST((elapsed >= 70ms));
  BOOST_TEST(server.accept_errors() < 10u);
  BOOST_TEST(answered(waiting.get())); // served once descriptors are free again
}

BOOST_AUTO_TEST_SUITE_END()
