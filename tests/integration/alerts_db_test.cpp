// The goal alerts' database operations on a real PostgreSQL: subscribers of
// the teams playing, and alert keys claimed per chat so that no chat gets an
// alert twice, across restarts too, with the message ids kept for edits.
#include "tests/integration/ready_database.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core::db;

namespace {

using ids = std::vector<int64_t>;

std::string team_name_of(pqxx::connection& c, int64_t chat, int64_t team) {
  pqxx::work tx{c};
  return tx
      .exec_params1("SELECT team_name FROM subscriptions WHERE chat_id = $1 AND team_id = $2", chat,
                    team)[0]
      .as<std::string>();
}

} // namespace

BOOST_AUTO_TEST_SUITE(alerts_db_tests)

BOOST_AUTO_TEST_CASE(subscribers_of_the_teams_playing_each_once) {
  READY_DB_OR_SKIP(db, c);
  BOOST_TEST(run(*c, subscribe{5, 33, "Phoenix Rovers"}).count == 1);
  BOOST_TEST(run(*c, subscribe{5, 44, "Loopback United"}).count == 1);
  BOOST_TEST(run(*c, subscribe{3, 44, "München 1860 'quoted'"}).count == 1);
  BOOST_TEST(run(*c, subscribe{9, 55, "Elsewhere"}).count == 1);
  BOOST_TEST(run(*c, subscribe{5, 33, "renamed"}).count == 0); // the first name stays
  BOOST_TEST(team_name_of(*c, 5, 33) == "Phoenix Rovers");
  BOOST_TEST(team_name_of(*c, 3, 44) == "München 1860 'quoted'");

  BOOST_TEST(run(*c, list_subscribers{{33, 44}}).ids == (ids{3, 5})); // chat 5 once
  BOOST_TEST(run(*c, list_subscribers{{55}}).ids == (ids{9}));
  BOOST_TEST(run(*c, list_subscribers{{66}}).ids.empty());
  BOOST_TEST(run(*c, list_subscribers{}).ids.empty());
  BOOST_TEST(run(*c, unsubscribe{3, 44}).count == 1);
  BOOST_TEST(run(*c, list_subscribers{{44}}).ids == (ids{5}));
}

BOOST_AUTO_TEST_CASE(an_alert_goes_to_each_chat_once_and_a_restart_sends_only_the_rest) {
  READY_DB_OR_SKIP(db, c);
  const std::string goal = "9170001:goal:917001:1";
  BOOST_TEST(run(*c, claim_alert{goal, {1, 2, 3}}).ids == (ids{1, 2, 3}));
  BOOST_TEST(run(*c, record_alert_sent{goal, 1, 501}).count == 1);
  // Chats 2 and 3 were claimed and never sent (a crash in the fan-out): still
  // theirs to get; chat 1 had it; chat 4 subscribed since.
  auto restarted = phoenix::test::ready(*db);
  BOOST_TEST(run(*restarted, claim_alert{goal, {1, 2, 3, 4}}).ids == (ids{2, 3, 4}));
  for (int64_t chat : {2, 3, 4})
    BOOST_TEST(run(*restarted, record_alert_sent{goal, chat, 500 + chat}).count == 1);
  BOOST_TEST(run(*c, claim_alert{goal, {1, 2, 3, 4}}).ids.empty());
  BOOST_TEST(run(*c, claim_alert{goal, {}}).ids.empty());
  BOOST_TEST(phoenix::test::count_rows(*c, "alerts_sent") == 4);

  // Another key is another alert, for the same chats.
  BOOST_TEST(run(*c, claim_alert{"9170001:goal:917001:2", {1, 2}}).ids == (ids{1, 2}));
}

BOOST_AUTO_TEST_CASE(an_edit_finds_every_message_the_alert_went_out_as) {
  READY_DB_OR_SKIP(db, c);
  const std::string key = "9170001:goal:917002:1.1 '); DROP TABLE alerts_sent; --";
  run(*c, claim_alert{key, {7, 8, 9}});
  run(*c, record_alert_sent{key, 9, 9001});
  run(*c, record_alert_sent{key, 7, 7001});
  const reply sent = run(*c, load_alert_messages{key}); // chat 8 not sent yet: no message
  BOOST_TEST(sent.ids == (ids{7, 9}));
  BOOST_TEST(sent.message_ids == (ids{7001, 9001}));
  BOOST_TEST(run(*c, load_alert_messages{"unknown"}).ids.empty());
  BOOST_TEST(run(*c, record_alert_sent{"unknown", 7, 1}).count == 0);
}

BOOST_AUTO_TEST_CASE(the_teams_followed_and_a_blocked_chat_losing_its_subscriptions) {
  READY_DB_OR_SKIP(db, c);
  BOOST_TEST(run(*c, subscribed_teams{}).ids.empty());
  run(*c, subscribe{5, 44, "Loopback United"});
  run(*c, subscribe{5, 33, "Phoenix Rovers"});
  run(*c, subscribe{6, 44, "Loopback United"});
  BOOST_TEST(run(*c, subscribed_teams{}).ids == (ids{33, 44}));
  BOOST_TEST(run(*c, drop_subscriptions{5}).count == 2);
  BOOST_TEST(run(*c, subscribed_teams{}).ids == (ids{44}));
  BOOST_TEST(run(*c, list_subscribers{{33, 44}}).ids == (ids{6}));
  BOOST_TEST(run(*c, drop_subscriptions{5}).count == 0);
}

BOOST_AUTO_TEST_CASE(alert_operations_are_safe_to_retry) {
  BOOST_TEST(is_idempotent(claim_alert{}));
  BOOST_TEST(is_idempotent(record_alert_sent{}));
  BOOST_TEST(is_idempotent(list_subscribers{}));
  BOOST_TEST(std::string(name_of(claim_alert{})) == "claim_alert");
}

BOOST_AUTO_TEST_SUITE_END()
