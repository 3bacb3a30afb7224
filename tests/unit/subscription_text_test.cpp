// /subscribe, /subscriptions, /unsubscribe, /timezone and /settings: their
// handlers, buttons and sentences, and the /teams decoder they use.
#include "core/bot/command_table.hpp"
#include "core/bot/subscription_text.hpp"
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
  c.chat_id = 42;
  c.user_id = 7;
  c.max_subscriptions = 20;
  c.default_timezone = "UTC";
  return c;
}

command_work work(const std::string& text) {
  return work_for_command(*parse_command(text, "phoenix_bot"), context());
}

template <class T> T action_of(const command_work& w) {
  BOOST_TEST_REQUIRE(std::holds_alternative<T>(w.action), w.command);
  return std::get<T>(w.action);
}

} // namespace

BOOST_AUTO_TEST_SUITE(subscription_text_tests)

BOOST_AUTO_TEST_CASE(teams_decode_from_the_project_data_and_bad_input_is_an_error) {
  auto teams = decode_teams(read_project_data("teams.json"));
  BOOST_TEST_REQUIRE(teams.ok());
  BOOST_TEST(teams.value->front().id == 42);
  BOOST_TEST(teams.value->front().name == "Arsenal");
  BOOST_TEST(teams.value->front().country == "England");
  BOOST_TEST(!decode_teams("{not json").ok());
  BOOST_TEST(!decode_teams(R"({"errors":{"search":"too short"},"response":[]})").ok());
  BOOST_TEST(!decode_teams(R"({"errors":[],"response":[1]})").ok());
  auto missing = decode_teams(R"({"errors":[],"response":[{"team":null}]})");
  BOOST_TEST_REQUIRE(missing.ok()); // an item without a team: no button (below)
  BOOST_TEST(render_team_choices(*missing.value, "x").keyboard.empty());
}

BOOST_AUTO_TEST_CASE(subscribe_searches_teams_with_three_letters_or_more) {
  const auto search = action_of<football_action>(work("/subscribe Arsenal"));
  BOOST_TEST(request_target(search.query) == "/teams?search=Arsenal");
  const auto two_words = action_of<football_action>(work("/subscribe Boca Juniors"));
  BOOST_TEST(request_target(two_words.query) == "/teams?search=Boca%20Juniors");
  BOOST_TEST(action_of<reply_action>(work("/subscribe Ar")).html ==
             "Give at least 3 letters of the team's name, e.g. /subscribe Arsenal");
  BOOST_TEST(action_of<reply_action>(work("/subscribe")).outcome == "bad arguments");
  auto answer = decode_payload(query_kind::team_search, read_project_data("teams.json"));
  BOOST_TEST_REQUIRE(answer.ok());
  rendered r = search.render(*answer.value);
  BOOST_TEST(r.keyboard.size() == max_team_buttons); // more match: cut, and said
  BOOST_TEST(r.html.find("add letters") != std::string::npos);
  BOOST_TEST(r.keyboard[0][0].text == "Arsenal (England)");
  BOOST_TEST(r.keyboard[0][0].callback_data == "sub:42:Arsenal");
  BOOST_TEST(search.render(std::vector<team_info>{}).html ==
             "No team matches “Arsenal”. Try another part of its name, e.g. /subscribe Arsenal");
}

BOOST_AUTO_TEST_CASE(a_subscribe_button_subscribes_the_chat_within_the_cap) {
  command_work w = work_for_callback("sub:42:Arsenal", context());
  const auto a = action_of<db_action>(w);
  const auto& op = std::get<db::subscribe>(a.op);
  BOOST_TEST(op.chat_id == 42);
  BOOST_TEST(op.team_id == 42);
  BOOST_TEST(op.team_name == "Arsenal");
  BOOST_TEST(op.max_per_chat == 20);
  db::reply answer;
  answer.count = 1;
  BOOST_TEST(a.render(answer).html ==
             "Subscribed to <b>Arsenal</b>. /subscriptions lists your teams.");
  answer.count = -1;
  BOOST_TEST(a.render(answer).html ==
             "This chat follows 20 teams, the most it may. /unsubscribe one first.");
}

BOOST_AUTO_TEST_CASE(callback_data_fits_64_bytes_and_round_trips) {
  const std::string long_name(100, 'x');
  const std::string data = team_callback_data({true, 123456, long_name + "é"});
  BOOST_TEST(data.size() <= 64u);
  auto back = parse_team_callback(data);
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->team_id == 123456);
  BOOST_TEST(long_name.rfind(back->team_name, 0) == 0);
  // a multi-byte character is never cut in half
  auto accented = team_callback_data({false, 1, std::string(54, 'a') + "ééé"});
  BOOST_TEST(accented.size() <= 64u);
  BOOST_TEST(parse_team_callback(accented)->team_name == std::string(54, 'a') + "é");
  BOOST_TEST(!parse_team_callback("sub:abc:x"));
  BOOST_TEST(!parse_team_callback("sub:0:x"));
  BOOST_TEST(!parse_team_callback("sub:12"));
  BOOST_TEST(!parse_team_callback("stats:12"));
}

BOOST_AUTO_TEST_CASE(subscriptions_list_each_team_with_an_unsubscribe_button) {
  const auto a = action_of<db_action>(work("/subscriptions"));
  BOOST_TEST(std::get<db::list_subscriptions>(a.op).chat_id == 42);
  db::reply answer;
  answer.ids = {42, 536};
  answer.bodies = {"Arsenal", "Sevilla"};
  rendered r = a.render(answer);
  BOOST_TEST(r.html == "<b>Your teams</b> (press one to unsubscribe):\n• Arsenal\n• Sevilla");
  BOOST_TEST_REQUIRE(r.keyboard.size() == 2u);
  BOOST_TEST(r.keyboard[1][0].callback_data == "unsub:536:Sevilla");
  BOOST_TEST(a.render(db::reply{}).html.find("You follow no team yet") == 0u);
  const auto button = action_of<db_action>(work_for_callback("unsub:536:Sevilla", context()));
  BOOST_TEST(std::get<db::unsubscribe>(button.op).team_id == 536);
}

BOOST_AUTO_TEST_CASE(unsubscribe_by_name_says_what_it_dropped_or_offers_the_candidates) {
  const auto a = action_of<db_action>(work("/unsubscribe arsenal"));
  BOOST_TEST(std::get<db::unsubscribe_team>(a.op).name == "arsenal");
  db::reply dropped;
  dropped.count = 1;
  dropped.ids = {42};
  dropped.bodies = {"Arsenal"};
  BOOST_TEST(a.render(dropped).html == "Unsubscribed from <b>Arsenal</b>.");
  db::reply several;
  several.ids = {42, 1859};
  several.bodies = {"Arsenal", "Arsenal W"};
  rendered r = a.render(several);
  BOOST_TEST(r.html == "Several of your teams match “arsenal”: press the one to drop.");
  BOOST_TEST(r.keyboard.size() == 2u);
  BOOST_TEST(a.render(db::reply{}).html ==
             "None of your teams matches “arsenal”. /subscriptions lists them.");
  BOOST_TEST(action_of<reply_action>(work("/unsubscribe")).outcome == "bad arguments");
}

BOOST_AUTO_TEST_CASE(timezone_stores_a_known_zone_and_refuses_others_with_an_example) {
  const auto a = action_of<db_action>(work("/timezone europe/london"));
  const auto& op = std::get<db::set_timezone>(a.op);
  BOOST_TEST(op.user_id == 7);
  BOOST_TEST(op.zone == "Europe/London");
  BOOST_TEST(a.render(db::reply{}).html ==
             "Your time zone is now <b>Europe/London</b> (UTC+01:00 now). Dates and kick-off "
             "times follow it.");
  BOOST_TEST(action_of<reply_action>(work("/timezone Mars/Olympus")).html ==
             "“Mars/Olympus” is no time zone I know. Use an Area/City name, e.g. /timezone "
             "Europe/London");
  BOOST_TEST(action_of<reply_action>(work("/timezone")).outcome == "bad arguments");
}

BOOST_AUTO_TEST_CASE(settings_show_the_zone_and_the_subscriptions) {
  const auto a = action_of<db_action>(work("/settings"));
  BOOST_TEST(std::get<db::load_settings>(a.op).user_id == 7);
  db::reply answer;
  answer.bodies = {""};
  answer.count = 2;
  BOOST_TEST(a.render(answer).html ==
             "<b>Your settings</b>\nTime zone: UTC (the default; change it with /timezone)\n"
             "Teams followed in this chat: 2 of at most 20 (/subscriptions)");
  answer.bodies = {"Asia/Tokyo"};
  BOOST_TEST(a.render(answer).html.find("Time zone: Asia/Tokyo\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
