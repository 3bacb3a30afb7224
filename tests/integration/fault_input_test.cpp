// The fault suite: malformed updates from Telegram (truncated JSON, wrong
// types, missing fields, nesting, huge and invalid UTF-8 strings) and
// malformed API-Football answers. Phoenix logs one clear line, confirms and
// skips a bad update, answers the good ones around it, and tells a user whose
// data came back unreadable one sentence.
#include "tests/integration/bot_fixture.hpp"
#include "tests/integration/delivery_ledger.hpp"
#include "tests/integration/log_watch.hpp"

#include <functional>

using namespace phoenix;
using namespace phoenix::test;

namespace {

struct bad_update {
  const char* what;
  std::function<std::string(const std::string& id)> json; ///< the update with this update_id
};

// Each names its update_id, so it can be confirmed (and the log line can name it).
std::vector<bad_update> bad_updates_with_ids() {
  auto message = [](const std::string& fields) {
    return [fields](const std::string& id) {
      return "{\"update_id\":" + id + ",\"message\":" + fields + "}";
    };
  };
  return {
      {"truncated JSON",
       message(R"({"message_id":5,"date":0,"chat":{"id":901,"type":"private"},"text":"/hel)")},
      {"wrong types",
       message(R"({"message_id":"five","date":"today","chat":{"id":"902","type":7},"text":[1]})")},
      {"missing fields", message(R"({"date":0,"text":"/help"})")},
      {"message not an object", message(R"("/help")")},
      {"callback without sender",
       [](const std::string& id) {
         return "{\"update_id\":" + id + ",\"callback_query\":{\"data\":\"stats:1\"}}";
       }},
      {"nested too deep",
       message(R"({"message_id":6,"chat":{"id":903,"type":"private"},"text":"/help","x":)" +
               std::string(100, '[') + std::string(100, ']') + "}")},
      {"huge string of the wrong type",
       message(R"({"message_id":7,"chat":{"id":904,"type":"private"},"text":{"huge":")" +
               std::string(1 << 20, 'x') + "\"}}")},
  };
}

// Nothing to confirm them by: the next numeric update_id confirms past them.
std::vector<std::string> bad_updates_without_ids() {
  return {R"({"message":{"message_id":8,"chat":{"id":905,"type":"private"},"text":"/help"}})",
          R"({"update_id":"12","message":{"message_id":9,"chat":{"id":906},"text":"/help"}})", "42",
          "null"};
}

// An API-Football answer around `response` (the JSON of the response member).
std::string api_answer(const std::string& response) {
  return R"({"get":"fixtures","parameters":{"id":"1"},"errors":[],"results":1,)"
         R"("paging":{"current":1,"total":1},"response":)" +
         response + "}";
}

// Fixture `id`, played, whose home team is called `home` (raw JSON string contents).
std::string fixture_named(int64_t id, const std::string& home) {
  return api_answer(R"([{"fixture":{"id":)" + std::to_string(id) +
                    R"(,"date":"2024-03-13T20:00:00+00:00",)"
                    R"("timestamp":1710360000,"status":{"long":"Match Finished","short":"FT",)"
                    R"("elapsed":90}},"league":{"id":2,"name":"Cup","country":"World",)"
                    R"("season":2023},"teams":{"home":{"id":1,"name":")" +
                    home + R"("},"away":{"id":2,"name":"Away"}},"goals":{"home":1,"away":0}}])");
}

constexpr const char* unreadable =
    "The football data service sent an unreadable answer; please try again.";

} // namespace

BOOST_AUTO_TEST_SUITE(fault_input_tests, *boost::unit_test::label("fault"))

BOOST_AUTO_TEST_CASE(malformed_updates_are_logged_once_confirmed_and_skipped) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  log_watch logs;
  bot_fixture f;
  logs.level(spdlog::level::warn);
  f.values.limits_user_commands_per_minute = 0; // every good update comes from chat 1
  f.start();
  delivery_ledger ledger{f.telegram};
  std::vector<std::pair<const char*, std::string>> skipped; // what, update_id
  auto good = ledger.push(1, "/help");
  for (const auto& bad : bad_updates_with_ids()) {
    auto id = std::to_string(good + 1);
    f.telegram.push_raw_update(bad.json(id));
    skipped.emplace_back(bad.what, id);
    good = ledger.push(1, "/help"); // the next good one must not be held up
  }
  for (const auto& json : bad_updates_without_ids()) {
    f.telegram.push_raw_update(json);
    ledger.push(1, "/help");
  }
  // Odd but valid: answered like any other message.
  ledger.push(2, "/help \xff\xfe invalid UTF-8 \xc3\x28");
  ledger.push(2, "/help " + std::string(1 << 20, 'x'));
  ledger.push(2, std::string(200000, 'y'));
  auto answered = ledger.wait_until_answered(30s);
  BOOST_CHECK_MESSAGE(answered.exactly_once(), answered); // strays: a bad one answered
  if (!answered.exactly_once())
    for (const auto& line : logs.lines(""))
      BOOST_TEST_MESSAGE(line.substr(0, 300));
  for (const auto& [what, id] : skipped) {
    auto lines = logs.lines("update " + id + " skipped");
    BOOST_CHECK_MESSAGE(lines.size() == 1u, what << ": " << lines.size() << " log lines");
    if (!lines.empty())
      BOOST_TEST_MESSAGE(what << ": " << lines.front().substr(0, 200));
  }
  BOOST_TEST(logs.count("no numeric update_id") >= bad_updates_without_ids().size());
  // The last getUpdates of the stop confirms all that was handled: nothing may
  // be stuck below a bad update.
  f.stop();
  BOOST_TEST(f.telegram.pending_updates() == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_api_football_answers_give_the_user_one_sentence) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  struct bad_answer {
    const char* what;
    std::function<void(fakes::fake_api_football&)> inject;
  };
  auto raw = [](std::string body) {
    return [body](fakes::fake_api_football& football) { football.raw_body_next(10, body); };
  };
  std::vector<bad_answer> unreadable_answers = {
      {"truncated JSON", [](fakes::fake_api_football& football) { football.malformed_next(10); }},
      {"not JSON", raw("<html><body>oops</body></html>")},
      {"empty body", raw("")},
      {"response of the wrong type", raw(api_answer(R"({"oops":true})"))},
      {"response items of the wrong type", raw(api_answer("[42, \"x\"]"))},
      {"nested too deep", raw(api_answer(std::string(200, '[') + std::string(200, ']')))},
      {"fields of the wrong type",
       raw(api_answer(R"([{"fixture":"x","league":[],"teams":42,"goals":"1:0"}])"))},
  };
  int64_t fixture = 95000;
  for (const auto& bad : unreadable_answers) {
    bad.inject(f.football);
    auto reply = f.ask(10, "/stats " + std::to_string(++fixture));
    f.football.clear_faults();
    BOOST_CHECK_MESSAGE(reply.plain_text == unreadable, bad.what << ": " << reply.plain_text);
  }
  // Readable but odd: a huge name and invalid UTF-8 reach the user shortened
  // and cleaned up, never as an error or a silence.
  std::vector<std::pair<const char*, std::string>> odd_names = {
      {"huge team name", std::string(300000, 'H')},
      {"invalid UTF-8 team name", "Bad \xff\xfe Name"},
  };
  for (const auto& [what, name] : odd_names) {
    f.football.raw_body_next(10, fixture_named(++fixture, name));
    auto chat = fixture; // a chat of its own: the reply may come in many parts
    f.ask(chat, "/stats " + std::to_string(fixture));
    // Parts follow each other; the last one ends with the away team.
    auto parts = f.telegram.sent(chat);
    for (int more = 0; more < 200 && !contains(parts.back().plain_text, "Away"); ++more)
      parts = f.telegram.wait_for_messages(chat, parts.size() + 1, 10s);
    f.football.clear_faults();
    BOOST_TEST_MESSAGE(what << ": " << parts.size() << " message(s), the first "
                            << parts.front().plain_text.size()
                            << " bytes: " << parts.front().plain_text.substr(0, 40));
    BOOST_CHECK_MESSAGE(contains(parts.back().plain_text, "Away"), what);
  }
  BOOST_TEST(contains(f.ask(10, "/stats 1149523").plain_text, "Arsenal")); // still fine after
}

BOOST_AUTO_TEST_SUITE_END()
