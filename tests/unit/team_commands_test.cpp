// /team and /standings: their queries (chained for /team), decoders that take
// bad input without crashing, and texts.
#include "core/bot/team_commands.hpp"
#include "core/football/football_decode.hpp"
#include "core/football/football_payload.hpp"
#include "tests/unit/football_samples.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using phoenix::test::read_project_data;

namespace {

command_context context() {
  command_context c;
  c.unix_now = 1784116800; // 2026-07-15 12:00 UTC
  c.timezone = "Europe/Madrid";
  c.utc_offset_minutes = 120;
  return c;
}

football_action football_work(const std::string& text) {
  command_work w = work_for_command(*parse_command(text, "phoenix_bot"), context());
  BOOST_TEST_REQUIRE(std::holds_alternative<football_action>(w.action), text);
  return std::get<football_action>(w.action);
}

football_payload payload(query_kind kind, const std::string& file) {
  auto decoded = decode_payload(kind, read_project_data(file));
  BOOST_TEST_REQUIRE(decoded.ok(), file);
  return *decoded.value;
}

} // namespace

BOOST_AUTO_TEST_SUITE(team_commands_tests)

BOOST_AUTO_TEST_CASE(team_searches_then_asks_last_then_next_fixtures_in_the_users_zone) {
  football_action search = football_work("/team sevilla");
  BOOST_TEST(request_target(search.query) == "/teams?search=sevilla");
  BOOST_TEST_REQUIRE(static_cast<bool>(search.then));
  auto last = search.then(payload(query_kind::team_search, "teams.json"));
  BOOST_TEST_REQUIRE(last.has_value());
  BOOST_TEST(request_target(last->query) == "/fixtures?team=536&last=5&timezone=Europe%2FMadrid");
  auto next = last->then(std::vector<fixture>{});
  BOOST_TEST_REQUIRE(next.has_value());
  BOOST_TEST(request_target(next->query) == "/fixtures?team=536&next=5&timezone=Europe%2FMadrid");
  BOOST_TEST(!next->then);
  fixture played;
  played.id = 9;
  played.date = "2022-03-19T14:00:00+01:00";
  played.home = {536, "Sevilla", {}};
  played.away = {532, "Valencia", {}};
  played.goals = {2, 1};
  played.status.short_name = "FT";
  rendered r = next->render(std::vector<fixture>{});
  BOOST_TEST(r.html.find("No fixture scheduled.") != std::string::npos);
  r = render_team_fixtures({536, "Sevilla", "Spain"}, {}, {played}, "Europe/Madrid");
  BOOST_TEST(r.html == "<b>Sevilla</b>\n<i>Times in Europe/Madrid</i>\n\n<b>Next</b>\nNo fixture "
                       "scheduled.\n\n<b>Last</b>\n<code>2022-03-19 14:00</code> Sevilla – "
                       "Valencia <b>2:1</b> FT");
  BOOST_TEST(r.keyboard.size() == 1u);
  // No team found: the search's own render says so.
  BOOST_TEST(!search.then(std::vector<team_info>{}).has_value());
  BOOST_TEST(search.render(std::vector<team_info>{}).html.find("No team matches") == 0u);
}

BOOST_AUTO_TEST_CASE(the_team_named_exactly_wins_over_the_first_found) {
  std::vector<team_info> teams{{1859, "Arsenal W", "England"}, {42, "Arsenal", "England"}};
  BOOST_TEST(chosen_team(teams, "arsenal")->id == 42);
  BOOST_TEST(chosen_team(teams, "arse")->id == 1859);
  BOOST_TEST(!chosen_team({}, "arsenal"));
}

BOOST_AUTO_TEST_CASE(standings_default_to_the_current_season_and_render_the_table) {
  BOOST_TEST(request_target(football_work("/standings 140 2021").query) ==
             "/standings?league=140&season=2021");
  BOOST_TEST(request_target(football_work("/standings 140").query) ==
             "/standings?league=140&season=2026"); // July 2026: the 2026 season
  BOOST_TEST(current_season("2027-03-01") == 2026);
  BOOST_TEST(current_season("2026-07-01") == 2026);
  BOOST_TEST(current_season("junk") == 0);
  auto usage = work_for_command(*parse_command("/standings abc", "phoenix_bot"), context());
  BOOST_TEST(std::get<reply_action>(usage.action).outcome == "bad arguments");
  football_action table = football_work("/standings 140 2021");
  const std::string html = table.render(payload(query_kind::standings, "standings.json")).html;
  BOOST_TEST(html.find("<b>La Liga 2021</b>") == 0u);
  BOOST_TEST(html.find("<code> 1 Atletico Madrid      29 +27  61</code>") != std::string::npos,
             html);
  BOOST_TEST(
      table.render(std::vector<standing_row>{}).html ==
      "No table for league 140 in season 2021. Try another season, e.g. /standings 140 2020");
}

BOOST_AUTO_TEST_CASE(standings_decoding_tolerates_bad_input) {
  BOOST_TEST(!decode_standings("{truncated").ok());
  BOOST_TEST(!decode_standings(R"({"errors":{"season":"required"},"response":[]})").ok());
  auto odd = decode_standings(
      R"({"errors":[],"response":[{"league":{"standings":"none"}},{"league":{"standings":[[1,{"rank":"x"}]]}}]})");
  BOOST_TEST_REQUIRE(odd.ok());
  BOOST_TEST(odd.value->size() == 1u); // the one object row, its fields defaulted
  BOOST_TEST(odd.value->front().rank == 0);
}

BOOST_AUTO_TEST_SUITE_END()
