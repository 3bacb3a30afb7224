// Answers about another fixture or other teams are never shown as this match's.
#include "core/bot/analysis_report.hpp"
#include "core/bot/bot_text.hpp"
#include "core/football/match_check.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;

namespace {

constexpr int64_t atletico = 530, inter = 505, dortmund = 165, bayern = 157;

team_ref team(int64_t id, std::string name) {
  return team_ref{id, std::move(name), std::nullopt};
}

fixture match_of(int64_t id, team_ref home, team_ref away, int home_goals, int away_goals) {
  fixture f;
  f.id = id;
  f.home = std::move(home);
  f.away = std::move(away);
  f.status.short_name = "FT";
  f.status.long_name = "Match Finished";
  f.goals = {home_goals, away_goals};
  f.league_name = "UEFA Champions League";
  f.date = "2024-03-13T21:00:00+00:00";
  return f;
}

// Atletico Madrid - Inter, the match of the report that showed Dortmund's prediction.
fixture atletico_inter() {
  return match_of(1150000, team(atletico, "Atletico Madrid"), team(inter, "Inter"), 2, 1);
}

prediction forecast_of(team_ref home, team_ref away, std::string advice) {
  prediction p;
  p.home = std::move(home);
  p.away = std::move(away);
  p.advice = std::move(advice);
  p.percent_home = "45%";
  p.percent_draw = "45%";
  p.percent_away = "10%";
  return p;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(match_check_tests)

BOOST_AUTO_TEST_CASE(a_prediction_for_another_match_is_not_shown) {
  auto match = atletico_inter();
  auto other = forecast_of(team(dortmund, "Borussia Dortmund"), team(bayern, "Bayern Munich"),
                           "Double chance: Borussia Dortmund or draw");
  auto report = render_analysis(7, match, {}, other);
  BOOST_TEST(!has(report, "Borussia Dortmund"), report);
  BOOST_TEST(!has(report, "45%"), report);
  BOOST_TEST(has(report, "No prediction shown: the data service sent one for another match"));
  // The same teams the other way round are another match too (the return leg).
  auto reversed = forecast_of(team(inter, "Inter"), team(atletico, "Atletico Madrid"), "Inter");
  BOOST_TEST(!prediction_is_for(reversed, match));
  auto own = forecast_of(team(atletico, "Atletico Madrid"), team(inter, "Inter"),
                         "Double chance: Atletico Madrid or draw");
  auto good = render_analysis(7, match, {}, own);
  BOOST_TEST(has(good, "Double chance: Atletico Madrid or draw"), good);
  BOOST_TEST(!has(good, "another match"), good);
}

BOOST_AUTO_TEST_CASE(meetings_of_other_teams_are_left_out_of_the_head_to_head) {
  auto match = atletico_inter();
  std::vector<fixture> answer{
      match_of(1, team(atletico, "Atletico Madrid"), team(inter, "Inter"), 1, 0),
      match_of(2, team(inter, "Inter"), team(atletico, "Atletico Madrid"), 1, 0),
      match_of(3, team(dortmund, "Borussia Dortmund"), team(bayern, "Bayern Munich"), 5, 0),
      match_of(4, team(atletico, "Atletico Madrid"), team(bayern, "Bayern Munich"), 0, 5)};
  std::size_t left_out = 0;
  auto kept = meetings_between(match, answer, left_out);
  BOOST_TEST(kept.size() == 2u);
  BOOST_TEST(left_out == 2u);
  auto report = render_analysis(7, match, answer, std::nullopt);
  BOOST_TEST(has(report, "(last 2 finished)"), report);
  BOOST_TEST(has(report, "Goals 1:1"), report); // the 5:0 of Dortmund does not count
  BOOST_TEST(has(report, "Left out: 2 matches of other teams"), report);
  auto clean = render_analysis(7, match, kept, std::nullopt);
  BOOST_TEST(!has(clean, "Left out"), clean);
}

BOOST_AUTO_TEST_CASE(events_and_statistics_of_another_team_are_left_out) {
  auto match = atletico_inter();
  event own_goal;
  own_goal.type = "Goal";
  own_goal.detail = "Normal Goal";
  own_goal.player = "A. Griezmann";
  own_goal.team_id = atletico;
  own_goal.elapsed = 35;
  auto stray = own_goal;
  stray.player = "M. Reus";
  stray.team_id = dortmund;
  match.events = {own_goal, stray};
  match.statistics = {team_statistics{team(atletico, "Atletico Madrid"), {}},
                      team_statistics{team(dortmund, "Borussia Dortmund"), {}}};
  auto parts = foreign_parts_of(match);
  BOOST_TEST(parts.events == 1u);
  BOOST_TEST(parts.statistics == 1u);
  auto text = render_stats(match);
  BOOST_TEST(has(text, "Griezmann"), text);
  BOOST_TEST(!has(text, "Reus"), text);
  BOOST_TEST(!has(text, "Dortmund"), text);
  BOOST_TEST(has(text, "Left out: 1 event and statistics of a team not playing"), text);
  // Id 0 says nothing about the team: nothing to check, nothing left out.
  match.events[1].team_id = 0;
  match.statistics[1].team.id = 0;
  BOOST_TEST(!foreign_parts_of(match).any());
  BOOST_TEST(!has(render_stats(atletico_inter()), "Left out"));
}

BOOST_AUTO_TEST_CASE(an_answer_about_another_fixture_is_malformed) {
  auto asked = football_query::fixture_by_id(1150000);
  auto other = match_of(868000, team(dortmund, "Borussia Dortmund"), team(bayern, "Bayern"), 1, 1);
  auto mismatch = answer_mismatch(asked, football_payload{std::vector<fixture>{other}});
  BOOST_REQUIRE(mismatch.has_value());
  BOOST_TEST((mismatch->code == football_errc::malformed));
  BOOST_TEST(has(mismatch->detail, "asked for fixture 1150000"));
  BOOST_TEST(!answer_mismatch(asked, football_payload{std::vector<fixture>{atletico_inter()}}));
  BOOST_TEST(!answer_mismatch(asked, football_payload{std::vector<fixture>{}})); // not found
  auto h2h = football_query::head_to_head(atletico, inter, 10);
  BOOST_TEST(!answer_mismatch(h2h, football_payload{std::vector<fixture>{other}}));
  std::vector<fixture> answer{other, atletico_inter()};
  BOOST_TEST(requested_fixture(answer, 1150000) == &answer[1]);
  BOOST_TEST(requested_fixture(answer, 42) == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
