// /subscribe, its buttons, /subscriptions and /timezone through one
// conversation: the search goes to the football front, a pressed button to
// the database, each answer becomes the reply (virtual time, stand-ins).
#include "core/bot/subscription_text.hpp"
#include "tests/actor/conversation_fixture.hpp"

#include <boost/test/unit_test.hpp>

namespace phoenix::test {
namespace {

namespace db = core::db;

// The database operations the conversation asked for, of type T.
template <class T> std::vector<T> asked(const scripted<db_pool_actor>& db) {
  std::vector<T> out;
  for (auto& r : db.all())
    if (r.is<caf::atom_value, db::operation>())
      if (auto* op = std::get_if<T>(&r.get<db::operation>(1)))
        out.push_back(*op);
  return out;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(subscription_flow_tests, conversation_fixture)

BOOST_AUTO_TEST_CASE(subscribe_offers_teams_as_buttons_and_a_press_subscribes_the_chat) {
  config->max_subscriptions = 5;
  start();
  auto ask = say("/subscribe arsenal");
  auto query = next_query();
  BOOST_TEST(core::request_target(query) == "/teams?search=arsenal");
  football.reply(football.last(), data_answer(std::make_shared<const core::football_payload>(
                                      std::vector<core::team_info>{{42, "Arsenal", "England"}})));
  BOOST_TEST_REQUIRE(replies().size() == 1u);
  core::inline_keyboard buttons{{core::inline_button{"Arsenal (England)", "sub:42:Arsenal"}}};
  BOOST_TEST(replies()[0].body ==
             reply_body(ask.message_id, "Which team? Press one to get its goals and results here.",
                        buttons));

  // The press: answered (no spinner), then the chat's subscription is written.
  db.answer_with([](const caf::message& m) -> std::optional<caf::message> {
    if (!m.match_elements<caf::atom_value, db::operation>() ||
        !std::holds_alternative<db::subscribe>(m.get_as<db::operation>(1)))
      return std::nullopt;
    db::reply added;
    added.count = 1;
    return caf::make_message(added);
  });
  auto tap = push(button("sub:42:Arsenal"));
  auto subscribed = asked<db::subscribe>(db);
  BOOST_TEST_REQUIRE(subscribed.size() == 1u);
  BOOST_TEST(subscribed[0].chat_id == chat);
  BOOST_TEST(subscribed[0].team_id == 42);
  BOOST_TEST(subscribed[0].team_name == "Arsenal");
  BOOST_TEST(subscribed[0].max_per_chat == 5);
  BOOST_TEST_REQUIRE(replies().size() == 2u);
  BOOST_TEST(
      replies()[1].body ==
      reply_body(tap.message_id, "Subscribed to <b>Arsenal</b>. /subscriptions lists your teams."));
  BOOST_TEST(calls()[1].method == "answerCallbackQuery");
  BOOST_TEST(done().size() == 2u);
}

BOOST_AUTO_TEST_CASE(no_database_answer_is_one_sentence_and_the_update_is_done) {
  config->settings_timeout = std::chrono::seconds{2};
  start();
  say("/subscriptions");
  BOOST_TEST(asked<db::list_subscriptions>(db).size() == 1u);
  BOOST_TEST(replies().empty());
  vs.advance(std::chrono::seconds{3});
  BOOST_TEST_REQUIRE(replies().size() == 1u);
  BOOST_TEST(replies()[0].body.find(core::settings_unavailable_text()) != std::string::npos);
  BOOST_TEST(done().size() == 1u);
}

BOOST_AUTO_TEST_CASE(fixtures_ask_the_api_in_the_users_own_zone) {
  config->timezone = "UTC";
  user_zone = "Asia/Tokyo";
  start();
  say("/fixtures 2022-03-19");
  BOOST_TEST(asked<db::load_settings>(db).size() == 1u);
  BOOST_TEST(next_query().timezone == "Asia/Tokyo");
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
