#include "core/bot/bot_text.hpp"
#include "core/telegram/bot_api.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>
#include <random>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>

using namespace phoenix::core;

namespace {

// Real update shapes, shared with the other teams; read in place, only by the
// conformance tests (skipped when ../shared is not beside the project).
const char* const shared_updates = PHOENIX_SOURCE_DIR "/../shared/spec/sample-updates.json";
// The project's own updates (what the fake Telegram's push_sample serves).
const char* const project_updates =
    PHOENIX_SOURCE_DIR "/tests/fakes/data/telegram/sample-updates.json";

boost::test_tools::assertion_result shared_spec_present(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result present = std::ifstream(shared_updates).good();
  if (!present)
    present.message() << "skipped: ../shared/spec not beside the project (conformance only)";
  return present;
}

std::string read_text(const char* path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One named sample of `file` (the real ones by default) as JSON text.
std::string sample(const std::string& name, const char* file = shared_updates) {
  const std::string text = read_text(file);
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  BOOST_REQUIRE(doc.IsObject() && doc.HasMember(name.c_str()));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc[name.c_str()].Accept(writer);
  return buffer.GetString();
}

std::string own_sample(const std::string& name) {
  return sample(name, project_updates);
}

std::string envelope(const std::string& updates) {
  return R"({"ok":true,"result":[)" + updates + "]}";
}

// A request body as a document; fails the test when it is not valid UTF-8 JSON.
rapidjson::Document parsed(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  BOOST_REQUIRE_MESSAGE(!doc.HasParseError() && doc.IsObject(), "bad body: " << body);
  return doc;
}

} // namespace

BOOST_AUTO_TEST_SUITE(bot_api_tests)

BOOST_AUTO_TEST_CASE(decodes_the_real_getupdates_envelope,
                     *boost::unit_test::precondition(shared_spec_present)) {
  auto decoded = decode_updates(sample("getUpdates_response_envelope"));
  BOOST_REQUIRE(decoded.ok);
  BOOST_TEST(decoded.problems.empty());
  BOOST_REQUIRE_EQUAL(decoded.updates.size(), 1u);
  const telegram_update& start = decoded.updates[0];
  BOOST_TEST(start.update_id == 123456789);
  BOOST_TEST((start.type == telegram_update::kind::message));
  BOOST_TEST(start.chat_id == 987654321);
  BOOST_TEST(start.chat_type == "private");
  BOOST_TEST(start.user_id == 987654321);
  BOOST_TEST(start.first_name == "");
  BOOST_TEST(start.language == "en");
  BOOST_TEST(start.message_id == 123);
  BOOST_TEST(start.text == "/start");
  BOOST_TEST(start.date == 1712803046);
}

BOOST_AUTO_TEST_CASE(decodes_sample_message_and_callback_query,
                     *boost::unit_test::precondition(shared_spec_present)) {
  auto decoded = decode_updates(
      envelope(sample("message_plain_text") + "," + sample("callback_query_inline_keyboard")));
  BOOST_REQUIRE(decoded.ok);
  BOOST_TEST(decoded.problems.empty());
  BOOST_REQUIRE_EQUAL(decoded.updates.size(), 2u);
  const telegram_update& text = decoded.updates[0];
  BOOST_TEST((text.type == telegram_update::kind::message));
  BOOST_TEST(text.text == "Hi");
  BOOST_TEST(text.username == "test_telegram_username");
  BOOST_TEST(text.first_name == "test_telegram_first_name");
  BOOST_TEST(text.message_id == 1234);

  const telegram_update& callback = decoded.updates[1];
  BOOST_TEST((callback.type == telegram_update::kind::callback_query));
  BOOST_TEST(callback.update_id == 654987321);
  BOOST_TEST(callback.callback_id == "test_callback_id");
  BOOST_TEST(callback.callback_data == "option_1");
  BOOST_TEST(callback.chat_id == 123456789);
  BOOST_TEST(callback.message_id == 1236);
  BOOST_TEST(callback.user_id == 123456789); // the presser, not the bot that sent the message
  BOOST_TEST(callback.date == 0);
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_body_is_refused_cleanly) {
  const std::string body = envelope(own_sample("message_bot_command_start") + "," +
                                    own_sample("callback_query_inline_keyboard"));
  for (std::size_t length = 0; length < body.size(); ++length) {
    auto decoded = decode_updates(std::string_view(body).substr(0, length));
    BOOST_TEST(!decoded.ok);
    BOOST_TEST(!decoded.error.empty());
    auto answer = parse_bot_api_answer(200, std::string_view(body).substr(0, length));
    BOOST_TEST(!answer.ok);
  }
}

BOOST_AUTO_TEST_CASE(randomly_damaged_bodies_never_crash) {
  const std::string body = envelope(own_sample("message_plain_text") + "," +
                                    own_sample("callback_query_inline_keyboard"));
  std::mt19937 random(11);
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = body;
    for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips)
      damaged[random() % damaged.size()] = static_cast<char>(random() % 256);
    auto decoded = decode_updates(damaged);
    BOOST_TEST((decoded.ok || !decoded.error.empty()));
    if (decoded.ok)
      BOOST_TEST(decoded.updates.size() + decoded.problems.size() >= 2u);
    parse_bot_api_answer(200, damaged);
  }
}

BOOST_AUTO_TEST_CASE(malformed_updates_are_skipped_with_a_problem_line) {
  const std::string body = envelope(
      R"({"update_id":1,"message":{"message_id":5,"chat":{"id":"12","type":"private"}}},)"
      R"({"update_id":2,"message":[1,2]},)"
      R"({"update_id":3,"message":{"message_id":6,"chat":{"id":7},"text":42}},)"
      R"({"update_id":4,"callback_query":{"id":"q","from":"me","data":"stats:1"}},)"
      R"({"update_id":5,"callback_query":{"id":9,"from":{"id":1}}},)"
      R"({"update_id":"6","message":{"message_id":1,"chat":{"id":1},"text":"/live"}},)"
      R"(42,)"
      R"({"update_id":7,"message":{"message_id":8,"chat":{"id":-100123,"type":"supergroup"},)"
      R"("from":{"id":3,"username":"fan"},"text":"/live@phoenix_bot"}},)"
      R"({"update_id":8,"edited_message":{"message_id":1,"chat":{"id":1}}})");
  auto decoded = decode_updates(body);
  BOOST_REQUIRE(decoded.ok);
  BOOST_REQUIRE_EQUAL(decoded.updates.size(), 7u); // all with a numeric update_id
  for (int i = 0; i < 5; ++i) {
    BOOST_TEST((decoded.updates[i].type == telegram_update::kind::other));
    BOOST_TEST(decoded.updates[i].update_id == i + 1);
  }
  const telegram_update& good = decoded.updates[5];
  BOOST_TEST(good.update_id == 7);
  BOOST_TEST((good.type == telegram_update::kind::message));
  BOOST_TEST(good.chat_id == -100123);
  BOOST_TEST(good.chat_type == "supergroup");
  BOOST_TEST(good.username == "fan");
  BOOST_TEST((decoded.updates[6].type == telegram_update::kind::other));

  BOOST_REQUIRE_EQUAL(decoded.problems.size(), 7u);
  BOOST_TEST(decoded.problems[0] ==
             "update 1 skipped: message.chat.id is missing or not an integer");
  BOOST_TEST(decoded.problems[1] == "update 2 skipped: message is missing or not an object");
  BOOST_TEST(decoded.problems[2] == "update 3 skipped: message.text is missing or not a string");
  BOOST_TEST(decoded.problems[3] ==
             "update 4 skipped: callback_query.from is missing or not an object");
  BOOST_TEST(decoded.problems[4] ==
             "update 5 skipped: callback_query.id is missing or not a string");
  BOOST_TEST(decoded.problems[5] == "update at index 5 skipped: no numeric update_id");
  BOOST_TEST(decoded.problems[6] == "update at index 6 skipped: no numeric update_id");
}

BOOST_AUTO_TEST_CASE(huge_strings_and_invalid_utf8_pass_through) {
  const std::string huge(1 << 20, 'x');
  const std::string broken = "caf\xC3 \xFF\xFE M\xC3\xBCnchen";
  auto decoded = decode_updates(envelope(
      R"({"update_id":10,"message":{"message_id":1,"chat":{"id":5},"text":")" + huge + R"("}},)" +
      R"({"update_id":11,"message":{"message_id":2,"chat":{"id":5},"text":")" + broken + R"("}})"));
  BOOST_REQUIRE(decoded.ok);
  BOOST_REQUIRE_EQUAL(decoded.updates.size(), 2u);
  BOOST_TEST(decoded.updates[0].text.size() == huge.size());
  BOOST_TEST(decoded.updates[1].text == broken);
}

BOOST_AUTO_TEST_CASE(bodies_that_are_not_update_lists_are_refused) {
  for (std::string body :
       {std::string(""), std::string("<html><body>502 Bad Gateway</body></html>"),
        std::string("[]"), std::string(R"({"ok":true,"result":{}})"),
        std::string(R"({"ok":"true","result":[]})"),
        std::string(R"({"ok":true,"result":[]} trailing)"), std::string(100000, '['),
        std::string(R"({"ok":false,"error_code":409,"description":"Conflict: terminated"})")}) {
    auto decoded = decode_updates(body);
    BOOST_TEST(!decoded.ok, body.substr(0, 60));
    BOOST_TEST(!decoded.error.empty());
  }
  auto conflict = decode_updates(R"({"ok":false,"error_code":409,"description":"Conflict"})");
  BOOST_TEST(conflict.error == "getUpdates answer is not ok: Conflict");
  auto empty = decode_updates(R"({"ok":true,"result":[]})");
  BOOST_TEST(empty.ok);
  BOOST_TEST(empty.updates.empty());
}

BOOST_AUTO_TEST_CASE(an_edit_to_the_text_shown_already_is_an_unchanged_edit) {
  auto same = parse_bot_api_answer(
      400, R"({"ok":false,"error_code":400,"description":"Bad Request: message is not modified: )"
           R"(specified new message content and reply markup are exactly the same as a current )"
           R"(content and reply markup of the message"})");
  BOOST_TEST(is_unchanged_edit("editMessageText", same));
  BOOST_TEST(!is_unchanged_edit("sendMessage", same));
  auto gone = parse_bot_api_answer(
      400,
      R"({"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"})");
  BOOST_TEST(!is_unchanged_edit("editMessageText", gone));
}

BOOST_AUTO_TEST_CASE(answers_carry_result_or_error_details) {
  auto sent = parse_bot_api_answer(
      200, R"({"ok":true,"result":{"message_id":77,"chat":{"id":5},"text":"a\"b"}})");
  BOOST_TEST(sent.ok);
  BOOST_TEST(sent.error_code == 0);
  BOOST_TEST(sent.message_id == 77);
  auto kept_id = parse_bot_api_answer(
      200, R"({"ok":true,"result":{"message_id":77,"text":"long"}})", result_kept::message_id);
  BOOST_TEST(kept_id.message_id == 77);
  BOOST_TEST(kept_id.result_json.empty()); // not written out again

  auto me = parse_bot_api_answer(200, R"({"ok":true,"result":{"id":1,"is_bot":true,)"
                                      R"("first_name":"Phoenix","username":"phoenix_bot"}})");
  BOOST_TEST(get_me_username(me.result_json) == "phoenix_bot");
  BOOST_TEST(get_me_username("not json") == "");
  BOOST_TEST(get_me_id(me.result_json) == 1);
  BOOST_TEST(get_me_id(R"({"id":"1"})") == 0);
  BOOST_TEST(parse_bot_api_answer(200, R"({"ok":true,"result":{"message_id":"77"}})").message_id ==
             0);
  BOOST_TEST(parse_bot_api_answer(200, R"({"ok":true,"result":true})").result_json == "true");

  auto flood = parse_bot_api_answer(
      429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 35",)"
           R"("parameters":{"retry_after":35}})");
  BOOST_TEST(!flood.ok);
  BOOST_TEST(flood.error_code == 429);
  BOOST_TEST(flood.retry_after == 35);
  BOOST_TEST(flood.description == "Too Many Requests: retry after 35");
  auto flood_text_only = parse_bot_api_answer(
      429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7"})");
  BOOST_TEST(flood_text_only.retry_after == 7);

  auto migrated = parse_bot_api_answer(
      400, R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded )"
           R"(to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})");
  BOOST_TEST(migrated.migrate_to_chat_id == -1001234567890);

  auto blocked = parse_bot_api_answer(
      403,
      R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  BOOST_TEST(blocked.error_code == 403);
  BOOST_TEST(blocked.retry_after == 0);
}

BOOST_AUTO_TEST_CASE(non_json_answers_become_http_errors) {
  auto gateway = parse_bot_api_answer(502, "<html><head><title>502 Bad Gateway</title></html>");
  BOOST_TEST(!gateway.ok);
  BOOST_TEST(gateway.error_code == 502);
  BOOST_TEST(gateway.description == "HTTP 502 with a non-JSON body");
  BOOST_TEST(parse_bot_api_answer(504, "").description == "HTTP 504 with a non-JSON body");
  BOOST_TEST(parse_bot_api_answer(200, std::string(5000, '{')).error_code == 200);
  auto odd = parse_bot_api_answer(500, R"({"error":"internal"})");
  BOOST_TEST(!odd.ok);
  BOOST_TEST(odd.error_code == 500);
  auto no_code = parse_bot_api_answer(401, R"({"ok":false})");
  BOOST_TEST(no_code.error_code == 401);
  BOOST_TEST(!no_code.description.empty());
}

BOOST_AUTO_TEST_CASE(an_unreadable_getupdates_answer_names_its_first_update_id) {
  auto cut = parse_bot_api_answer(
      200, R"({"ok":true,"result":[{"update_id": 4711,"message":{"text":"/he)");
  BOOST_TEST(!cut.ok);
  BOOST_TEST(cut.error_code == 200);
  BOOST_TEST(cut.unreadable_update_id == 4711);
  // A quoted "update_id" inside a string is not the key.
  auto quoted = R"({"ok":true,"result":[{"message":{"text":"x\"update_id\":1"},"update_id":9)";
  BOOST_TEST(parse_bot_api_answer(200, quoted).unreadable_update_id == 9);
  BOOST_TEST(parse_bot_api_answer(200, std::string(5000, '{')).unreadable_update_id == 0);
  BOOST_TEST(parse_bot_api_answer(502, "<html>\"update_id\":5</html>").unreadable_update_id == 0);
  BOOST_TEST(parse_bot_api_answer(200, envelope(R"({"update_id":5})")).unreadable_update_id == 0);
}

BOOST_AUTO_TEST_CASE(get_updates_body_asks_for_messages_and_callbacks) {
  auto doc = parsed(get_updates_body(654987322, 500, 90));
  BOOST_TEST(doc["offset"].GetInt64() == 654987322);
  BOOST_TEST(doc["limit"].GetInt() == 100);
  BOOST_TEST(doc["timeout"].GetInt() == 50);
  BOOST_REQUIRE(doc["allowed_updates"].IsArray());
  BOOST_TEST(doc["allowed_updates"].Size() == 2u);
  BOOST_TEST(doc["allowed_updates"][0].GetString() == std::string("message"));
  BOOST_TEST(doc["allowed_updates"][1].GetString() == std::string("callback_query"));
  auto low = parsed(get_updates_body(0, 0, -3));
  BOOST_TEST(low["limit"].GetInt() == 1);
  BOOST_TEST(low["timeout"].GetInt() == 0);
  // No offset: Telegram confirms nothing and answers from its earliest unconfirmed update.
  BOOST_TEST(!parsed(get_updates_body(std::nullopt, 10, 1)).HasMember("offset"));
}

BOOST_AUTO_TEST_CASE(send_message_body_uses_current_parameters) {
  const std::string html = "<b>Brighton &amp; &lt;Hove&gt;</b> \"quoted\" \\ tab\t\nM\xC3\xBCnchen";
  inline_keyboard keyboard{{{"Brighton & <Hove> \xE2\x80\x93 Fenerbah\xC3\xA7"
                             "e",
                             "stats:1"}},
                           {},
                           {{"b", "stats:2"}, {"c", "stats:3"}}};
  auto doc = parsed(send_message_body(-1001234567890, html, 42, keyboard));
  BOOST_TEST(doc["chat_id"].GetInt64() == -1001234567890);
  BOOST_TEST(doc["text"].GetString() == html);
  BOOST_TEST(doc["parse_mode"].GetString() == std::string("HTML"));
  BOOST_TEST(doc["link_preview_options"]["is_disabled"].GetBool());
  BOOST_TEST(doc["reply_parameters"]["message_id"].GetInt64() == 42);
  BOOST_TEST(doc["reply_parameters"]["allow_sending_without_reply"].GetBool());
  BOOST_TEST(!doc.HasMember("reply_to_message_id"));
  BOOST_TEST(!doc.HasMember("disable_web_page_preview"));
  const auto& rows = doc["reply_markup"]["inline_keyboard"];
  BOOST_REQUIRE_EQUAL(rows.Size(), 2u); // the empty row is dropped
  BOOST_TEST(rows[0][0]["text"].GetString() == keyboard[0][0].text);
  BOOST_TEST(rows[0][0]["callback_data"].GetString() == std::string("stats:1"));
  BOOST_TEST(rows[1].Size() == 2u);

  auto plain = parsed(send_message_body(5, "hi", 0, {}));
  BOOST_TEST(!plain.HasMember("reply_parameters"));
  BOOST_TEST(!plain.HasMember("reply_markup"));

  // Invalid UTF-8 from user input must not make the request invalid JSON.
  auto broken = parsed(send_message_body(5, "caf\xC3 \xFF", 0, {}));
  BOOST_TEST(broken["text"].GetString() == std::string("caf\xEF\xBF\xBD \xEF\xBF\xBD"));
}

BOOST_AUTO_TEST_CASE(an_alert_body_asks_for_a_paid_broadcast_only_when_told) {
  auto free = parsed(broadcast_message_body(5, "<b>GOAL</b>", false));
  BOOST_TEST(free["chat_id"].GetInt64() == 5);
  BOOST_TEST(free["text"].GetString() == std::string("<b>GOAL</b>"));
  BOOST_TEST(free["parse_mode"].GetString() == std::string("HTML"));
  BOOST_TEST(!free.HasMember("allow_paid_broadcast"));
  auto paid = parsed(broadcast_message_body(5, "<b>GOAL</b>", true));
  BOOST_TEST(paid["allow_paid_broadcast"].GetBool());
}

BOOST_AUTO_TEST_CASE(callback_edit_and_command_bodies) {
  auto answer = parsed(answer_callback_query_body("q\"1", std::string(300, 'a')));
  BOOST_TEST(answer["callback_query_id"].GetString() == std::string("q\"1"));
  BOOST_TEST(answer["text"].GetStringLength() == 200u);
  BOOST_TEST(!parsed(answer_callback_query_body("q", "")).HasMember("text"));

  auto edit = parsed(edit_message_text_body(5, 9, "<i>x</i>", {{{"Refresh", "stats:9"}}}));
  BOOST_TEST(edit["chat_id"].GetInt64() == 5);
  BOOST_TEST(edit["message_id"].GetInt64() == 9);
  BOOST_TEST(edit["text"].GetString() == std::string("<i>x</i>"));
  BOOST_TEST(edit["parse_mode"].GetString() == std::string("HTML"));
  BOOST_TEST(edit["reply_markup"]["inline_keyboard"][0][0]["callback_data"].GetString() ==
             std::string("stats:9"));

  const auto menu = menu_commands();
  auto commands = parsed(set_my_commands_body(menu));
  const auto& list = commands["commands"];
  BOOST_REQUIRE_EQUAL(list.Size(), menu.size());
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string name = list[i]["command"].GetString();
    BOOST_TEST(name == menu[i].first);
    BOOST_TEST((name.size() >= 1 && name.size() <= 32));
    for (char c : name)
      BOOST_TEST(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
    const std::size_t description = list[i]["description"].GetStringLength();
    BOOST_TEST((description >= 1 && description <= 256));
  }
}

BOOST_AUTO_TEST_SUITE_END()
