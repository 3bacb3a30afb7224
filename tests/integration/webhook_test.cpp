// Webhook mode, phoenix-bot as a process: the fake Telegram POSTs each update
// to the bot's webhook server (one at a time per chat, retried after non-2xx),
// the bot acknowledges only what its database inbox holds.
#include "core/http/http_client.hpp"
#include "tests/fakes/fake_api_football.hpp"
#include "tests/fakes/fake_telegram.hpp"
#include "tests/integration/child_process.hpp"
#include "tests/integration/delivery_ledger.hpp"
#include "tests/integration/test_database.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <future>
#include <memory>
#include <pqxx/pqxx>

using namespace phoenix;
using namespace phoenix::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char* secret = "webhook-Secret_0123456789";

// A port nobody listens on now (the bot binds it next; loopback only).
uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

struct webhook_bot {
  fakes::fake_telegram telegram;
  fakes::fake_api_football football{fakes::options_for_tests()};
  test_database database{"webhook"};
  fs::path folder = fs::temp_directory_path() / ("phoenix-webhook-" + std::to_string(::getpid()));
  delivery_ledger ledger{telegram};
  uint16_t port = free_port();
  uint16_t standby_port = free_port();
  std::unique_ptr<child_process> bot, standby;
  core::http_client http{core::http_client_options{}};

  webhook_bot() {
    fs::remove_all(folder);
    fs::create_directories(folder);
  }
  ~webhook_bot() {
    bot.reset(); // SIGKILL if still running
    standby.reset();
    fs::remove_all(folder);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }

  void start() {
    bot = launch(port, "cache.snapshot");
    BOOST_REQUIRE_MESSAGE(bot->wait_for_line("webhook set", 30s), bot->output());
  }

  /// A second instance on its own port, standing by (it accepts webhooks too).
  void start_standby() {
    standby = launch(standby_port, "cache.standby");
    BOOST_REQUIRE_MESSAGE(standby->wait_for_line("leadership: standby", 30s), standby->output());
  }

  std::unique_ptr<child_process> launch(uint16_t on, const std::string& cache) {
    return std::make_unique<child_process>(
        std::string{PHOENIX_BINARY_DIR} + "/bin/phoenix-bot",
        std::vector<std::string>{
            "--telegram.mode=webhook", "--webhook.listen=127.0.0.1:" + std::to_string(on),
            "--webhook.path=/hook", "--webhook.url=" + url(), "--webhook.max-body=4096",
            "--telegram.api-url=" + telegram.base_url(),
            "--football.api-url=" + football.base_url(),
            "--cache.path=" + (folder / cache).string(), "--metrics.listen=\"\"",
            "--db.statement-timeout=1s", "--limits.global-per-second=0",
            "--limits.chat-per-second=0", "--limits.group-per-minute=0",
            "--limits.user-commands-per-minute=0"},
        std::map<std::string, std::string>{{"TELEGRAM_BOT_TOKEN", telegram.token()},
                                           {"API_FOOTBALL_KEY", "test-key"},
                                           {"WEBHOOK_SECRET_TOKEN", secret},
                                           {"DATABASE_URL", database.uri()},
                                           {"PATH", "/usr/bin:/bin"}});
  }

  bool stop() {
    bot->signal(SIGTERM);
    return bot->wait_exit(30s) == 0;
  }

  /// One request straight to the bot's webhook server.
  core::http_result send(const std::string& method, const std::string& body,
                         const std::string& token, const std::string& path = "/hook",
                         uint16_t to = 0) {
    core::http_request request;
    request.method = method;
    request.url = "http://127.0.0.1:" + std::to_string(to != 0 ? to : port) + path;
    request.body = body;
    if (!token.empty())
      request.headers.emplace_back("X-Telegram-Bot-Api-Secret-Token", token);
    request.timeout = 10s;
    std::promise<core::http_result> done;
    http.async_request(request, [&done](core::http_result r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
};

std::string update_json(int64_t update_id, int64_t chat, int64_t message_id,
                        const std::string& text) {
  auto c = std::to_string(chat);
  return "{\"update_id\":" + std::to_string(update_id) +
         ",\"message\":{\"message_id\":" + std::to_string(message_id) +
         ",\"date\":" + std::to_string(std::time(nullptr)) + ",\"chat\":{\"id\":" + c +
         ",\"type\":\"private\"},\"from\":{\"id\":" + c +
         ",\"is_bot\":false,\"first_name\":\"u\"},\"text\":\"" + text + "\"}}";
}

} // namespace

BOOST_AUTO_TEST_SUITE(webhook_tests)

BOOST_AUTO_TEST_CASE(every_pushed_update_is_answered_once_without_get_updates) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  webhook_bot run;
  run.start();
  run.ledger.push_many(300, 30, 1, [](int) { return std::string{"/help"}; });
  auto answered = run.ledger.wait_until_answered(60s);
  BOOST_CHECK_MESSAGE(answered.exactly_once(), answered);
  BOOST_TEST(run.telegram.calls("getUpdates") == 0u);
  BOOST_TEST(run.telegram.calls("deleteWebhook") == 0u);
  BOOST_TEST(run.telegram.webhook_deliveries() >= 300u);
  BOOST_TEST(run.stop());
}

BOOST_AUTO_TEST_CASE(requests_without_the_secret_or_post_or_within_the_cap_are_refused) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  webhook_bot run;
  run.start();
  auto body = update_json(5, 77, 1, "/help");
  BOOST_TEST(run.send("POST", body, "").response.status == 401u);
  BOOST_TEST(run.send("POST", body, "wrong-secret").response.status == 401u);
  BOOST_TEST(run.send("GET", "", secret).response.status == 405u);
  auto large = run.send("POST", std::string(5000, ' ') + body, secret);
  BOOST_TEST(large.response.status == 413u, large.message);
  BOOST_TEST(run.send("POST", "{\"update_id\":", secret).response.status == 400u);
  BOOST_TEST(run.send("POST", "[1,2]", secret).response.status == 400u);
  BOOST_TEST(run.send("POST", body, secret, "/elsewhere").response.status == 404u);
  BOOST_REQUIRE(run.bot->wait_for_line("wrong secret token", 10s));
  BOOST_TEST(run.stop());
  BOOST_TEST(run.bot->output().find("401 for a request from 127.0.0.1") != std::string::npos);
  BOOST_TEST(run.bot->output().find(secret) == std::string::npos); // never logged
}

BOOST_AUTO_TEST_CASE(a_repeated_update_id_is_acknowledged_and_answered_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  webhook_bot run;
  run.start();
  auto id = run.telegram.push_message(42, "/help");
  BOOST_REQUIRE_EQUAL(run.telegram.wait_for_messages(42, 1, 20s).size(), 1u);
  // Telegram delivers it again (its 200 got lost): 200, no second answer.
  auto again = update_json(id, 42, run.telegram.last_user_message_id(42), "/help");
  BOOST_TEST(run.send("POST", again, secret).response.status == 200u);
  BOOST_TEST(run.send("POST", again, secret).response.status == 200u);
  // The chat's next update is answered after anything the repeat could have caused.
  run.telegram.push_message(42, "/start");
  auto sent = run.telegram.wait_for_messages(42, 2, 20s);
  BOOST_TEST(sent.size() == 2u);
  BOOST_TEST(run.stop());
  BOOST_TEST(run.telegram.sent(42).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_database_that_does_not_commit_gets_503_and_the_redelivery_is_answered) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  webhook_bot run;
  run.start();
  run.ledger.push(50, "/help"); // the database is ready (migrations ran)
  BOOST_REQUIRE(run.ledger.wait_until_answered(30s).exactly_once());
  {
    // The inbox is locked: the bot's insert waits past db.statement-timeout.
    pqxx::connection blocker{run.database.uri()};
    pqxx::work lock{blocker};
    lock.exec0("LOCK TABLE update_inbox IN ACCESS EXCLUSIVE MODE");
    run.ledger.push(51, "/help");
    BOOST_REQUIRE(run.bot->wait_for_line("telegram_webhook: 503", 20s));
    BOOST_TEST(run.telegram.sent(51).empty());
  } // the lock goes: Telegram's next try is committed and answered
  auto answered = run.ledger.wait_until_answered(30s);
  BOOST_CHECK_MESSAGE(answered.exactly_once(), answered);
  BOOST_TEST(run.telegram.webhook_failures() >= 1u);
  BOOST_TEST(run.telegram.webhook_info().find("Wrong response from the webhook: 503") !=
                 std::string::npos,
             run.telegram.webhook_info());
  BOOST_TEST(run.stop());
}

BOOST_AUTO_TEST_CASE(kill_9_after_the_acknowledgements_loses_no_acknowledged_update) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  webhook_bot run;
  run.telegram.set_latency("sendMessage", 3s); // replies still on their way at the kill
  run.start();
  constexpr int updates = 40;
  run.ledger.push_many(updates, updates, 100, [](int) { return std::string{"/help"}; });
  // Every update acknowledged (Telegram forgot them all), none answered yet.
  BOOST_REQUIRE_EQUAL(run.telegram.wait_for_pending(0, 20s), 0u);
  BOOST_TEST(run.ledger.count().answered < static_cast<size_t>(updates));
  run.bot->signal(SIGKILL);
  BOOST_TEST(run.bot->wait_exit(30s) == 128 + SIGKILL);
  run.telegram.clear_faults();
  run.start(); // replays the inbox
  auto answered = run.ledger.wait_until_answered(60s);
  BOOST_TEST(answered.lost == 0u, answered);
  BOOST_TEST(answered.strays == 0u);
  BOOST_TEST(run.stop());
}

BOOST_AUTO_TEST_CASE(updates_a_standby_accepts_are_answered_by_the_active_one_in_order) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  webhook_bot run;
  run.start();
  run.start_standby();
  // A load balancer alternates: each chat's odd updates reach the standby,
  // the even ones the active instance, each after the previous one's 200.
  constexpr int64_t chat = 60, first_id = 9000;
  constexpr int count = 20;
  for (int i = 0; i < count; ++i) {
    auto body = update_json(first_id + i, chat, 1000 + i, i % 2 == 0 ? "/help" : "/start");
    auto to = i % 2 == 0 ? run.standby_port : run.port;
    BOOST_REQUIRE_EQUAL(run.send("POST", body, secret, "/hook", to).response.status, 200u);
  }
  auto sent = run.telegram.wait_for_messages(chat, count, 20s);
  BOOST_REQUIRE_EQUAL(sent.size(), static_cast<size_t>(count));
  // Each answered once, in the chat's order: /help and /start replies alternate.
  BOOST_TEST(sent[0].text != sent[1].text);
  for (int i = 2; i < count; ++i)
    BOOST_TEST(sent[i].text == sent[i - 2].text,
               "reply " << i << " out of order: " << sent[i].text.substr(0, 40));
  BOOST_TEST(run.standby->output().find("webhook set") ==
             std::string::npos); // never called Telegram
  BOOST_TEST(run.stop());
  run.standby->signal(SIGTERM);
  BOOST_TEST(run.standby->wait_exit(30s) == 0);
  BOOST_TEST(run.telegram.sent(chat).size() == static_cast<size_t>(count));
}

BOOST_AUTO_TEST_SUITE_END()
