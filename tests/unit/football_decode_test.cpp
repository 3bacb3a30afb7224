#include "tests/unit/football_samples.hpp"

using namespace phoenix::test;

namespace {

std::string shown(const std::optional<int>& value) {
  return value ? std::to_string(*value) : "-";
}

// One line per fixture / event, roughly as the bot would print it.
std::string summary(const fixture& f) {
  return std::to_string(f.id) + " " + f.status.short_name + " " + shown(f.status.elapsed) + "' " +
         f.home.name + " " + shown(f.goals.home) + ":" + shown(f.goals.away) + " " + f.away.name;
}

std::string summary(const event& e) {
  return shown(e.elapsed) + "+" + shown(e.extra) + "' " + std::to_string(e.team_id) + " " +
         e.team_name + " " + e.type + "/" + e.detail + " " + e.player + "|" + e.assist + "|" +
         e.comments;
}

} // namespace

BOOST_AUTO_TEST_SUITE(football_decode_tests)

BOOST_AUTO_TEST_CASE(statistics_sample_mixes_ints_percent_decimal_and_null,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto result = decode_statistics(read_sample("fixture-statistics.json"));
  BOOST_REQUIRE(result.ok());
  BOOST_REQUIRE_EQUAL(result.value->size(), 2u);
  const team_statistics& barcelona = result.value->front();
  BOOST_CHECK_EQUAL(barcelona.team.id, 529);
  BOOST_CHECK_EQUAL(barcelona.team.name, "Barcelona");
  BOOST_REQUIRE_EQUAL(barcelona.values.size(), 18u);
  BOOST_CHECK_EQUAL(barcelona.values.front().first, "Shots on Goal");

  using k = stat_value::kind;
  check_stat(barcelona, "Ball Possession", k::percent, 78, "78%");
  check_stat(barcelona, "expected_goals", k::decimal, 1.92, "1.92");
  check_stat(barcelona, "Total passes", k::integer, 625, "625");
  check_stat(barcelona, "Red Cards", k::none, 0, "");
  check_stat(result.value->back(), "Ball Possession", k::percent, 22, "22%");

  auto filtered = decode_statistics(read_sample("fixture-statistics-team-type-filter.json"));
  BOOST_REQUIRE(filtered.ok());
  BOOST_REQUIRE_EQUAL(filtered.value->size(), 1u);
  BOOST_CHECK_EQUAL(filtered.value->front().team.name, "Manchester United");
  BOOST_CHECK_EQUAL(filtered.value->front().values.size(), 1u);
  check_stat(filtered.value->front(), "Ball Possession", stat_value::kind::percent, 39, "39%");
}

BOOST_AUTO_TEST_CASE(fixtures_by_date_has_finished_scheduled_and_live,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto result = decode_fixtures(read_sample("fixtures-by-date.json"));
  BOOST_REQUIRE(result.ok());
  const auto& fixtures = *result.value;
  BOOST_REQUIRE_EQUAL(fixtures.size(), 4u);
  BOOST_CHECK_EQUAL(summary(fixtures[0]), "721019 FT 90' Alaves 2:3 Granada CF");
  BOOST_CHECK_EQUAL(summary(fixtures[1]), "721024 NS -' Osasuna -:- Levante");
  BOOST_CHECK_EQUAL(summary(fixtures[3]), "721028 2H 49' Elche 0:0 Valencia");
  BOOST_CHECK(fixtures[0].status.is_finished() && fixtures[0].status.long_name == "Match Finished");
  BOOST_CHECK(fixtures[1].status.is_scheduled() && !fixtures[1].home.winner);
  BOOST_CHECK(fixtures[3].status.is_live() && !fixtures[3].status.extra);

  const fixture& finished = fixtures[0];
  BOOST_CHECK_EQUAL(finished.date, "2022-03-19T13:00:00+00:00");
  BOOST_CHECK_EQUAL(finished.timestamp, 1647694800);
  BOOST_CHECK_EQUAL(finished.timezone, "UTC");
  BOOST_CHECK_EQUAL(finished.referee, "Guillermo Cuadra Fernandez, Spain");
  BOOST_CHECK_EQUAL(finished.venue_name + ", " + finished.venue_city,
                    "Estadio de Mendizorroza, Vitoria-Gasteiz");
  BOOST_CHECK(finished.league_id == 140 && finished.league_season == 2021);
  BOOST_CHECK_EQUAL(finished.league_name + "/" + finished.league_country + "/" +
                        finished.league_round,
                    "La Liga/Spain/Regular Season - 29");
  BOOST_CHECK(finished.home.winner == false && finished.away.winner == true);
  BOOST_CHECK(!finished.penalty.home && finished.events.empty() && finished.statistics.empty());
}

BOOST_AUTO_TEST_CASE(fixtures_live_has_events_with_null_player,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto result = decode_fixtures(read_sample("fixtures-live.json"));
  BOOST_REQUIRE(result.ok());
  const auto& fixtures = *result.value;
  BOOST_REQUIRE_EQUAL(fixtures.size(), 7u);
  BOOST_CHECK(std::all_of(fixtures.begin(), fixtures.end(),
                          [](const fixture& f) { return f.status.is_live(); }));
  const fixture& first = fixtures[0];
  BOOST_CHECK_EQUAL(summary(first), "1202873 1H 45' Mixco 0:0 Cob\xC3\xA1n Imperial"); // \u00e1
  BOOST_CHECK_EQUAL(first.referee, ""); // null in the answer
  BOOST_REQUIRE_EQUAL(first.events.size(), 3u);
  BOOST_CHECK_EQUAL(summary(first.events[0]),
                    "10+-' 3657 Cob\xC3\xA1n Imperial Card/Yellow Card ||"); // player null
  BOOST_CHECK_EQUAL(first.events[1].player, "Y. Pozuelos");
  BOOST_CHECK(fixtures[1].status.extra == 1);
}

BOOST_AUTO_TEST_CASE(fixtures_by_ids_embed_events_statistics_and_penalties,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto result = decode_fixtures(read_sample("fixtures-by-ids-with-details.json"));
  BOOST_REQUIRE(result.ok());
  BOOST_REQUIRE_EQUAL(result.value->size(), 2u);
  const fixture& atletico = (*result.value)[0];
  BOOST_CHECK_EQUAL(summary(atletico), "1149519 PEN 120' Atletico Madrid 2:1 Inter");
  BOOST_CHECK(atletico.status.is_finished());
  BOOST_CHECK_EQUAL(atletico.venue_name, "Est\xC3\xA1"
                                         "dio C\xC3\xADvitas Metropolitano");
  BOOST_CHECK(atletico.penalty.home == 3 && atletico.penalty.away == 2);
  BOOST_CHECK(atletico.extratime.home == 0 && atletico.fulltime.home == 2);
  BOOST_CHECK(atletico.halftime.home == 1 && atletico.home.winner == true);
  BOOST_REQUIRE_EQUAL(atletico.events.size(), 29u);
  BOOST_CHECK_EQUAL(summary(atletico.events[0]),
                    "33+-' 505 Inter Goal/Normal Goal F. Dimarco|N. Barella|");
  BOOST_CHECK_EQUAL(summary(atletico.events.back()).substr(0, 13), "120+1' 505 In");
  BOOST_REQUIRE_EQUAL(atletico.statistics.size(), 2u);
  check_stat(atletico.statistics[0], "Ball Possession", stat_value::kind::percent, 47, "47%");
  check_stat(atletico.statistics[0], "expected_goals", stat_value::kind::decimal, 2.73, "2.73");
  BOOST_CHECK_EQUAL(summary((*result.value)[1]), "1149523 PEN 120' Arsenal 1:0 FC Porto");
  BOOST_CHECK((*result.value)[1].penalty.home == 4);
  BOOST_CHECK_EQUAL((*result.value)[1].events.size(), 20u);
}

BOOST_AUTO_TEST_CASE(events_sample, *boost::unit_test::precondition(shared_samples_present)) {
  auto result = decode_events(read_sample("fixture-events.json"));
  BOOST_REQUIRE(result.ok());
  const auto& events = *result.value;
  BOOST_REQUIRE_EQUAL(events.size(), 9u);
  BOOST_CHECK_EQUAL(summary(events[0]),
                    "48+-' 50 Manchester City Card/Yellow Card Fernandinho||Foul");
  BOOST_CHECK_EQUAL(summary(events[1]), "50+-' 50 Manchester City Goal/Normal Goal J. Stones||");
  BOOST_CHECK_EQUAL(summary(events[3]),
                    "75+-' 33 Manchester United subst/Substitution 1 S. McTominay|M. Greenwood|");
  BOOST_CHECK_EQUAL(events[4].player, "Jo\xC3\xA3o Cancelo");
}

BOOST_AUTO_TEST_CASE(predictions_sample, *boost::unit_test::precondition(shared_samples_present)) {
  auto result = decode_predictions(read_sample("predictions.json"));
  BOOST_REQUIRE(result.ok());
  BOOST_REQUIRE_EQUAL(result.value->size(), 1u);
  const prediction& p = result.value->front();
  BOOST_REQUIRE(p.winner);
  BOOST_CHECK_EQUAL(p.winner->id, 165);
  BOOST_CHECK_EQUAL(p.winner->name + " / " + p.winner_comment, "Borussia Dortmund / Win or draw");
  BOOST_CHECK_EQUAL(p.advice, "Double chance : Borussia Dortmund or draw");
  BOOST_CHECK(p.win_or_draw == true && p.under_over.empty()); // under_over is null
  BOOST_CHECK_EQUAL(p.goals_home + " " + p.goals_away, "-2.5 -3.5");
  BOOST_CHECK_EQUAL(p.percent_home + " " + p.percent_draw + " " + p.percent_away, "45% 45% 10%");
  BOOST_CHECK_EQUAL(p.home.id, 165);
  BOOST_CHECK_EQUAL(p.home_last5_form + " " + p.away_last5_form, "80% 73%");
  BOOST_REQUIRE_EQUAL(p.comparison.size(), 7u);
  BOOST_CHECK(
      p.comparison[0] ==
      std::make_pair(std::string("form"), std::make_pair(std::string("52%"), std::string("48%"))));
  BOOST_CHECK_EQUAL(p.comparison.back().second.first, "52.5%");
}

BOOST_AUTO_TEST_CASE(headtohead_sample_and_envelope_only_samples,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto result = decode_fixtures(read_sample("headtohead.json"));
  BOOST_REQUIRE(result.ok());
  BOOST_REQUIRE_EQUAL(result.value->size(), 8u);
  BOOST_CHECK_EQUAL(summary(result.value->front()),
                    "653808 FT 90' Manchester United 0:2 Manchester City");
  BOOST_CHECK_EQUAL(result.value->front().league_name, "League Cup");
  BOOST_CHECK_EQUAL(summary(result.value->at(6)),
                    "868033 FT 90' Manchester City 6:3 Manchester United");
  // No decoder of ours reads these, but their envelopes must pass.
  BOOST_CHECK(!decode_envelope_error(read_sample("leagues-current.json")));
  BOOST_CHECK(!decode_envelope_error(read_sample("teams-search.json")));
}

BOOST_AUTO_TEST_CASE(error_samples_map_to_typed_errors,
                     *boost::unit_test::precondition(shared_samples_present)) {
  const std::vector<std::pair<std::string, football_errc>> expected = {
      {"error-missing-key.json", football_errc::bad_key},
      {"error-rate-limit.json", football_errc::rate_limited},
      {"error-rate-limit-2025.json", football_errc::rate_limited},
      {"error-plan-free-season.json", football_errc::plan_restricted},
      {"error-required-parameter.json", football_errc::bad_request},
      {"error-invalid-parameter-combination.json", football_errc::bad_request},
  };
  for (const auto& [name, code] : expected) {
    BOOST_TEST_CONTEXT(name) {
      const std::string body = read_sample(name);
      auto error = decode_envelope_error(body);
      BOOST_REQUIRE(error);
      BOOST_CHECK(error->code == code);
      BOOST_CHECK_EQUAL(error->user_message, football_user_message(code));
      BOOST_CHECK(error->user_message.find("errors") == std::string::npos);
      BOOST_CHECK(error->detail.find("errors.") == 0);
      BOOST_CHECK(all_failed_with(failures_of_all_decoders(body), code));
    }
  }
  auto rate = decode_fixtures(read_sample("error-rate-limit-2025.json"));
  BOOST_CHECK(rate.error.detail.find("per minute of your subscription") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(inline_error_shapes) {
  BOOST_CHECK(envelope_code(R"({"errors":{"requests":"You have reached the request limit for )"
                            R"(the day"},"response":[]})") == football_errc::daily_quota);
  BOOST_CHECK(envelope_code(R"({"errors":[{"token":"x"}],"response":[]})") ==
              football_errc::bad_key);
  BOOST_CHECK(envelope_code(R"({"errors":["odd"]})") == football_errc::bad_request);
  BOOST_CHECK(envelope_code(R"({"errors":{"page":"no"}})") == football_errc::bad_request);
  BOOST_CHECK(envelope_code(R"({"errors":{"RATELIMIT":"x"}})") == football_errc::rate_limited);
  auto non_text = decode_envelope_error(R"({"errors":{"token":5},"response":[]})");
  BOOST_REQUIRE(non_text);
  BOOST_CHECK_EQUAL(non_text->detail, "errors.token: (a number)");
  // Empty errors in any form mean success.
  BOOST_CHECK(!envelope_code(R"({"errors":{},"response":[]})"));
  BOOST_CHECK(!envelope_code(R"({"errors":"","response":{}})"));
  BOOST_CHECK(!envelope_code(R"({"get":"","parameters":[],"response":[]})"));
}

BOOST_AUTO_TEST_CASE(status_inline_per_contract) {
  const std::string body =
      R"({"get":"status","parameters":[],"errors":[],"results":1,"paging":{"current":1,"total":1},)"
      R"("response":{"account":{"firstname":"Ann","lastname":"Lee","email":"a@example.org"},)"
      R"("subscription":{"plan":"Free","end":"2026-04-10T00:00:00+00:00","active":true},)"
      R"("requests":{"current":12,"limit_day":100}}})";
  auto status = decode_status(body);
  BOOST_REQUIRE(status.ok());
  BOOST_CHECK(status.value->plan == "Free" && status.value->active);
  BOOST_CHECK(status.value->requests_current == 12 && status.value->requests_limit_day == 100);
  BOOST_CHECK(!decode_envelope_error(body));
  BOOST_CHECK(decode_fixtures(body).error.code == football_errc::malformed); // object response
  BOOST_CHECK(decode_status(R"({"errors":[],"response":[]})").error.code ==
              football_errc::malformed);
  auto empty = decode_status(R"({"errors":[],"response":{"subscription":null}})");
  BOOST_REQUIRE(empty.ok());
  BOOST_CHECK(!empty.value->active && empty.value->plan.empty());
}

BOOST_AUTO_TEST_CASE(statistic_values_of_every_shape) {
  auto result = decode_statistics(
      R"({"errors":[],"response":[{"team":{"id":1,"name":"A"},"statistics":[)"
      R"({"type":"a","value":true},{"type":"b","value":"N/A"},{"type":"c","value":"12"},)"
      R"({"type":"d","value":1.5},{"type":"e","value":-3},{"type":"f","value":"55.5%"},)"
      R"({"type":"g","value":"%"},{"type":"h","value":"nan%"},{"type":"i","value":"1e999"},)"
      R"({"type":"j"},7,{"value":{}}]}]})");
  BOOST_REQUIRE(result.ok());
  const auto& values = result.value->front().values;
  BOOST_REQUIRE_EQUAL(values.size(), 11u); // the bare 7 is skipped
  auto kind_of = [&](std::size_t i) { return values[i].second.k; };
  using k = stat_value::kind;
  BOOST_CHECK(kind_of(0) == k::none && values[0].second.text.empty());
  BOOST_CHECK(kind_of(1) == k::none && values[1].second.text == "N/A");
  BOOST_CHECK(kind_of(2) == k::decimal && values[2].second.number == 12.0);
  BOOST_CHECK(kind_of(3) == k::decimal && values[3].second.text == "1.5");
  BOOST_CHECK(kind_of(4) == k::integer && values[4].second.text == "-3");
  BOOST_CHECK(kind_of(5) == k::percent && values[5].second.number == 55.5);
  BOOST_CHECK(kind_of(6) == k::none && kind_of(7) == k::none && kind_of(8) == k::none);
  BOOST_CHECK(kind_of(9) == k::none && values[10].first.empty());
}

BOOST_AUTO_TEST_CASE(text_escapes_and_utf8) {
  auto result = decode_fixtures(
      R"({"get":"","parameters":{"x":"1"},"errors":[],"response":[{"league":)"
      R"({"name":"M\u00fcnchen \/ Bayern","country":"München","round":"a\u0000b"}}]})");
  BOOST_REQUIRE(result.ok());
  const fixture& f = result.value->front();
  BOOST_CHECK_EQUAL(f.league_name, "M\xC3\xBCnchen / Bayern");
  BOOST_CHECK_EQUAL(f.league_country, "M\xC3\xBCnchen");
  BOOST_CHECK_EQUAL(f.league_round, std::string("a\0b", 3));
}

BOOST_AUTO_TEST_CASE(status_helpers_and_messages) {
  auto status_of = [](const char* code) {
    fixture_status status;
    status.short_name = code;
    return status;
  };
  for (const char* code : {"1H", "HT", "2H", "ET", "BT", "P", "SUSP", "INT", "LIVE"})
    BOOST_CHECK(status_of(code).is_live() && !status_of(code).is_finished());
  for (const char* code : {"FT", "AET", "PEN", "AWD", "WO"})
    BOOST_CHECK(status_of(code).is_finished() && !status_of(code).is_live());
  for (const char* code : {"TBD", "NS"})
    BOOST_CHECK(status_of(code).is_scheduled() && !status_of(code).is_live());
  for (const char* code : {"PST", "CANC", "ABD", ""}) {
    const fixture_status other = status_of(code);
    BOOST_CHECK(!other.is_live() && !other.is_finished() && !other.is_scheduled());
  }

  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(football_errc::user_budget); ++i) {
    const auto code = static_cast<football_errc>(i);
    BOOST_CHECK(!football_user_message(code).empty());
    BOOST_CHECK_EQUAL(make_football_error(code, "d").user_message, football_user_message(code));
    names.insert(to_string(code));
  }
  BOOST_CHECK_EQUAL(names.size(), static_cast<std::size_t>(football_errc::user_budget) + 1);
}

BOOST_AUTO_TEST_SUITE_END()
