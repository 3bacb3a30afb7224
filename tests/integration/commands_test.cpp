// Issue 17's commands end to end (the real bot, PostgreSQL, both fakes):
// subscribing by search and button, listing and unsubscribing by button and
// by name, and a user's own time zone in /fixtures.
#include "tests/integration/bot_fixture.hpp"

using namespace phoenix;
using namespace phoenix::test;

namespace {

// Presses `data` under `message` in chat 1 and returns the bot's next message.
fakes::sent_message press(bot_fixture& f, const fakes::sent_message& message,
                          const std::string& data) {
  auto before = f.telegram.sent(1).size();
  f.telegram.push_callback(1, message.message_id, data);
  auto sent = f.telegram.wait_for_messages(1, before + 1, 15s);
  BOOST_REQUIRE_MESSAGE(sent.size() > before, "no answer to the button " << data);
  return sent[before];
}

} // namespace

BOOST_AUTO_TEST_SUITE(commands_tests)

BOOST_AUTO_TEST_CASE(subscribe_by_button_list_and_unsubscribe_by_button_and_by_name) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.values.alerts_max_subscriptions = 2;
  f.start();
  auto found = f.ask(1, "/subscribe Arsenal");
  BOOST_TEST(contains(found.plain_text, "Which team?"));
  BOOST_TEST(contains(found.reply_markup_json, "sub:42:Arsenal"));
  BOOST_TEST(contains(found.reply_markup_json, "sub:1859:Arsenal W"));
  BOOST_TEST(contains(press(f, found, "sub:42:Arsenal").plain_text, "Subscribed to Arsenal."));
  BOOST_TEST(contains(press(f, found, "sub:42:Arsenal").plain_text, "You follow Arsenal already."));

  auto listed = f.ask(1, "/subscriptions");
  BOOST_TEST(contains(listed.plain_text, "• Arsenal"));
  BOOST_TEST(contains(listed.reply_markup_json, "unsub:42:Arsenal"));
  BOOST_TEST(contains(f.ask(2, "/subscriptions").plain_text, "You follow no team yet")); // per chat

  // The cap (2 here), then a press on the list's button removes Arsenal.
  BOOST_TEST(contains(press(f, found, "sub:1859:Arsenal W").plain_text, "Subscribed"));
  auto sevilla = f.ask(1, "/subscribe sevilla");
  BOOST_TEST(contains(press(f, sevilla, "sub:536:Sevilla").plain_text, "the most it may"));
  BOOST_TEST(
      contains(press(f, listed, "unsub:42:Arsenal").plain_text, "Unsubscribed from Arsenal."));
  auto after = f.ask(1, "/subscriptions");
  BOOST_TEST(!contains(after.plain_text, "• Arsenal\n"));
  BOOST_TEST(contains(after.plain_text, "• Arsenal W"));

  BOOST_TEST(contains(f.ask(1, "/unsubscribe nowhere").plain_text, "None of your teams"));
  BOOST_TEST(
      contains(f.ask(1, "/unsubscribe arsenal w").plain_text, "Unsubscribed from Arsenal W."));
  BOOST_TEST(contains(f.ask(1, "/subscriptions").plain_text, "You follow no team yet"));
  BOOST_TEST(contains(f.ask(1, "/subscribe Ar").plain_text, "at least 3 letters"));
  BOOST_TEST(
      contains(f.ask(1, "/settings").plain_text, "Teams followed in this chat: 0 of at most 2"));
}

BOOST_AUTO_TEST_CASE(a_users_time_zone_changes_the_kick_off_times_of_fixtures) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  // Alaves – Granada CF kicks off at 13:00 UTC.
  auto utc = f.ask(1, "/fixtures 2022-03-19");
  BOOST_TEST(contains(utc.plain_text, "13:00 Alaves – Granada CF"));
  BOOST_TEST(
      contains(f.ask(1, "/timezone Mars/Olympus").plain_text, "e.g. /timezone Europe/London"));
  BOOST_TEST(contains(f.ask(1, "/timezone Asia/Tokyo").plain_text, "Asia/Tokyo (UTC+09:00 now)"));
  auto tokyo = f.ask(1, "/fixtures 2022-03-19");
  BOOST_TEST(contains(tokyo.plain_text, "Times in Asia/Tokyo"));
  BOOST_TEST(contains(tokyo.plain_text, "22:00 Alaves – Granada CF"));
  BOOST_TEST(contains(f.ask(2, "/fixtures 2022-03-19").plain_text, "13:00 Alaves")); // another user
  BOOST_TEST(contains(f.ask(1, "/settings").plain_text, "Time zone: Asia/Tokyo"));
}

BOOST_AUTO_TEST_CASE(team_shows_next_and_last_fixtures_and_standings_the_table) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  auto team = f.ask(1, "/team osasuna");
  BOOST_TEST(contains(team.plain_text, "Osasuna"));
  BOOST_TEST(contains(team.plain_text, "2022-03-19 17:30 Osasuna – Levante"), team.plain_text);
  BOOST_TEST(contains(f.ask(1, "/team zzzzz").plain_text, "No team matches"));
  auto table = f.ask(1, "/standings 140 2021");
  BOOST_TEST(contains(table.plain_text, "La Liga 2021"));
  BOOST_TEST(contains(table.plain_text, "Atletico Madrid"));
  BOOST_TEST(contains(f.ask(1, "/standings 140 1999").plain_text, "No table for league 140"));
  BOOST_TEST(contains(f.ask(1, "/standings").plain_text, "/standings"));
}

BOOST_AUTO_TEST_SUITE_END()
