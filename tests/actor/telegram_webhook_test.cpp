// The webhook intake alone: an update is acknowledged (200) only after the
// database kept it, and handed to the poller before that; a repeat is
// acknowledged without work; a database that fails or takes too long gets
// 503; a body that is not an update gets 400 and never reaches the database.
#include "actors/telegram_webhook.hpp"
#include "tests/actor/kit/scripted_actor.hpp"

#include <boost/test/unit_test.hpp>

namespace phoenix::test {

namespace {

namespace db = core::db;
using namespace std::chrono_literals;

const std::string update_body =
    R"({"update_id":77,"message":{"message_id":5,"date":1,"chat":{"id":42,"type":"private"},)"
    R"("from":{"id":42,"is_bot":false,"first_name":"A"},"text":"/help"}})";

struct webhook_fixture {
  virtual_system vs;
  scripted<db_pool_actor> db{vs};
  scripted<telegram_poller_actor> poller{vs};
  telegram_webhook_actor intake;
  std::vector<int> statuses; ///< what the server was told, in order

  webhook_fixture() {
    telegram_webhook_config config;
    config.bot_id = 123456;
    config.store_deadline = 5s;
    config.db = db.handle();
    config.poller = poller.handle();
    intake = vs.sys->spawn(telegram_webhook, config);
    vs.run();
  }
  ~webhook_fixture() { caf::anon_send_exit(intake, caf::exit_reason::user_shutdown); }

  void post(const std::string& body) {
    caf::anon_send(
        intake, tg_hook_atom::value,
        webhook_request{body, [this](int status, std::string) { statuses.push_back(status); }});
    vs.run();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(telegram_webhook_actor_tests, webhook_fixture)

BOOST_AUTO_TEST_CASE(acknowledged_only_once_kept_and_handed_to_the_poller_first) {
  post(update_body);
  auto [op] = db.next_as<db_atom, db::operation>();
  auto* keep = std::get_if<db::keep_pushed_update>(&op);
  BOOST_REQUIRE(keep != nullptr);
  BOOST_TEST(keep->bot_id == 123456);
  BOOST_TEST(keep->update_id == 77);
  BOOST_TEST(statuses.empty()); // not before the database kept it
  BOOST_TEST(!poller.has_next());
  db::reply kept;
  kept.count = 1;
  db.reply(db.last(), kept);
  auto [update] = poller.next_as<tg_push_atom, core::telegram_update>();
  BOOST_TEST(update.update_id == 77);
  BOOST_TEST(update.chat_id == 42);
  BOOST_TEST(statuses == (std::vector<int>{200}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_repeat_of_a_handled_update_is_acknowledged_without_work) {
  post(update_body);
  db.next();
  db.reply(db.last(), db::reply{}); // count 0: handled before
  BOOST_TEST(statuses == (std::vector<int>{200}), boost::test_tools::per_element());
  BOOST_TEST(!poller.has_next());
}

BOOST_AUTO_TEST_CASE(a_database_that_fails_or_does_not_answer_gets_503) {
  post(update_body);
  db.next();
  db::reply down;
  down.error = db::errc::unavailable;
  down.message = "no connection";
  db.reply(db.last(), down);
  post(update_body);
  db.next(); // never answered
  vs.advance(6s);
  BOOST_TEST(statuses == (std::vector<int>{503, 503}), boost::test_tools::per_element());
  BOOST_TEST(!poller.has_next());
}

BOOST_AUTO_TEST_CASE(a_body_that_is_not_an_update_gets_400_and_no_database_call) {
  post(R"({"update_id":)");
  post("[1,2]");
  BOOST_TEST(statuses == (std::vector<int>{400, 400}), boost::test_tools::per_element());
  BOOST_TEST(!db.has_next());
}

BOOST_AUTO_TEST_CASE(outcomes_are_counted_by_status_with_the_acknowledgement_latency) {
  for (int status : {200, 200, 401, 405, 413, 503})
    caf::anon_send(intake, tg_hooked_atom::value,
                   core::webhook_outcome{status, 3ms, "127.0.0.1", status == 200 ? "" : "why"});
  auto stats = vs.ask<webhook_stats>(intake, stats_atom::value);
  BOOST_TEST(stats.ok == 2u);
  BOOST_TEST(stats.unauthorized == 1u);
  BOOST_TEST(stats.not_allowed == 1u);
  BOOST_TEST(stats.too_large == 1u);
  BOOST_TEST(stats.unavailable == 1u);
  BOOST_TEST(stats.ack_latency.count == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
