// An API-Football exchange read completely where it lands (the football
// client's io thread): data and the body to cache, or a typed error.
#include "core/football/upstream_answer.hpp"
#include "tests/unit/football_samples.hpp"

using namespace phoenix::test;

namespace {

http_result answer(unsigned status, std::string body) {
  http_result result;
  result.response.status = status;
  result.response.body = std::move(body);
  result.response.headers.emplace_back("x-ratelimit-requests-remaining", "7000");
  return result;
}

/// The project's detailed answer with invented `lineups` and `players` added
/// to its first fixture, as the real API sends them.
std::string detailed_with_squads() {
  auto body = read_project_data("fixtures-by-ids-with-details.json");
  auto at = body.find("\"fixture\"");
  BOOST_REQUIRE(at != std::string::npos);
  body.insert(at, R"("lineups":[{"formation":"4-4-2"}],"players":[{"players":[]}],)");
  return body;
}

} // namespace

BOOST_AUTO_TEST_SUITE(upstream_answer_tests)

BOOST_AUTO_TEST_CASE(a_good_answer_is_decoded_and_trimmed_for_the_cache) {
  auto query = football_query::fixture_by_id(1149519);
  auto read = read_upstream_answer(query, answer(200, detailed_with_squads()));
  BOOST_REQUIRE(read.outcome.data.has_value());
  BOOST_TEST(read.outcome.day_remaining.value_or(-1) == 7000);
  BOOST_TEST(read.cache_body.find("\"players\"") == std::string::npos);
  BOOST_TEST(read.cache_body.find("\"lineups\"") == std::string::npos);
  BOOST_TEST(read.all_finished);
  BOOST_TEST(!read.any_live);
  auto again = decode_payload(query.kind, read.cache_body); // what a cache hit decodes
  BOOST_TEST(again.ok());
}

BOOST_AUTO_TEST_CASE(an_answer_about_another_fixture_is_refused_for_good) {
  auto read =
      read_upstream_answer(football_query::fixture_by_id(42), answer(200, detailed_with_squads()));
  BOOST_TEST(!read.outcome.data.has_value());
  BOOST_TEST(!read.outcome.retryable);
  BOOST_TEST(read.cache_body.empty());
}

BOOST_AUTO_TEST_CASE(gateway_errors_may_be_retried_and_malformed_json_is_an_error) {
  auto query = football_query::fixture_by_id(1149519);
  auto gateway = read_upstream_answer(query, answer(503, "<html>Service Unavailable</html>"));
  BOOST_TEST(!gateway.outcome.data.has_value());
  BOOST_TEST(gateway.outcome.retryable);
  auto cut = detailed_with_squads();
  cut.resize(cut.size() / 2);
  auto malformed = read_upstream_answer(query, answer(200, cut));
  BOOST_TEST(!malformed.outcome.data.has_value());
  BOOST_TEST(!malformed.outcome.error.user_message.empty());
}

BOOST_AUTO_TEST_SUITE_END()
