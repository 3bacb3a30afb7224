#include "core/football/football_query.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(football_query_tests)

BOOST_AUTO_TEST_CASE(targets_name_every_parameter) {
  BOOST_TEST(request_target(football_query::by_date("2024-05-01", 39, "Europe/London")) ==
             "/fixtures?date=2024-05-01&league=39&timezone=Europe%2FLondon");
  BOOST_TEST(request_target(football_query::by_date("2024-05-01", 0, "")) ==
             "/fixtures?date=2024-05-01");
  BOOST_TEST(request_target(football_query::live()) == "/fixtures?live=all");
  BOOST_TEST(request_target(football_query::fixture_by_id(1035037)) == "/fixtures?id=1035037");
  BOOST_TEST(request_target(football_query::of_kind(query_kind::statistics, 7)) ==
             "/fixtures/statistics?fixture=7");
  BOOST_TEST(request_target(football_query::head_to_head(33, 50, 10)) ==
             "/fixtures/headtohead?h2h=33-50&last=10");
  BOOST_TEST(request_target(football_query::of_kind(query_kind::predictions, 9)) ==
             "/predictions?fixture=9");
  BOOST_TEST(request_target(football_query{}) == "/status");
}

BOOST_AUTO_TEST_CASE(identical_queries_share_a_key_and_different_ones_do_not) {
  BOOST_TEST(cache_key(football_query::fixture_by_id(1)) ==
             cache_key(football_query::fixture_by_id(1)));
  BOOST_TEST(cache_key(football_query::fixture_by_id(1)) !=
             cache_key(football_query::fixture_by_id(2)));
  BOOST_TEST(cache_key(football_query::by_date("2024-05-01", 0, "UTC")) !=
             cache_key(football_query::by_date("2024-05-01", 0, "Europe/Berlin")));
}

BOOST_AUTO_TEST_CASE(ttl_follows_the_kind_and_state_of_the_data) {
  ttl_policy p;
  BOOST_TEST((ttl_for(football_query::live(), p, false, true) == 15s));
  BOOST_TEST((ttl_for(football_query::fixture_by_id(1), p, true, false) == 24h));
  BOOST_TEST((ttl_for(football_query::fixture_by_id(1), p, false, true) == 60s));
  BOOST_TEST((ttl_for(football_query::fixture_by_id(1), p, false, false) == 10min));
  BOOST_TEST((ttl_for(football_query::by_date("2024-05-01", 0, ""), p, false, true) == 10min));
  BOOST_TEST((ttl_for(football_query::of_kind(query_kind::statistics, 1), p, false, false) == 60s));
  BOOST_TEST((ttl_for(football_query{}, p, false, false) == 0s));
}

BOOST_AUTO_TEST_SUITE_END()
