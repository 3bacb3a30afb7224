// The goal-alert diff: one alert per new thing, an edit for a late scorer,
// nothing for corrected minutes, one correction for a VAR cancellation.
#include "tests/unit/live_match_builder.hpp"

#include <boost/test/unit_test.hpp>
#include <sstream>

using namespace phoenix::core;
using phoenix::test::live_builder;

namespace {

// "send 700:goal:10:1 Smith" per alert, so a case reads as the alerts it expects.
std::string summary(const std::vector<live_alert>& alerts) {
  std::ostringstream out;
  for (const live_alert& a : alerts) {
    out << (a.action == alert_action::edit ? "edit " : "send ") << a.key;
    if (!a.player.empty())
      out << " " << a.player;
    out << ";";
  }
  return out.str();
}

std::string diff(const live_builder& before, const live_builder& after) {
  return summary(live_diff(before.snapshot(), after.snapshot()));
}

} // namespace

BOOST_AUTO_TEST_SUITE(live_diff_tests)

BOOST_AUTO_TEST_CASE(kick_off_once_when_the_match_starts) {
  live_builder before("NS");
  live_builder started("1H", 1);
  started.score(0, 0);
  BOOST_CHECK_EQUAL(diff(before, started), "send 700:kick_off;");
  BOOST_CHECK_EQUAL(diff(started, live_builder(started).at("1H", 2)), "");
  // First seen already playing (Phoenix started mid-match): the kick-off key again; the
  // alert store drops it when it was sent before the restart.
  BOOST_CHECK_EQUAL(summary(live_diff({}, started.snapshot())), "send 700:kick_off;");
}

BOOST_AUTO_TEST_CASE(goal_with_score_only_then_scorer_is_one_send_and_one_edit) {
  live_builder before("1H", 11);
  before.score(0, 0);
  live_builder score_only = before;
  score_only.at("1H", 12).score(1, 0);
  const auto first = live_diff(before.snapshot(), score_only.snapshot());
  BOOST_CHECK_EQUAL(summary(first), "send 700:goal:10:1;");
  BOOST_REQUIRE_EQUAL(first.size(), 1u);
  BOOST_CHECK(first[0].kind == alert_kind::goal);
  BOOST_CHECK_EQUAL(first[0].team_name, "Rovers");
  BOOST_CHECK_EQUAL(*first[0].elapsed, 12); // the match minute until the event says better

  live_builder named = score_only;
  named.at("1H", 14).goal(10, 11, "A. Smith");
  const auto second = live_diff(score_only.snapshot(), named.snapshot());
  BOOST_CHECK_EQUAL(summary(second), "edit 700:goal:10:1 A. Smith;");
  BOOST_CHECK_EQUAL(*second[0].elapsed, 11);
  BOOST_CHECK_EQUAL(second[0].detail, "Normal Goal");
}

BOOST_AUTO_TEST_CASE(a_corrected_minute_gives_nothing_a_changed_scorer_an_edit) {
  live_builder before("1H", 30);
  before.score(0, 1).goal(20, 24, "B. Jones");
  live_builder corrected = before;
  corrected.match.events[0].elapsed = 23;
  BOOST_CHECK_EQUAL(diff(before, corrected), "");
  live_builder rescored = corrected;
  rescored.match.events[0].player = "C. Brown";
  BOOST_CHECK_EQUAL(diff(corrected, rescored), "edit 700:goal:20:1 C. Brown;");
  live_builder own_goal = rescored;
  own_goal.match.events[0].detail = "Own Goal";
  BOOST_CHECK_EQUAL(diff(rescored, own_goal), "edit 700:goal:20:1 C. Brown;");
}

BOOST_AUTO_TEST_CASE(own_goal_and_penalty_count_for_the_team_the_event_names) {
  // API-Football names the team a goal counts for, also for own goals.
  live_builder before("2H", 50);
  before.score(0, 0);
  live_builder after = before;
  after.score(1, 1).goal(20, 47, "D. Own", "Own Goal").goal(10, 49, "E. Spot", "Penalty");
  const auto alerts = live_diff(before.snapshot(), after.snapshot());
  BOOST_CHECK_EQUAL(summary(alerts), "send 700:goal:20:1 D. Own;send 700:goal:10:1 E. Spot;");
  BOOST_CHECK_EQUAL(alerts[0].detail, "Own Goal");
  BOOST_CHECK_EQUAL(alerts[1].detail, "Penalty");
  // The score just after each goal, not the current one.
  BOOST_CHECK_EQUAL(*alerts[0].score.home, 0);
  BOOST_CHECK_EQUAL(*alerts[0].score.away, 1);
  BOOST_CHECK_EQUAL(*alerts[1].score.home, 1);
  BOOST_CHECK_EQUAL(*alerts[1].score.away, 1);
}

BOOST_AUTO_TEST_CASE(red_cards_and_missed_penalties_once_yellow_cards_never) {
  live_builder before("1H", 20);
  before.score(0, 0);
  live_builder after = before;
  after.event(10, 15, "Card", "Yellow Card", "F. Early")
      .event(20, 18, "Card", "Red Card", "G. Off")
      .event(10, 19, "Goal", "Missed Penalty", "H. Miss")
      .event(20, 20, "Card", "Second Yellow card", "I. Twice")
      .event(10, 20, "subst", "Substitution 1", "J. Sub");
  BOOST_CHECK_EQUAL(diff(before, after),
                    "send 700:red_card:20:1 G. Off;send 700:missed_penalty:10:1 H. Miss;"
                    "send 700:red_card:20:2 I. Twice;");
  BOOST_CHECK_EQUAL(diff(after, after), "");
}

BOOST_AUTO_TEST_CASE(var_cancellation_is_one_correction_and_the_next_goal_a_new_key) {
  live_builder before("1H", 30);
  before.score(1, 0).goal(10, 10, "A. Smith");
  live_builder scored = before;
  scored.score(2, 0).goal(10, 29, "K. Offside");
  BOOST_CHECK_EQUAL(diff(before, scored), "send 700:goal:10:2 K. Offside;");

  // The feed keeps the goal event and adds the VAR decision; the score drops.
  live_builder cancelled = scored;
  cancelled.score(1, 0).event(10, 30, "Var", "Goal cancelled", "K. Offside");
  const auto correction = live_diff(scored.snapshot(), cancelled.snapshot());
  BOOST_CHECK_EQUAL(summary(correction), "send 700:goal_cancelled:10:2 K. Offside;");
  BOOST_CHECK(correction[0].kind == alert_kind::goal_cancelled);
  BOOST_CHECK_EQUAL(*correction[0].score.home, 1);
  BOOST_CHECK_EQUAL(diff(cancelled, cancelled), "");

  // Scored again: the second goal again, after one cancellation, so a key of its own.
  live_builder again = cancelled;
  again.score(2, 0).goal(10, 35, "L. Later");
  BOOST_CHECK_EQUAL(diff(cancelled, again), "send 700:goal:10:2.1 L. Later;");
  // A restart recomputes the same keys from the feed alone.
  BOOST_CHECK_EQUAL(summary(live_diff({}, again.snapshot())),
                    "send 700:kick_off;send 700:goal:10:1 A. Smith;send 700:goal:10:2.1 L. Later;");
}

BOOST_AUTO_TEST_CASE(var_cancellation_when_the_feed_drops_the_goal_event) {
  live_builder scored("2H", 60);
  scored.score(0, 1).goal(20, 58, "M. Gone");
  live_builder cancelled("2H", 61);
  cancelled.score(0, 0).event(20, 58, "Var", "Goal Disallowed - offside");
  BOOST_CHECK_EQUAL(diff(scored, cancelled), "send 700:goal_cancelled:20:1 M. Gone;");
}

BOOST_AUTO_TEST_CASE(half_time_extra_time_shootout_and_full_time_once_each) {
  live_builder first("1H", 44);
  first.score(1, 1).goal(10, 5, "A").goal(20, 6, "B");
  live_builder half = first;
  half.at("HT", 45);
  live_builder second = half;
  second.at("2H", 46);
  live_builder extra = second;
  extra.at("ET", 91);
  live_builder shootout = extra;
  shootout.at("P", 120).shootout(1, 0).goal(10, 120, "C", "Penalty");
  shootout.match.events.back().extra = 1;
  shootout.event(20, 120, "Goal", "Missed Penalty", "D", 2);
  live_builder over = shootout;
  over.at("PEN", 120).shootout(4, 2);
  BOOST_CHECK_EQUAL(diff(first, half), "send 700:half_time;");
  BOOST_CHECK_EQUAL(diff(half, second), "");
  BOOST_CHECK_EQUAL(diff(second, extra), "send 700:extra_time;");
  // Shoot-out kicks are neither goals nor missed penalties: the result tells.
  BOOST_CHECK_EQUAL(diff(extra, shootout), "send 700:penalty_shootout;");
  const auto end = live_diff(shootout.snapshot(), over.snapshot());
  BOOST_CHECK_EQUAL(summary(end), "send 700:full_time;");
  BOOST_CHECK_EQUAL(*end[0].penalty.home, 4);
  BOOST_CHECK_EQUAL(diff(over, over), "");
  BOOST_CHECK_EQUAL(diff(second, live_builder(second).at("FT", 90)), "send 700:full_time;");
  BOOST_CHECK_EQUAL(diff(extra, live_builder(extra).at("AET", 120)), "send 700:full_time;");
}

BOOST_AUTO_TEST_CASE(abandoned_cancelled_postponed_awarded_walkover_end_the_match) {
  for (const char* code : {"ABD", "CANC", "PST", "AWD", "WO"}) {
    live_builder playing("2H", 70);
    playing.score(0, 0);
    live_builder stopped = playing;
    stopped.at(code, 70);
    const auto alerts = live_diff(playing.snapshot(), stopped.snapshot());
    BOOST_CHECK_EQUAL(summary(alerts), "send 700:match_stopped:" + std::string(code) + ";");
    BOOST_CHECK_EQUAL(alerts.at(0).status, code);
  }
  BOOST_CHECK_EQUAL(diff(live_builder("SUSP", 70), live_builder("INT", 70)), "");
}

BOOST_AUTO_TEST_CASE(a_fixture_gone_from_the_feed_or_an_empty_poll_gives_nothing) {
  live_builder playing("2H", 80);
  playing.score(2, 0).goal(10, 3, "A").goal(10, 4, "B");
  BOOST_CHECK(live_diff(playing.snapshot(), {}).empty());
  BOOST_CHECK(live_diff({}, {}).empty());
  // Goal events ahead of the score wait for it.
  live_builder ahead = playing;
  ahead.goal(20, 79, "C");
  BOOST_CHECK_EQUAL(diff(playing, ahead), "");
  BOOST_CHECK_EQUAL(diff(ahead, live_builder(ahead).score(2, 1)), "send 700:goal:20:1 C;");
}

BOOST_AUTO_TEST_CASE(events_of_a_team_not_playing_are_ignored) {
  live_builder before("1H", 10);
  before.score(0, 0);
  live_builder after = before;
  after.event(99, 9, "Card", "Red Card", "X").goal(99, 9, "Y");
  BOOST_CHECK_EQUAL(diff(before, after), "");
}

BOOST_AUTO_TEST_SUITE_END()
