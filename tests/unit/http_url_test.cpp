#include "core/http/http_client.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;

BOOST_AUTO_TEST_SUITE(http_url_tests)

BOOST_AUTO_TEST_CASE(urls_split_into_host_port_and_target) {
  auto bot = parse_url("https://api.telegram.org/bot123:abc/getUpdates");
  BOOST_REQUIRE(bot);
  BOOST_TEST(bot->tls);
  BOOST_TEST(bot->host == "api.telegram.org");
  BOOST_TEST(bot->port == "443");
  BOOST_TEST(bot->target == "/bot123:abc/getUpdates");
  BOOST_TEST(bot->pool_key() == "https://api.telegram.org:443");
  auto local = parse_url("http://127.0.0.1:8081/fixtures?id=1&timezone=Europe/Berlin");
  BOOST_REQUIRE(local);
  BOOST_TEST(!local->tls);
  BOOST_TEST(local->host == "127.0.0.1");
  BOOST_TEST(local->port == "8081");
  BOOST_TEST(local->target == "/fixtures?id=1&timezone=Europe/Berlin");
  auto bare = parse_url("http://example.org");
  BOOST_REQUIRE(bare);
  BOOST_TEST(bare->port == "80");
  BOOST_TEST(bare->target == "/");
}

BOOST_AUTO_TEST_CASE(other_schemes_and_empty_parts_are_refused) {
  BOOST_TEST(!parse_url("ftp://example.org/"));
  BOOST_TEST(!parse_url("example.org/path"));
  BOOST_TEST(!parse_url("http:///path"));
  BOOST_TEST(!parse_url("http://host:/path"));
  BOOST_TEST(!parse_url(""));
}

BOOST_AUTO_TEST_SUITE_END()
