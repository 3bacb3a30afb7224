// The goal-alert messages users read.
#include "core/bot/alert_text.hpp"
#include "tests/unit/live_match_builder.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using phoenix::test::live_builder;

namespace {

/// The alerts of `after` over `before`, as texts.
std::vector<std::string> texts(const live_builder& before, const live_builder& after) {
  std::vector<std::string> out;
  for (const live_alert& alert : live_diff(before.snapshot(), after.snapshot()))
    out.push_back(alert_text(alert));
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(alert_text_tests)

BOOST_AUTO_TEST_CASE(kick_off_goal_and_late_scorer) {
  live_builder before("NS");
  live_builder kicked("1H", 1);
  kicked.score(0, 0);
  BOOST_CHECK_EQUAL(texts(before, kicked).at(0),
                    "<b>Kick-off:</b> Rovers 0:0 United\n<i>Test League</i>");
  live_builder scored = kicked;
  scored.at("1H", 23).score(1, 0);
  BOOST_CHECK_EQUAL(texts(kicked, scored).at(0),
                    "<b>Goal for Rovers!</b> Rovers 1:0 United\n"
                    "Scorer not confirmed yet, 23'\n<i>Test League</i>");
  live_builder named = scored;
  named.goal(10, 22, "A. Smith", "Penalty");
  named.match.events.back().assist = "B. <Jones>";
  BOOST_CHECK_EQUAL(texts(scored, named).at(0),
                    "<b>Goal for Rovers!</b> Rovers 1:0 United\n"
                    "A. Smith (penalty), assist B. &lt;Jones&gt;, 22'\n<i>Test League</i>");
}

BOOST_AUTO_TEST_CASE(own_goal_red_card_missed_penalty_and_cancellation) {
  live_builder before("2H", 90);
  before.score(0, 0);
  live_builder after = before;
  after.score(0, 1).goal(20, 90, "C. Unlucky", "Own Goal");
  after.match.events.back().extra = 3;
  after.event(10, 50, "Card", "Red Card", "D. Rough").event(20, 60, "Goal", "Missed Penalty");
  const auto shown = texts(before, after);
  BOOST_REQUIRE_EQUAL(shown.size(), 3u);
  BOOST_CHECK_EQUAL(shown[0], "<b>Red card:</b> Rovers 0:0 United\nD. Rough (Rovers), 50'\n"
                              "<i>Test League</i>");
  BOOST_CHECK_EQUAL(shown[1], "<b>Penalty missed:</b> Rovers 0:0 United\n"
                              "Player not confirmed yet (United), 60'\n<i>Test League</i>");
  BOOST_CHECK_EQUAL(shown[2], "<b>Goal for United!</b> Rovers 0:1 United\n"
                              "C. Unlucky (own goal), 90+3'\n<i>Test League</i>");
  live_builder cancelled = after;
  cancelled.score(0, 0).event(20, 90, "Var", "Goal cancelled");
  BOOST_CHECK_EQUAL(texts(after, cancelled).at(0),
                    "<b>Goal cancelled:</b> Rovers 0:0 United\n"
                    "United's goal (C. Unlucky (own goal), 90+3') does not count.\n"
                    "<i>Test League</i>");
}

BOOST_AUTO_TEST_CASE(status_milestones) {
  live_builder playing("2H", 88);
  playing.score(2, 2);
  playing.match.league_name = "";
  auto text_at = [&](const char* status) {
    live_builder later = playing;
    later.at(status, 120).shootout(5, 4);
    return texts(playing, later).at(0);
  };
  BOOST_CHECK_EQUAL(text_at("HT"), "<b>Half time:</b> Rovers 2:2 United");
  BOOST_CHECK_EQUAL(text_at("ET"), "<b>Extra time:</b> Rovers 2:2 United");
  BOOST_CHECK_EQUAL(text_at("P"), "<b>Penalty shoot-out:</b> Rovers 2:2 United");
  BOOST_CHECK_EQUAL(text_at("FT"), "<b>Full time:</b> Rovers 2:2 United");
  BOOST_CHECK_EQUAL(text_at("AET"), "<b>Full time:</b> Rovers 2:2 United after extra time");
  BOOST_CHECK_EQUAL(text_at("PEN"), "<b>Full time:</b> Rovers 2:2 United, 5:4 on penalties");
  BOOST_CHECK_EQUAL(text_at("ABD"), "<b>Match abandoned:</b> Rovers 2:2 United");
  BOOST_CHECK_EQUAL(text_at("WO"), "<b>Match won by walkover:</b> Rovers 2:2 United");
}

BOOST_AUTO_TEST_SUITE_END()
