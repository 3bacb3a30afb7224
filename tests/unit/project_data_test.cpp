// The project's own API-Football answers (tests/fakes/data/api-football, what
// the fakes and the demo serve): each decodes, and each holds the facts the
// integration tests and the demo conversation rely on.
#include "core/bot/analysis_report.hpp"
#include "core/bot/bot_text.hpp"
#include "core/football/match_check.hpp"
#include "tests/unit/football_samples.hpp"

using namespace phoenix::test;

namespace {

std::vector<fixture> own_fixtures(const std::string& name) {
  auto decoded = decode_fixtures(read_project_data(name));
  BOOST_REQUIRE_MESSAGE(decoded.ok(), name << ": " << decoded.error.detail);
  return *decoded.value;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const fixture& with_id(const std::vector<fixture>& list, int64_t id) {
  const fixture* found = requested_fixture(list, id);
  BOOST_REQUIRE_MESSAGE(found, "no fixture " << id);
  return *found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(project_data_tests)

BOOST_AUTO_TEST_CASE(every_answer_decodes_and_errors_are_typed) {
  for (const char* name : {"fixtures-by-date.json", "fixtures-live.json",
                           "fixtures-by-ids-with-details.json", "headtohead.json"})
    BOOST_TEST(!own_fixtures(name).empty(), name);
  BOOST_TEST(decode_statistics(read_project_data("fixture-statistics.json")).value->size() == 2u);
  BOOST_TEST(decode_events(read_project_data("fixture-events.json")).value->size() == 5u);
  BOOST_TEST(decode_predictions(read_project_data("predictions.json")).value->size() == 1u);
  const std::pair<const char*, football_errc> errors[] = {
      {"error-missing-key.json", football_errc::bad_key},
      {"error-rate-limit.json", football_errc::rate_limited},
      {"error-plan-free-season.json", football_errc::plan_restricted}};
  for (const auto& [name, code] : errors)
    BOOST_TEST(all_failed_with(failures_of_all_decoders(read_project_data(name)), code), name);
}

BOOST_AUTO_TEST_CASE(a_la_liga_day_finished_in_play_and_to_come) {
  const date_choice day{"2022-03-19", ""};
  auto shown = render_fixtures(own_fixtures("fixtures-by-date.json"), day, "UTC");
  BOOST_TEST(contains(shown.html, "<b>La Liga \xC2\xB7 Spain</b>"));
  BOOST_TEST(
      contains(shown.html, "<code>13:00</code> Alaves \xE2\x80\x93 Granada CF <b>2:3</b> FT"));
  BOOST_TEST(contains(shown.html, "Elche \xE2\x80\x93 Valencia <b>0:0</b> 49'"));
  BOOST_TEST(contains(shown.html, "Osasuna \xE2\x80\x93 Levante"));
  BOOST_REQUIRE_EQUAL(shown.keyboard.size(), 4u);
  BOOST_TEST(shown.keyboard[0][0].callback_data == "stats:721019"); // first by kick-off
  BOOST_TEST(shown.keyboard[1][0].text == "Elche \xE2\x80\x93 Valencia");
}

BOOST_AUTO_TEST_CASE(seven_live_matches) {
  auto live = own_fixtures("fixtures-live.json");
  BOOST_TEST(std::all_of(live.begin(), live.end(), [](auto& f) { return f.status.is_live(); }));
  auto shown = render_live(live);
  BOOST_TEST(contains(shown.html, "<b>Live now</b> (7 matches)"));
  BOOST_TEST(contains(shown.html, "Mixco <b>0:0</b> Cob\xC3\xA1n Imperial"));
}

BOOST_AUTO_TEST_CASE(detailed_fixtures_have_their_own_events_and_statistics) {
  auto detailed = own_fixtures("fixtures-by-ids-with-details.json");
  // The first answers any unknown id (renumbered), so it must carry statistics.
  BOOST_TEST(detailed.front().id == 1149519);
  for (const fixture& match : detailed) {
    BOOST_TEST(match.statistics.size() == 2u);
    BOOST_TEST(!foreign_parts_of(match).any());
  }
  const std::string atletico = render_stats(with_id(detailed, 1149519));
  BOOST_TEST(contains(atletico, "<b>Atletico Madrid 2:1 Inter</b>"));
  BOOST_TEST(contains(atletico, "UEFA Champions League"));
  const std::string arsenal = render_stats(with_id(detailed, 1149523));
  BOOST_TEST(contains(arsenal, "<b>Arsenal 1:0 FC Porto</b>"));
  BOOST_TEST(contains(arsenal, "Possession"));
  BOOST_TEST(contains(arsenal, "58%"));
}

BOOST_AUTO_TEST_CASE(the_analysis_of_1149519_keeps_its_prediction_and_meetings) {
  const fixture match = with_id(own_fixtures("fixtures-by-ids-with-details.json"), 1149519);
  auto meetings = own_fixtures("headtohead.json");
  std::size_t left_out = 0;
  BOOST_TEST(meetings_between(match, meetings, left_out).size() == 3u);
  BOOST_TEST(left_out == 2u); // Arsenal – FC Porto meetings, for the other analysis
  auto forecast = decode_predictions(read_project_data("predictions.json")).value->front();
  BOOST_TEST(prediction_is_for(forecast, match));
  const std::string report = render_analysis(1, match, meetings, forecast);
  BOOST_TEST(contains(report, "Analysis #1: Atletico Madrid \xE2\x80\x93 Inter"));
  BOOST_TEST(contains(report, "<b>Head to head</b> (last 3 finished)"));
  BOOST_TEST(contains(report, "<b>Prediction</b>"));
  BOOST_TEST(!contains(report, "another match"));
}

BOOST_AUTO_TEST_SUITE_END()
