// What the cache keeps of an API answer: lighter, and decoded exactly as the
// full answer (a cache hit decodes the kept body again).
#include "core/bot/bot_text.hpp"
#include "core/football/football_payload.hpp"
#include "tests/unit/football_samples.hpp"

using namespace phoenix::test;

BOOST_AUTO_TEST_SUITE(football_cache_body_tests)

// Conformance: the real capture carries lineups and players; the project's own
// answers leave them out (Phoenix never reads them).

BOOST_AUTO_TEST_CASE(fixture_details_lose_lineups_and_players_but_render_the_same,
                     *boost::unit_test::precondition(shared_samples_present)) {
  const std::string body = read_sample("fixtures-by-ids-with-details.json");
  const std::string kept = cacheable_body(query_kind::fixture_by_id, body);
  BOOST_TEST(kept.size() < body.size() / 3);
  BOOST_TEST(kept.find("\"lineups\"") == std::string::npos);
  BOOST_TEST(kept.find("\"players\"") == std::string::npos);
  auto full = decode_payload(query_kind::fixture_by_id, body);
  auto cached = decode_payload(query_kind::fixture_by_id, kept);
  BOOST_REQUIRE(full.ok());
  BOOST_REQUIRE(cached.ok());
  auto& before = std::get<std::vector<fixture>>(*full.value);
  auto& after = std::get<std::vector<fixture>>(*cached.value);
  BOOST_REQUIRE_EQUAL(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    BOOST_TEST(render_stats(before[i]) == render_stats(after[i]));
    BOOST_TEST(after[i].events.size() == before[i].events.size());
  }
}

BOOST_AUTO_TEST_CASE(other_answers_are_kept_as_they_are) {
  for (auto [kind, name] : {std::pair{query_kind::statistics, "fixture-statistics.json"},
                            std::pair{query_kind::fixtures_by_date, "fixtures-by-date.json"},
                            std::pair{query_kind::predictions, "predictions.json"}}) {
    const std::string body = read_project_data(name);
    BOOST_TEST(cacheable_body(kind, body) == body, name);
  }
  BOOST_TEST(cacheable_body(query_kind::fixture_by_id, "{\"response\":[") == "{\"response\":[");
}

BOOST_AUTO_TEST_SUITE_END()
