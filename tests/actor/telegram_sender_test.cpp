// The sender under virtual time with a scripted Telegram edge: one HTTP call
// per outgoing call, 429 pauses everyone, 403 is final, 5xx and silence are
// retried, a chat's calls keep their order, quick replies go first.
#include "actors/telegram_sender.hpp"
#include "tests/actor/kit/scripted_actor.hpp"
#include "tests/actor/kit/telegram_answers.hpp"

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;

struct sender_fixture {
  captured_log log;
  virtual_system vs;
  scripted<telegram_edge_actor> edge{vs};
  scripted<db_pool_actor> db{vs};
  telegram_sender_config config;
  telegram_sender_actor sender;
  caf::scoped_actor user{*vs.sys, true};
  std::vector<send_report> reports;

  sender_fixture() {
    config.api_url = "http://telegram.test";
    config.token = "123:SECRET";
    config.limits = {0, 0, 0, 0ms}; // limits off unless a test turns them on
    config.request_timeout = 15s;
    config.max_attempts = 3;
    config.edge = edge.handle();
    config.db = db.handle();
  }

  void start() {
    sender = vs.sys->spawn(telegram_sender, config);
    vs.run();
  }

  /// Queues a call; its report is collected by reports_now().
  void send(int64_t chat, std::string text, bool quick = false, bool bulk = false) {
    outgoing_call call;
    call.method = "sendMessage";
    call.chat_id = chat;
    call.body = R"({"chat_id":)" + std::to_string(chat) + R"(,"text":")" + text + "\"}";
    call.quick = quick;
    call.bulk = bulk;
    user->send(sender, tg_send_atom::value, std::move(call));
    vs.run();
  }

  /// The reports that came back so far, in order.
  std::vector<send_report>& reports_now() {
    while (user->mailbox().size() > 0)
      user->receive([&](send_report& r) { reports.push_back(r); },
                    [&](caf::error& e) { BOOST_FAIL(vs.sys->render(e)); });
    return reports;
  }

  /// The next HTTP request the sender made.
  core::http_request next_request() {
    return std::get<0>(edge.next_as<http_atom, core::http_request>());
  }

  sender_stats stats() { return vs.ask<sender_stats>(sender, stats_atom::value); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(telegram_sender_actor_tests, sender_fixture)

BOOST_AUTO_TEST_CASE(a_call_is_one_post_and_its_report_carries_the_message_id) {
  start();
  send(7, "hello");
  auto request = next_request();
  BOOST_TEST(request.method == "POST");
  BOOST_TEST(request.url == "http://telegram.test/bot123:SECRET/sendMessage");
  BOOST_TEST(request.body.find("hello") != std::string::npos);
  BOOST_TEST(!request.idempotent); // never resent by the client on a stale connection
  edge.reply(edge.last(), message_sent(41, 7));
  auto& reports = reports_now();
  BOOST_REQUIRE_EQUAL(reports.size(), 1u);
  BOOST_TEST(reports[0].ok);
  BOOST_TEST(reports[0].message_id == 41);
  BOOST_TEST(stats().sent == 1u);
}

BOOST_AUTO_TEST_CASE(a_429_pauses_every_chat_for_retry_after) {
  start();
  send(1, "one");
  edge.next();
  edge.reply(edge.last(), bot_api_error(429, "Too Many Requests: retry after 5", 5));
  send(2, "two");
  BOOST_TEST(!edge.has_next()); // paused: neither the retry nor chat 2's call goes
  vs.advance(4900ms);
  BOOST_TEST(!edge.has_next());
  vs.advance(200ms);
  BOOST_TEST(edge.count() == 3u); // both go once the pause ends
  BOOST_TEST(stats().rate_limited == 1u);
  BOOST_TEST(stats().paused_ms == 5000u);
}

BOOST_AUTO_TEST_CASE(a_403_is_final_and_the_user_is_marked_inactive_and_unsubscribed) {
  start();
  send(9, "hi");
  edge.next();
  edge.reply(edge.last(), bot_api_error(403, "Forbidden: bot was blocked by the user"));
  vs.advance(60s);
  BOOST_TEST(edge.count() == 1u); // never retried
  BOOST_REQUIRE(reports_now().size() == 1u);
  BOOST_TEST(!reports[0].ok);
  BOOST_TEST(reports[0].error_code == 403);
  auto [op] = db.next_as<db_atom, core::db::operation>();
  auto* inactive = std::get_if<core::db::set_user_active>(&op);
  BOOST_REQUIRE(inactive != nullptr);
  BOOST_TEST(inactive->chat_id == 9);
  BOOST_TEST(!inactive->active);
  auto [drop] = db.next_as<db_atom, core::db::operation>();
  auto* dropped = std::get_if<core::db::drop_subscriptions>(&drop);
  BOOST_REQUIRE(dropped != nullptr); // no more alerts to a chat that blocked the bot
  BOOST_TEST(dropped->chat_id == 9);
}

// An alert edited again with the text it shows (a restart repeats an edit):
// Telegram's "message is not modified" means the message is as wanted.
BOOST_AUTO_TEST_CASE(an_edit_that_changes_nothing_is_a_success_not_a_refusal) {
  start();
  outgoing_call call;
  call.method = "editMessageText";
  call.chat_id = 4;
  call.body = R"({"chat_id":4,"message_id":12,"text":"GOAL"})";
  user->send(sender, tg_send_atom::value, std::move(call));
  vs.run();
  edge.next();
  edge.reply(edge.last(), bot_api_error(400, "Bad Request: message is not modified: specified new "
                                             "message content and reply markup are exactly the "
                                             "same as a current content and reply markup of the "
                                             "message"));
  BOOST_REQUIRE_EQUAL(reports_now().size(), 1u);
  BOOST_TEST(reports[0].ok);
  BOOST_TEST(stats().sent == 1u);
  BOOST_TEST(stats().failed == 0u);
  BOOST_TEST(log.lines_with("refused") == 0u); // no warning for an edit that was not needed
}

BOOST_AUTO_TEST_CASE(a_5xx_is_retried_after_a_backoff_then_succeeds) {
  start();
  send(3, "x");
  edge.next();
  edge.reply(edge.last(), bot_api_error(502, "Bad Gateway"));
  // The first backoff is drawn from [0, 100 ms] (full jitter): due by then.
  vs.advance(100ms);
  BOOST_TEST(edge.count() == 2u);
  edge.next();
  edge.reply(edge.last(), message_sent(5, 3));
  BOOST_REQUIRE(reports_now().size() == 1u);
  BOOST_TEST(reports[0].ok);
  BOOST_TEST(stats().retries == 1u);
}

BOOST_AUTO_TEST_CASE(a_transient_failure_is_given_up_after_max_attempts) {
  start();
  send(3, "x");
  for (int attempt = 0; attempt < 3; ++attempt) {
    edge.next();
    edge.reply(edge.last(), bot_api_error(500, "Internal Server Error"));
    vs.advance(31s);
  }
  BOOST_TEST(!edge.has_next());
  BOOST_REQUIRE(reports_now().size() == 1u);
  BOOST_TEST(!reports[0].ok);
  BOOST_TEST(stats().expired == 1u);
}

BOOST_AUTO_TEST_CASE(an_edge_that_never_answers_counts_as_a_timeout_and_is_retried) {
  start();
  send(4, "silence");
  edge.next();                             // held: no answer ever
  vs.advance(config.request_timeout + 6s); // past the edge's margin: a timeout
  vs.advance(100ms);                       // the first backoff (full jitter, at most 100 ms)
  BOOST_TEST(edge.count() == 2u);
  edge.next();
  edge.reply(edge.last(), message_sent(2, 4));
  BOOST_TEST(stats().ambiguous_retries == 1u); // it may have reached Telegram
  BOOST_REQUIRE(reports_now().size() == 1u);
  BOOST_TEST(reports[0].ok);
}

BOOST_AUTO_TEST_CASE(a_chats_calls_go_one_at_a_time_in_order) {
  start();
  send(5, "first");
  send(5, "second");
  send(6, "other chat");
  BOOST_TEST(edge.count() == 2u); // chat 5's second waits for its first
  auto first = next_request();
  auto other = next_request();
  BOOST_TEST(first.body.find("first") != std::string::npos);
  BOOST_TEST(other.body.find("other chat") != std::string::npos);
  edge.reply(edge.all()[0], message_sent(1, 5));
  auto second = next_request();
  BOOST_TEST(second.body.find("second") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_quick_reply_goes_before_waiting_data_replies) {
  config.max_concurrent = 1;
  start();
  send(10, "data 1");
  send(11, "data 2");
  send(12, "data 3");
  send(13, "help", true);
  edge.next();
  edge.reply(edge.last(), message_sent(1, 10));
  auto after = next_request();
  BOOST_TEST(after.body.find("help") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_exchange_stays_free_for_a_quick_reply) {
  config.max_concurrent = 3;
  start();
  send(10, "data 1");
  send(11, "data 2");
  send(12, "data 3"); // waits: the third exchange is the quick replies'
  BOOST_TEST(stats().queued == 1u);
  send(13, "help", true); // goes at once, not after a data reply's answer
  edge.next();
  edge.next();
  BOOST_TEST(next_request().body.find("help") != std::string::npos);
}

// Urgent at the edge: ahead of the data replies' exchanges in its mailbox.
BOOST_AUTO_TEST_CASE(a_quick_reply_goes_to_the_edge_as_an_urgent_message) {
  start();
  send(10, "data");
  send(11, "help", true);
  BOOST_TEST(!edge.next().urgent);
  BOOST_TEST(edge.next().urgent);
}

// A fan-out queued first still lets replies (data or quick) pass it.
BOOST_AUTO_TEST_CASE(broadcasts_go_after_every_reply) {
  config.max_concurrent = 1;
  start();
  for (int64_t chat = 100; chat < 110; ++chat)
    send(chat, "alert", false, true);
  send(20, "data");
  send(21, "help", true);
  edge.next();
  edge.reply(edge.last(), message_sent(1, 100)); // the first alert was already on its way
  auto first = next_request();
  BOOST_TEST(first.body.find("help") != std::string::npos);
  edge.reply(edge.last(), message_sent(2, 21));
  auto second = next_request();
  BOOST_TEST(second.body.find("data") != std::string::npos);
  edge.reply(edge.last(), message_sent(3, 20));
  auto third = next_request();
  BOOST_TEST(third.body.find("alert") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_per_chat_limit_spaces_a_chats_messages) {
  config.limits = {0, 1, 0, 0ms};
  start();
  send(8, "a");
  edge.next();
  edge.reply(edge.last(), message_sent(1, 8));
  send(8, "b");
  BOOST_TEST(!edge.has_next()); // 1 per second per chat
  vs.advance(1s);
  BOOST_TEST(edge.has_next());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
