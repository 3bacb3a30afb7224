// Webhook mode's plain pieces: the secret token and its comparison, source
// networks (CIDR), a webhook body as an update, setWebhook's and
// deleteWebhook's bodies, pushed updates in the intake.
#include "core/http/webhook_rules.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/telegram/update_intake.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {

telegram_update pushed_message(int64_t id, int64_t chat = 7) {
  telegram_update u;
  u.update_id = id;
  u.type = telegram_update::kind::message;
  u.chat_id = chat;
  u.text = "/help";
  return u;
}

const update_intake::time_point t0{};

} // namespace

BOOST_AUTO_TEST_SUITE(webhook_rules_tests)

BOOST_AUTO_TEST_CASE(secret_tokens_are_1_to_256_of_telegrams_characters) {
  BOOST_TEST(is_valid_secret_token("a"));
  BOOST_TEST(is_valid_secret_token("Az09_-"));
  BOOST_TEST(is_valid_secret_token(std::string(256, 'x')));
  BOOST_TEST(!is_valid_secret_token(""));
  BOOST_TEST(!is_valid_secret_token(std::string(257, 'x')));
  BOOST_TEST(!is_valid_secret_token("with space"));
  BOOST_TEST(!is_valid_secret_token("dot.ted"));
  BOOST_TEST(!is_valid_secret_token("ümlaut"));
}

BOOST_AUTO_TEST_CASE(the_secret_matches_only_itself_whatever_the_length) {
  BOOST_TEST(constant_time_equal("s3cret", "s3cret"));
  BOOST_TEST(!constant_time_equal("s3creT", "s3cret"));
  BOOST_TEST(!constant_time_equal("s3cre", "s3cret"));   // a prefix
  BOOST_TEST(!constant_time_equal("s3crett", "s3cret")); // longer
  BOOST_TEST(!constant_time_equal("", "s3cret"));
  BOOST_TEST(!constant_time_equal(std::string("s3cret\0", 7), "s3cret"));
}

BOOST_AUTO_TEST_CASE(telegrams_networks_hold_its_addresses_and_no_others) {
  std::string error;
  auto telegram = parse_cidr_list(telegram_webhook_networks, &error);
  BOOST_REQUIRE(telegram.has_value());
  BOOST_TEST(telegram->size() == 2u);
  BOOST_TEST(address_allowed(*telegram, "149.154.160.1"));
  BOOST_TEST(address_allowed(*telegram, "149.154.175.254")); // the /20's last
  BOOST_TEST(!address_allowed(*telegram, "149.154.176.0"));  // just past it
  BOOST_TEST(address_allowed(*telegram, "91.108.4.0"));
  BOOST_TEST(address_allowed(*telegram, "91.108.7.255"));
  BOOST_TEST(!address_allowed(*telegram, "91.108.8.0"));
  BOOST_TEST(!address_allowed(*telegram, "127.0.0.1"));
  BOOST_TEST(address_allowed(*telegram, "::ffff:91.108.4.7")); // IPv4 mapped into IPv6
  BOOST_TEST(!address_allowed(*telegram, "not an address"));
  BOOST_TEST(address_allowed({}, "203.0.113.9")); // empty: any source
}

BOOST_AUTO_TEST_CASE(cidr_blocks_of_both_families_and_their_edges) {
  auto v6 = parse_cidr("2001:db8::/32");
  BOOST_REQUIRE(v6.has_value());
  BOOST_TEST(cidr_contains(*v6, "2001:db8:ffff::1"));
  BOOST_TEST(!cidr_contains(*v6, "2001:db9::1"));
  BOOST_TEST(!cidr_contains(*v6, "32.1.13.184")); // another family
  auto host = parse_cidr("10.1.2.3");
  BOOST_REQUIRE(host.has_value());
  BOOST_TEST(host->prefix == 32);
  BOOST_TEST(cidr_contains(*host, "10.1.2.3"));
  BOOST_TEST(!cidr_contains(*host, "10.1.2.4"));
  auto all = parse_cidr("0.0.0.0/0");
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST(cidr_contains(*all, "8.8.8.8"));
  for (auto bad : {"10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x", "::/129", "", "/8"})
    BOOST_TEST(!parse_cidr(bad).has_value(), bad);
  std::string error;
  BOOST_TEST(!parse_cidr_list("10.0.0.0/8, nonsense", &error).has_value());
  BOOST_TEST(error.find("nonsense") != std::string::npos, error);
  BOOST_TEST(parse_cidr_list("", &error)->empty());
  BOOST_TEST(parse_cidr_list(" 10.0.0.0/8 ,, 192.168.0.0/16 ", &error)->size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(webhook_update_tests)

BOOST_AUTO_TEST_CASE(a_webhook_body_is_one_update_or_a_clear_refusal) {
  std::string problem;
  auto update = decode_webhook_update(
      R"({"update_id":9,"message":{"message_id":3,"date":1,"chat":{"id":42,"type":"private"},)"
      R"("from":{"id":42,"is_bot":false,"first_name":"A"},"text":"/help"}})",
      &problem);
  BOOST_REQUIRE(update.has_value());
  BOOST_TEST(problem.empty(), problem);
  BOOST_TEST(update->update_id == 9);
  BOOST_TEST(update->chat_id == 42);
  BOOST_TEST(update->text == "/help");
  for (auto bad : {"", "{\"update_id\":", "[1,2]", "{\"message\":{}}", "{\"update_id\":\"9\"}"}) {
    BOOST_TEST(!decode_webhook_update(bad, &problem).has_value(), bad);
    BOOST_TEST(problem.find("webhook body is") == 0u, problem);
  }
  // An update Phoenix cannot read but can name is kept (then confirmed unanswered).
  auto odd = decode_webhook_update(R"({"update_id":10,"message":{"chat":"no"}})", &problem);
  BOOST_REQUIRE(odd.has_value());
  BOOST_TEST((odd->type == telegram_update::kind::other));
  BOOST_TEST(!problem.empty());
}

BOOST_AUTO_TEST_CASE(set_webhook_keeps_pending_updates_and_asks_what_polling_asks) {
  auto body = set_webhook_body("https://bot.example/hook", "s3cret", 400);
  BOOST_TEST(body.find(R"("url":"https://bot.example/hook")") != std::string::npos, body);
  BOOST_TEST(body.find(R"("secret_token":"s3cret")") != std::string::npos, body);
  BOOST_TEST(body.find(R"("max_connections":100)") != std::string::npos, body); // clamped
  BOOST_TEST(body.find(R"("drop_pending_updates":false)") != std::string::npos, body);
  BOOST_TEST(body.find(R"("allowed_updates":["message","callback_query"])") != std::string::npos,
             body);
  BOOST_TEST(delete_webhook_body(false) == R"({"drop_pending_updates":false})");
}

BOOST_AUTO_TEST_CASE(a_pushed_update_goes_once_and_waits_for_the_inbox_of_before_a_restart) {
  update_intake intake{1000, 10s, 42};
  intake.start();
  // The inbox is not read yet: held.
  BOOST_TEST(intake.pushed(pushed_message(5), t0).empty());
  BOOST_TEST(intake.pushed(pushed_message(5), t0).empty()); // a repeat: not held twice
  // The inbox holds 4 (before the restart) and 5 (committed before it was pushed).
  auto replayed = intake.replay({pushed_message(4), pushed_message(5)}, t0);
  BOOST_REQUIRE(replayed.size() == 1u);
  BOOST_TEST(replayed[0].update_id == 4);
  auto held = intake.take_held();
  BOOST_REQUIRE(held.size() == 1u);
  BOOST_TEST(held[0].update_id == 5);
  // Read: new ones go at once; one in hand or just handled is no work.
  BOOST_TEST(intake.pushed(pushed_message(6), t0).size() == 1u);
  BOOST_TEST(intake.pushed(pushed_message(6), t0).empty());
  BOOST_TEST(intake.finish(6, t0 + 1s).has_value());
  BOOST_TEST(intake.pushed(pushed_message(6), t0).empty()); // its record may be on its way
  BOOST_TEST(intake.in_flight() == 2u);                     // 4 and 5
  BOOST_TEST(!intake.offset_to_send().has_value());         // confirmed by their 200, not an offset
  BOOST_TEST(intake.counted().received == 2u);              // 5 and 6; 4 came from the inbox
}

BOOST_AUTO_TEST_SUITE_END()
