// The poller in webhook mode under virtual time: setWebhook at start (retried
// after a failure), never getUpdates; updates the intake committed are
// dispatched once, after the inbox of before a restart, and recorded handled.
#include "tests/actor/telegram_poller_fixture.hpp"

namespace phoenix::test {

namespace {

struct webhook_poller_fixture : poller_fixture {
  webhook_poller_fixture() {
    config.webhook = webhook_registration{"https://bot.example/hook", "s3cret", 40};
  }

  core::telegram_update update(int64_t id, int64_t chat = 7) {
    core::telegram_update u;
    u.update_id = id;
    u.type = core::telegram_update::kind::message;
    u.chat_id = u.user_id = chat;
    u.chat_type = "private";
    u.text = "/help";
    return u;
  }

  void push(int64_t id, int64_t chat = 7) {
    caf::anon_send(poller, tg_push_atom::value, update(id, chat));
    vs.run();
  }

  /// Spawns it and answers setWebhook (as `hook`), setMyCommands and getMe.
  void start_webhook(core::http_result hook = bot_api_ok()) {
    spawn_poller();
    auto set = next_call();
    BOOST_REQUIRE_EQUAL(set.method, "setWebhook");
    answer(set, std::move(hook));
    for (const char* method : {"setMyCommands", "getMe"}) {
      auto call = next_call();
      BOOST_REQUIRE_EQUAL(call.method, method);
      answer(call, call.method == "getMe" ? me() : bot_api_ok());
    }
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(telegram_poller_webhook_tests, webhook_poller_fixture)

BOOST_AUTO_TEST_CASE(start_up_sets_the_webhook_and_never_polls) {
  spawn_poller();
  auto set = next_call();
  BOOST_TEST(set.method == "setWebhook");
  BOOST_TEST(set.body.find(R"("url":"https://bot.example/hook")") != std::string::npos, set.body);
  BOOST_TEST(set.body.find(R"("secret_token":"s3cret")") != std::string::npos);
  BOOST_TEST(set.body.find(R"("drop_pending_updates":false)") != std::string::npos);
  answer(set, bot_api_ok());
  for (auto method : {"setMyCommands", "getMe"}) {
    auto call = next_call();
    BOOST_TEST(call.method == method);
    answer(call, call.method == "getMe" ? me() : bot_api_ok());
  }
  vs.advance(std::chrono::minutes{1});
  BOOST_TEST(!edge.has_next()); // no deleteWebhook, no getUpdates
  auto stats = vs.ask<poller_stats>(poller, stats_atom::value);
  BOOST_TEST(stats.last_poll_ok_unix > 0); // /healthz: Telegram's side is well
}

BOOST_AUTO_TEST_CASE(a_failed_set_webhook_is_retried_after_a_backoff) {
  start_webhook(bot_api_error(502, "Bad Gateway"));
  BOOST_TEST(!edge.has_next());
  auto waited = ms_to_next_call(std::chrono::seconds{5});
  BOOST_TEST(waited >= 500);
  auto again = next_call();
  BOOST_TEST(again.method == "setWebhook");
  answer(again, bot_api_ok());
  BOOST_TEST(log.lines_with("setWebhook failed") == 1u);
  BOOST_TEST(log.lines_with("webhook set") == 1u);
}

BOOST_AUTO_TEST_CASE(pushed_updates_are_dispatched_once_and_recorded_handled) {
  start_webhook();
  push(10);
  push(10); // delivered again while in hand
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{10}), boost::test_tools::per_element());
  BOOST_TEST(db_ops<db::store_updates>().empty()); // the intake committed it already
  done(10, 7);
  push(10); // again after it was handled: its record may still be on its way
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{10}), boost::test_tools::per_element());
  auto marks = db_ops<db::mark_processed>();
  BOOST_REQUIRE(!marks.empty());
  BOOST_TEST(marks.back().update_ids == (std::vector<int64_t>{10}),
             boost::test_tools::per_element());
  BOOST_TEST(!edge.has_next()); // no getUpdates to confirm anything
}

BOOST_AUTO_TEST_CASE(pushed_updates_wait_for_the_inbox_of_before_a_restart) {
  db_rule = [](const db::operation& op) -> std::optional<db::reply> {
    if (std::holds_alternative<db::load_inbox>(op))
      return std::nullopt; // held: the inbox is being read
    return db::reply{};
  };
  start_webhook();
  push(21);
  BOOST_TEST(dispatched_ids().empty());
  db::reply inbox;
  inbox.ids = {20};
  inbox.bodies = {core::encode_update_record(update(20))};
  inbox.count = 1;
  auto& load = db.all().back();
  BOOST_REQUIRE((load.is<caf::atom_value, db::operation>()));
  db.reply(load, inbox);
  BOOST_TEST(dispatched_ids() == (std::vector<int64_t>{20, 21}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
