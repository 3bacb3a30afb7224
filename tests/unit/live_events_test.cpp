// Decoding `fixtures?live=all` into the alert engine's snapshot.
#include "core/football/live_events.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

using namespace phoenix::core;

namespace {

std::string item(const std::string& id, const std::string& status, const std::string& home_id,
                 const std::string& events = "[]") {
  return R"({"fixture":{"id":)" + id + R"(,"status":{"long":"First Half","short":)" + status +
         R"(,"elapsed":31,"extra":null}},"league":{"id":39,"name":"Premier League"},)"
         R"("teams":{"home":{"id":)" +
         home_id +
         R"(,"name":"Rovers","winner":null},"away":{"id":20,"name":"United",)"
         R"("winner":null}},"goals":{"home":1,"away":0},"score":{"penalty":)"
         R"({"home":null,"away":null}},"events":)" +
         events + "}";
}

std::string answer(const std::string& items) {
  return R"({"get":"fixtures","parameters":{"live":"all"},"errors":[],"results":1,)"
         R"("paging":{"current":1,"total":1},"response":[)" +
         items + "]}";
}

const std::string goal_event =
    R"([{"time":{"elapsed":12,"extra":null},"team":{"id":10,"name":"Rovers"},)"
    R"("player":{"id":null,"name":null},"assist":{"id":null,"name":null},)"
    R"("type":"Goal","detail":"Normal Goal","comments":null}])";

} // namespace

BOOST_AUTO_TEST_SUITE(live_events_tests)

BOOST_AUTO_TEST_CASE(live_answer_becomes_a_snapshot_by_fixture_id) {
  auto result = decode_live_fixtures(
      answer(item("701", "\"1H\"", "10", goal_event) + "," + item("702", "\"HT\"", "11")));
  BOOST_REQUIRE(result.ok());
  BOOST_REQUIRE_EQUAL(result.value->size(), 2u);
  const live_match& match = result.value->at(701);
  BOOST_CHECK_EQUAL(match.fixture_id, 701);
  BOOST_CHECK_EQUAL(match.league_name, "Premier League");
  BOOST_CHECK_EQUAL(match.status.short_name, "1H");
  BOOST_CHECK_EQUAL(*match.status.elapsed, 31);
  BOOST_CHECK_EQUAL(match.home.name, "Rovers");
  BOOST_CHECK_EQUAL(*match.goals.home, 1);
  BOOST_CHECK(!match.penalty.home);
  BOOST_REQUIRE_EQUAL(match.events.size(), 1u);
  BOOST_CHECK_EQUAL(match.events[0].player, ""); // null in live data: filled in later
  BOOST_CHECK_EQUAL(match.events[0].detail, "Normal Goal");
  BOOST_CHECK_EQUAL(result.value->at(702).status.short_name, "HT");
}

BOOST_AUTO_TEST_CASE(no_live_match_is_an_empty_snapshot) {
  auto result = decode_live_fixtures(answer(""));
  BOOST_REQUIRE(result.ok());
  BOOST_CHECK(result.value->empty());
}

BOOST_AUTO_TEST_CASE(a_fixture_without_id_status_or_teams_is_a_clear_error) {
  const std::string ok = item("701", "\"1H\"", "10");
  for (const std::string& bad :
       {item("null", "\"1H\"", "10"), item("\"x\"", "\"1H\"", "10"), item("703", "null", "10"),
        item("704", "\"1H\"", "null"), item("705", "\"1H\"", "20")}) {
    auto result = decode_live_fixtures(answer(ok + "," + bad));
    BOOST_REQUIRE(!result.ok());
    BOOST_CHECK(result.error.code == football_errc::malformed);
    BOOST_CHECK_MESSAGE(result.error.detail.find("live fixture #1") == 0, result.error.detail);
  }
  auto twice = decode_live_fixtures(answer(ok + "," + ok));
  BOOST_REQUIRE(!twice.ok());
  BOOST_CHECK_EQUAL(twice.error.detail, "live fixture 701 appears twice");
}

BOOST_AUTO_TEST_CASE(error_envelopes_and_broken_bodies_are_errors_not_crashes) {
  auto limited = decode_live_fixtures(
      R"({"get":"fixtures","parameters":{"live":"all"},"errors":{"rateLimit":"Too many requests."},)"
      R"("results":0,"paging":{"current":1,"total":1},"response":[]})");
  BOOST_REQUIRE(!limited.ok());
  BOOST_CHECK(limited.error.code == football_errc::rate_limited);
  const std::string whole = answer(item("701", "\"1H\"", "10", goal_event));
  for (std::size_t cut = 0; cut < whole.size(); cut += 7)
    BOOST_CHECK(!decode_live_fixtures(whole.substr(0, cut)).ok());
  BOOST_CHECK(!decode_live_fixtures("[]").ok());
  BOOST_CHECK(!decode_live_fixtures(std::string(100000, '[')).ok());
}

BOOST_AUTO_TEST_SUITE_END()
