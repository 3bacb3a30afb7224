// The HTTP client against the fake API-Football over loopback: concurrency,
// keep-alive, stale connections, deadlines, size cap, HTTPS verification.
#include "core/http/http_client.hpp"
#include "tests/fakes/fake_api_football.hpp"

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>

using namespace phoenix;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Collects callbacks from io threads; the test thread waits on a condition
// variable for a given count (a message, not a sleep).
struct collector {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<core::http_result> results;

  core::http_callback callback() {
    return [this](core::http_result r) {
      std::lock_guard<std::mutex> guard{mutex};
      results.push_back(std::move(r));
      cv.notify_all();
    };
  }

  bool wait_for(size_t n, std::chrono::seconds deadline = 20s) {
    std::unique_lock<std::mutex> lock{mutex};
    return cv.wait_for(lock, deadline, [&] { return results.size() >= n; });
  }
};

core::http_request get(const std::string& url, std::chrono::milliseconds timeout = 5000ms) {
  core::http_request r;
  r.url = url;
  r.headers.emplace_back("x-apisports-key", "test-key");
  r.timeout = timeout;
  return r;
}

core::http_result fetch(core::http_client& client, core::http_request request) {
  collector c;
  client.async_request(std::move(request), c.callback());
  BOOST_REQUIRE(c.wait_for(1));
  return c.results.front();
}

} // namespace

BOOST_AUTO_TEST_SUITE(http_client_tests)

BOOST_AUTO_TEST_CASE(hundred_slow_requests_run_concurrently) {
  fakes::fake_api_football fake;
  fake.set_latency(1000ms);
  core::http_client client{{1, 128, true, ""}};
  collector c;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i)
    client.async_request(get(fake.base_url() + "/fixtures?id=" + std::to_string(1000 + i)),
                         c.callback());
  BOOST_REQUIRE(c.wait_for(100));
  auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST_MESSAGE("100 requests with 1 s latency took "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                     << " ms");
  BOOST_TEST((took < 5s)); // serially: 100 s
  for (auto& r : c.results) {
    BOOST_TEST(r.ok());
    BOOST_TEST(r.response.status == 200u);
  }
  BOOST_TEST(fake.total_calls() == 100u);
}

BOOST_AUTO_TEST_CASE(keep_alive_reuses_one_connection) {
  fakes::fake_api_football fake;
  core::http_client client{{1, 4, true, ""}};
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(fetch(client, get(fake.base_url() + "/status")).ok());
  BOOST_TEST(fake.connections_accepted() == 1u);
  BOOST_TEST(client.stats().connections_reused == 9u);
  core::http_client no_reuse{{1, 4, false, ""}};
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(fetch(no_reuse, get(fake.base_url() + "/status")).ok());
  BOOST_TEST(fake.connections_accepted() == 4u);
}

BOOST_AUTO_TEST_CASE(a_stale_pooled_connection_is_retried_once_on_a_fresh_one) {
  fakes::fake_api_football fake;
  core::http_client client{{1, 4, true, ""}};
  BOOST_TEST(fetch(client, get(fake.base_url() + "/status")).ok());
  fake.reset_next(1); // the pooled connection dies under the next request
  auto r = fetch(client, get(fake.base_url() + "/status"));
  BOOST_TEST(r.ok());
  BOOST_TEST(client.stats().stale_retries == 1u);
  BOOST_TEST(fake.connections_accepted() == 2u);
  // A non-idempotent request is not sent twice.
  fake.reset_next(1);
  auto once = get(fake.base_url() + "/status");
  once.idempotent = false;
  BOOST_TEST(!fetch(client, once).ok());
}

BOOST_AUTO_TEST_CASE(server_closing_after_each_answer_is_detected) {
  fakes::fake_api_football fake;
  fake.close_after_each(true);
  core::http_client client{{1, 4, true, ""}};
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(fetch(client, get(fake.base_url() + "/status")).ok());
  BOOST_TEST(fake.connections_accepted() == 3u);
  BOOST_TEST(client.stats().stale_retries == 0u);
}

BOOST_AUTO_TEST_CASE(deadline_size_cap_and_bad_urls_are_errors) {
  fakes::fake_api_football fake;
  core::http_client client{{1, 4, true, ""}};
  fake.set_latency(2000ms);
  auto slow = fetch(client, get(fake.base_url() + "/status", 200ms));
  BOOST_TEST((slow.error == core::http_errc::timeout));
  fake.clear_faults();
  auto big = get(fake.base_url() + "/fixtures?id=1149523");
  big.max_response_bytes = 1000;
  BOOST_TEST((fetch(client, big).error == core::http_errc::too_large));
  BOOST_TEST((fetch(client, get("ftp://x/y")).error == core::http_errc::bad_url));
  BOOST_TEST((fetch(client, get("http://127.0.0.1:1/x")).error == core::http_errc::connect));
}

BOOST_AUTO_TEST_CASE(the_pool_bounds_connections_per_host) {
  fakes::fake_api_football fake;
  fake.set_latency(200ms);
  core::http_client client{{1, 2, true, ""}};
  collector c;
  for (int i = 0; i < 6; ++i)
    client.async_request(get(fake.base_url() + "/status"), c.callback());
  BOOST_REQUIRE(c.wait_for(6));
  for (auto& r : c.results)
    BOOST_TEST(r.ok());
  BOOST_TEST(fake.connections_accepted() == 2u);
}

BOOST_AUTO_TEST_CASE(https_verifies_certificate_and_host_name) {
  auto dir = fs::temp_directory_path() / ("phoenix-tls-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  // A self-signed certificate for "localhost" only (not for 127.0.0.1).
  auto command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                 "-addext subjectAltName=DNS:localhost -keyout " +
                 key + " -out " + cert + " 2>/dev/null";
  BOOST_REQUIRE(std::system(command.c_str()) == 0);
  fakes::fake_api_football_options options;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  fakes::fake_api_football fake{options};
  auto port = std::to_string(fake.port());
  core::http_client trusting{{1, 4, true, cert}};
  auto ok = fetch(trusting, get("https://localhost:" + port + "/status"));
  BOOST_TEST(ok.ok());
  BOOST_TEST(ok.response.status == 200u);
  auto wrong_host = fetch(trusting, get("https://127.0.0.1:" + port + "/status"));
  BOOST_TEST((wrong_host.error == core::http_errc::tls));
  core::http_client system_only{{1, 4, true, ""}};
  auto untrusted = fetch(system_only, get("https://localhost:" + port + "/status"));
  BOOST_TEST((untrusted.error == core::http_errc::tls));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
