// Delivery under what Telegram and PostgreSQL really do: update ids that
// restart lower (or jump ahead), a database reused by another bot, sends
// refused for longer than the sender's attempts, updates too old to answer,
// and a database that is down when Phoenix starts.
#include "core/db/db_migrations.hpp"
#include "core/db/db_operations.hpp"
#include "core/telegram/update_record.hpp"
#include "tests/integration/bot_fixture.hpp"

#include <pqxx/connection>
#include <pqxx/nontransaction>

namespace phoenix::test {

namespace {

constexpr int batch = 200;

/// The bot with flood control off: each chat sends more than 20 commands a minute.
struct busy_bot : bot_fixture {
  busy_bot() { values.limits_user_commands_per_minute = 0; }
};

/// Pushes `n` /help messages over 20 chats and waits until the bot sent
/// `expect_total` messages in all; returns the total then.
size_t push_and_wait(bot_fixture& f, int n, size_t expect_total) {
  for (int i = 0; i < n; ++i)
    f.telegram.push_message(1 + i % 20, "/help");
  return f.telegram.wait_for_total_sent(expect_total, 30s);
}

/// Waits until Telegram was told that everything up to `id` is handled
/// (renumbering happens after a week of silence, never with a confirmation
/// still on its way).
void wait_confirmed(bot_fixture& f, int64_t id) {
  for (int i = 0; i < 50 && f.telegram.confirmed_offset() <= id; ++i)
    f.telegram.wait_for_calls("getUpdates", f.telegram.calls("getUpdates") + 1, 3s);
  BOOST_REQUIRE(f.telegram.confirmed_offset() > id);
}

/// Waits until the poller counts `n` updates handled; returns its count then.
uint64_t wait_handled(bot_fixture& f, uint64_t n) {
  auto handled = f.stats_of<poller_stats>(f.bot.poller).handled;
  for (int i = 0; i < 50 && handled < n; ++i) {
    f.telegram.wait_for_calls("getUpdates", f.telegram.calls("getUpdates") + 1, 3s);
    handled = f.stats_of<poller_stats>(f.bot.poller).handled;
  }
  return handled;
}

/// Runs one statement on the server's own database (renames, drops).
void on_server(const std::string& sql) {
  pqxx::connection c{std::getenv("PHOENIX_TEST_DATABASE_URL")};
  pqxx::nontransaction tx{c};
  tx.exec(sql);
}

} // namespace

BOOST_AUTO_TEST_SUITE(delivery_tests, *boost::unit_test::label("delivery"))

BOOST_AUTO_TEST_CASE(ids_restarting_lower_after_a_restart_are_all_answered_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  busy_bot f;
  f.start();
  BOOST_TEST(push_and_wait(f, batch, batch) == size_t{batch});
  f.stop();
  // A week without updates: Telegram picks a lower id for the next one.
  f.telegram.renumber_updates(1000);
  f.start();
  BOOST_TEST(push_and_wait(f, batch, 2 * batch) == size_t{2 * batch});
  BOOST_TEST(f.telegram.sent_count() == size_t{2 * batch}); // none twice
}

BOOST_AUTO_TEST_CASE(ids_restarting_lower_or_jumping_ahead_while_running_are_all_answered_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  busy_bot f;
  f.start();
  BOOST_TEST(push_and_wait(f, batch, batch) == size_t{batch});
  wait_confirmed(f, f.telegram.push_message(98, "/help"));
  f.telegram.renumber_updates(1000);
  BOOST_TEST(push_and_wait(f, batch, 2 * batch + 1) == size_t{2 * batch + 1});
  auto last = f.telegram.push_message(99, "/help");
  wait_confirmed(f, last);
  f.telegram.renumber_updates(last + 1000000000);
  BOOST_TEST(push_and_wait(f, batch, 3 * batch + 2) == size_t{3 * batch + 2});
  BOOST_TEST(f.stats_of<poller_stats>(f.bot.poller).renumbered == 1u);
  f.stop();
  BOOST_TEST(f.telegram.sent_count() == size_t{3 * batch + 2}); // none twice
}

BOOST_AUTO_TEST_CASE(a_database_reused_by_another_bot_starts_clean) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  // Runs the bot against `telegram` until 50 /help over 5 chats are answered.
  auto answer_50 = [&f](fakes::fake_telegram& telegram) {
    f.values.telegram_token = telegram.token();
    f.values.telegram_api_url = telegram.base_url();
    f.start();
    for (int i = 0; i < 50; ++i)
      telegram.push_message(1 + i % 5, "/help");
    BOOST_TEST(telegram.wait_for_total_sent(50, 30s) == 50u);
    f.stop();
  };
  fakes::fake_telegram_options first;
  first.first_update_id = 1;
  fakes::fake_telegram one{first};
  answer_50(one);
  // Another token, the same ids: none of them was handled by this bot.
  auto second = first;
  second.token = "654321:ANOTHER-token-for-the-fake-telegram-02";
  fakes::fake_telegram two{second};
  answer_50(two);
}

BOOST_AUTO_TEST_CASE(a_reply_failing_longer_than_the_senders_attempts_is_still_delivered) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  // Telegram down for longer than the sender's 6 attempts.
  f.telegram.fail_next("sendMessage", 8, 502);
  auto sent = f.ask(7, "/help", 45s);
  BOOST_TEST(contains(sent.text, "/fixtures"));
  auto stats = f.stats_of<sender_stats>(f.bot.sender);
  BOOST_TEST(stats.retries >= 8u);
  BOOST_TEST(stats.expired == 0u);
}

BOOST_AUTO_TEST_CASE(refused_and_expired_replies_end_their_update_and_are_counted) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  f.telegram.block_user(8);
  auto id = f.telegram.push_message(8, "/help");
  BOOST_TEST(wait_handled(f, 1) == 1u); // 403: done, never retried
  // An update from two hours ago (sent while Phoenix was down), while
  // Telegram fails every send: one try only, then it ends as expired.
  auto old = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours{2})
                 .count();
  f.telegram.fail_ratio("sendMessage", 1.0, 502);
  f.telegram.push_raw_update(
      R"({"update_id":)" + std::to_string(id + 1) +
      R"(,"message":{"message_id":4242,"from":{"id":10,"is_bot":false,"first_name":"Old"},)"
      R"("chat":{"id":10,"type":"private"},"date":)" +
      std::to_string(old) +
      R"(,"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}})");
  BOOST_TEST(wait_handled(f, 2) == 2u);
  auto stats = f.stats_of<sender_stats>(f.bot.sender);
  BOOST_TEST(stats.blocked == 1u);
  BOOST_TEST(stats.expired == 1u); // chat 10's
  f.telegram.clear_faults();
  BOOST_TEST(f.telegram.sent(10).empty());
}

BOOST_AUTO_TEST_CASE(the_inbox_of_a_database_down_at_start_comes_before_newer_updates) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  // A crashed run left three updates of chat 5 in the inbox.
  {
    pqxx::connection c{f.database.uri()};
    core::db::migrate(c);
    core::db::prepare_statements(c);
    core::db::store_updates inbox{f.telegram.bot_id(), {}, {}};
    for (int64_t i = 0; i < 3; ++i) {
      core::telegram_update u;
      u.update_id = 10 + i;
      u.type = core::telegram_update::kind::message;
      u.chat_id = u.user_id = 5;
      u.chat_type = "private";
      u.message_id = 9001 + i;
      u.text = "/help";
      inbox.update_ids.push_back(u.update_id);
      inbox.bodies.push_back(core::encode_update_record(u));
    }
    BOOST_REQUIRE(core::db::run(c, inbox).ok());
  }
  // PostgreSQL does not know the database when Phoenix starts.
  const auto& name = f.database.name();
  on_server("ALTER DATABASE " + name + " RENAME TO " + name + "_away");
  f.start();
  auto polls = f.telegram.calls("getUpdates");
  f.telegram.push_message(5, "/help");
  auto newer = f.telegram.last_user_message_id(5);
  f.telegram.push_message(5, "/start");
  auto newest = f.telegram.last_user_message_id(5);
  f.telegram.wait_for_calls("getUpdates", polls + 3, 10s); // the new updates reached Phoenix
  BOOST_TEST(f.telegram.sent(5).empty());
  on_server("ALTER DATABASE " + name + "_away RENAME TO " + name);
  auto sent = f.telegram.wait_for_messages(5, 5, 30s);
  BOOST_REQUIRE(sent.size() == 5u);
  // The inbox first (the fake knows none of its messages: the replies quote
  // nothing), then the newer updates in order.
  for (int64_t i = 0; i < 3; ++i)
    BOOST_TEST(sent[i].reply_to_message_id == 0);
  BOOST_TEST(sent[3].reply_to_message_id == newer);
  BOOST_TEST(sent[4].reply_to_message_id == newest);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
