// The live engine's memory between polls: changes only about followed teams,
// a team followed mid-match gets only what happens from then on, and a
// fresh watch (a restart) gives everything so far.
#include "core/football/live_watch.hpp"
#include "tests/unit/live_match_builder.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using phoenix::test::live_builder;

namespace {

std::vector<std::string> keys_of(const std::vector<live_alert>& alerts) {
  std::vector<std::string> keys;
  for (const auto& a : alerts)
    keys.push_back(a.key);
  return keys;
}

// Another match (fixture 800, teams 30 and 40) beside the builder's.
live_snapshot with_other_match(live_snapshot snapshot, const std::string& status) {
  live_match other;
  other.fixture_id = 800;
  other.status.short_name = status;
  other.status.elapsed = 1;
  other.home = team_ref{30, "Elsewhere", std::nullopt};
  other.away = team_ref{40, "Nobody", std::nullopt};
  snapshot.emplace(800, other);
  return snapshot;
}

} // namespace

BOOST_AUTO_TEST_SUITE(live_watch_tests)

BOOST_AUTO_TEST_CASE(only_matches_of_followed_teams_give_alerts) {
  live_watch watch;
  auto first = watch.next(with_other_match(live_builder{"1H", 1}.snapshot(), "1H"), {20});
  BOOST_TEST(keys_of(first) == std::vector<std::string>{"700:kick_off"});
  BOOST_TEST(watch.matches() == 2u);
  auto goal = live_builder{"1H", 12}.score(1, 0).goal(10, 12, "R. Striker");
  auto second = watch.next(with_other_match(goal.snapshot(), "1H"), {20});
  BOOST_TEST(keys_of(second) == std::vector<std::string>{"700:goal:10:1"});
  BOOST_TEST(watch.next(goal.snapshot(), {}).empty()); // nobody follows anyone
}

BOOST_AUTO_TEST_CASE(a_team_followed_mid_match_gets_only_what_comes_next) {
  live_watch watch;
  auto goal = live_builder{"1H", 12}.score(1, 0).goal(10, 12, "R. Striker");
  BOOST_TEST(watch.next(goal.snapshot(), {}).empty());
  auto two = live_builder{"1H", 30}.score(2, 0).goal(10, 12, "R. Striker").goal(10, 30, "K. Keen");
  BOOST_TEST(keys_of(watch.next(two.snapshot(), {10})) ==
             std::vector<std::string>{"700:goal:10:2"});
}

BOOST_AUTO_TEST_CASE(a_fresh_watch_gives_everything_so_far_and_a_late_scorer_is_an_edit) {
  auto score_only = live_builder{"1H", 12}.score(1, 0).goal(10, 12, "");
  live_watch restarted;
  BOOST_TEST(keys_of(restarted.next(score_only.snapshot(), {10})) ==
             (std::vector<std::string>{"700:kick_off", "700:goal:10:1"}));
  auto named = live_builder{"1H", 14}.score(1, 0).goal(10, 12, "R. Striker");
  auto edits = restarted.next(named.snapshot(), {10});
  BOOST_REQUIRE_EQUAL(edits.size(), 1u);
  BOOST_TEST((edits[0].action == alert_action::edit));
  BOOST_TEST(edits[0].player == "R. Striker");
}

BOOST_AUTO_TEST_CASE(decoded_fixtures_become_a_snapshot_keyed_by_id) {
  fixture f;
  f.id = 42;
  f.league_name = "Cup";
  f.status.short_name = "2H";
  f.home = team_ref{1, "A", std::nullopt};
  f.away = team_ref{2, "B", std::nullopt};
  f.goals = score_pair{2, 1};
  f.events.resize(3);
  fixture unkeyed; // id 0: nothing could be keyed on it
  auto snapshot = live_snapshot_of({f, unkeyed});
  BOOST_REQUIRE_EQUAL(snapshot.size(), 1u);
  const live_match& m = snapshot.at(42);
  BOOST_TEST(m.fixture_id == 42);
  BOOST_TEST(m.league_name == "Cup");
  BOOST_TEST(m.status.short_name == "2H");
  BOOST_TEST(m.away.id == 2);
  BOOST_TEST((m.goals.home == std::optional<int>{2}));
  BOOST_TEST(m.events.size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
