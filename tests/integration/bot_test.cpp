// The bot end to end: commands and their texts, concurrency, order, faults.
#include "tests/integration/bot_fixture.hpp"

#include <map>
#include <set>

using namespace phoenix;
using namespace phoenix::test;

BOOST_AUTO_TEST_SUITE(bot_tests)

BOOST_AUTO_TEST_CASE(every_command_answers_with_its_text) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  auto start = f.ask(1, "/start");
  BOOST_TEST(contains(start.plain_text, "/fixtures"));
  BOOST_TEST(start.reply_to_message_id == f.telegram.last_user_message_id(1));
  auto help = f.ask(1, "/help");
  for (auto* command : {"/start", "/help", "/fixtures", "/live", "/stats"})
    BOOST_TEST(contains(help.plain_text, command));
  auto fixtures = f.ask(1, "/fixtures 2022-03-19");
  BOOST_TEST(contains(fixtures.plain_text, "Alaves – Granada CF 2:3 FT"));
  BOOST_TEST(contains(fixtures.reply_markup_json, "stats:721019"));
  auto league = f.ask(1, "/fixtures 2022-03-19 140");
  BOOST_TEST(contains(league.plain_text, "La Liga"));
  auto live = f.ask(1, "/live");
  BOOST_TEST(contains(live.plain_text, "'")); // minutes of matches in play
  auto stats = f.ask(1, "/stats 1149523");
  BOOST_TEST(contains(stats.plain_text, "Arsenal 1:0 FC Porto"));
  BOOST_TEST(contains(stats.plain_text, "Possession"));
  BOOST_TEST(contains(stats.plain_text, "58%"));
  auto usage = f.ask(1, "/stats abc");
  BOOST_TEST(contains(usage.plain_text, "/stats"));
  BOOST_TEST(contains(f.ask(1, "/fixtures someday").plain_text, "/fixtures"));
  auto addressed = f.ask(1, "/help@phoenix_test_bot");
  BOOST_TEST(contains(addressed.plain_text, "/fixtures"));
  auto unknown = f.ask(1, "/nonsense");
  BOOST_TEST(contains(unknown.plain_text, "/help"));
  auto text = f.ask(1, "hello there");
  BOOST_TEST(contains(text.plain_text, "I answer commands only."));
  BOOST_TEST(!contains(text.plain_text, "I do not know /."));
  // A button press: answered, and the statistics arrive.
  auto before = f.telegram.sent(1).size();
  auto update = f.telegram.push_callback(1, fixtures.message_id, "stats:1149523");
  auto after = f.telegram.wait_for_messages(1, before + 1, 15s);
  BOOST_REQUIRE(after.size() > before);
  BOOST_TEST(contains(after[before].plain_text, "Arsenal 1:0 FC Porto"));
  f.telegram.wait_for_calls("answerCallbackQuery", 1, 5s);
  BOOST_TEST(f.telegram.callback_answer(update).has_value());
}

BOOST_AUTO_TEST_CASE(an_unknown_fixture_or_an_empty_day_is_said_so) {
  // The fake answers like API-Football: "results": 0 for what it does not hold.
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  BOOST_TEST(f.ask(1, "/stats 99999999").plain_text == "Fixture not found.");
  BOOST_TEST(
      contains(f.ask(1, "/fixtures 2022-03-20").plain_text, "No fixtures found on 2022-03-20"));
  BOOST_TEST(
      contains(f.ask(1, "/fixtures 2022-03-19 39").plain_text, "No fixtures found on 2022-03-19"));
  auto la_liga = f.ask(1, "/fixtures 2022-03-19 140").plain_text;
  BOOST_TEST(contains(la_liga, "Osasuna – Levante"));
  BOOST_TEST(!contains(f.ask(1, "/fixtures 2025-04-12").plain_text, "Osasuna"));
}

BOOST_AUTO_TEST_CASE(a_user_asking_for_much_new_data_is_asked_to_wait_a_minute) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.values.limits_user_upstream_per_minute = 2;
  f.start();
  const std::string wait = "please wait a minute and try again";
  BOOST_TEST(contains(f.ask(4, "/stats 1149523").plain_text, "Arsenal 1:0 FC Porto"));
  BOOST_TEST(!contains(f.ask(4, "/stats 4101").plain_text, wait));
  auto calls = f.football.calls("/fixtures");
  BOOST_TEST(contains(f.ask(4, "/stats 4102").plain_text, wait));
  BOOST_TEST(f.football.calls("/fixtures") == calls); // not sent upstream
  BOOST_TEST(contains(f.ask(4, "/stats 1149523").plain_text, "Arsenal 1:0 FC Porto")); // cached
  BOOST_TEST(!contains(f.ask(5, "/stats 4102").plain_text, wait)); // another user
  BOOST_TEST(f.football.calls("/fixtures") == calls + 1);
}

BOOST_AUTO_TEST_CASE(analyze_runs_as_a_job_with_its_own_commands) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  auto started = f.ask(3, "/analyze 1149523");
  BOOST_TEST(contains(started.plain_text, "started"));
  auto hash = started.plain_text.find('#');
  BOOST_REQUIRE(hash != std::string::npos);
  auto id = std::stoll(started.plain_text.substr(hash + 1));
  auto report = f.telegram.wait_for_messages(3, 2, 20s);
  BOOST_REQUIRE(report.size() == 2u);
  BOOST_TEST(contains(report[1].plain_text, "Analysis #" + std::to_string(id)));
  BOOST_TEST(contains(report[1].plain_text, "Head to head"));
  BOOST_TEST(contains(report[1].plain_text, "Arsenal"));
  auto job = f.ask(3, "/job " + std::to_string(id));
  BOOST_TEST(contains(job.plain_text, "done"));
  BOOST_TEST(contains(f.ask(3, "/jobs").plain_text, "#" + std::to_string(id)));
  // Another user neither sees nor cancels it.
  BOOST_TEST(contains(f.ask(4, "/job " + std::to_string(id)).plain_text, "No job"));
  BOOST_TEST(contains(f.ask(4, "/cancel " + std::to_string(id)).plain_text, "No job"));
  BOOST_TEST(contains(f.ask(3, "/cancel " + std::to_string(id)).plain_text, "already finished"));
  BOOST_TEST(contains(f.ask(3, "/analyze").plain_text, "/analyze"));
  // After a restart (memory gone) the database still answers.
  f.stop();
  f.start();
  BOOST_TEST(contains(f.ask(3, "/job " + std::to_string(id)).plain_text, "done"));
}

BOOST_AUTO_TEST_CASE(upstream_errors_are_one_sentence) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.values.football_retries = 0;
  f.start();
  f.football.fail_next(1, 500); // retries are off here: one failure is final
  auto down = f.ask(2, "/stats 9002");
  BOOST_TEST(contains(down.plain_text, "not reachable"));
  BOOST_TEST(!contains(down.plain_text, "500"));
  f.football.envelope_error_next(1, "token");
  auto key = f.ask(2, "/stats 9003");
  BOOST_TEST(contains(key.plain_text, "key"));
  f.football.envelope_error_next(1, "requests"); // last: the day budget is then spent
  auto quota = f.ask(2, "/stats 9001");
  BOOST_TEST(contains(quota.plain_text, "quota"));
}

BOOST_AUTO_TEST_CASE(a_slow_upstream_keeps_nobody_else_waiting) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  f.ask(1000, "/help"); // warm: the poller runs
  f.football.set_latency(2000ms);
  for (int chat = 1; chat <= 200; ++chat)
    f.telegram.push_message(chat, "/stats " + std::to_string(50000 + chat));
  for (int i = 0; i < 3; ++i) {
    auto asked = std::chrono::steady_clock::now();
    f.ask(1000, "/help", 5s);
    auto waited = std::chrono::steady_clock::now() - asked;
    BOOST_TEST((waited < 1s));
  }
  BOOST_TEST(f.telegram.wait_for_total_sent(200 + 4, 30s) >= 204u);
}

BOOST_AUTO_TEST_CASE(one_chat_is_answered_in_order_while_others_interleave) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  f.football.set_latency(0ms, 50ms); // answers overtake each other upstream
  std::vector<int64_t> asked;
  for (int i = 0; i < 20; ++i) {
    f.telegram.push_message(7, i % 2 == 0 ? "/stats " + std::to_string(7000 + i) : "/help");
    asked.push_back(f.telegram.last_user_message_id(7));
    f.telegram.push_message(100 + i, "/stats " + std::to_string(8000 + i));
  }
  auto sent = f.telegram.wait_for_messages(7, 20, 30s);
  BOOST_REQUIRE(sent.size() == 20u);
  for (size_t i = 0; i < sent.size(); ++i)
    BOOST_TEST(sent[i].reply_to_message_id == asked[i]);
}

// A getUpdates sent while an update was in hand answers with that update
// again; if it was handled meanwhile, the poller must poll at once, not wait
// 500 ms for a change. Each round below costs 2 x 50 ms of getUpdates latency
// when it polls at once, 2 x 50 + 500 ms when it waits.
BOOST_AUTO_TEST_CASE(a_chat_in_conversation_is_not_held_up_by_the_poller) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  f.ask(1, "/help"); // the poller runs
  f.telegram.set_latency("getUpdates", 50ms);
  constexpr int rounds = 10;
  auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i)
    f.ask(1, "/help", 5s); // the next message only after the reply, as a person types
  auto took = std::chrono::steady_clock::now() - began;
  BOOST_TEST(f.telegram.sent(1).size() == static_cast<size_t>(rounds + 1));
  // About 1 s when polling at once, about 6 s with a 500 ms wait per round.
  BOOST_TEST(
      (took < 3500ms), "10 rounds took "
                           << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                           << " ms");
}

// Only updates that may have been handled before a restart are checked
// against the database: a reply never waits for it (locks, vacuum, a slow disk).
BOOST_AUTO_TEST_CASE(replies_do_not_wait_for_a_slow_database) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  f.ask(1, "/help"); // started: the highest handled id is known
  pqxx::connection holder{f.database.uri()};
  pqxx::work lock{holder};
  lock.exec("LOCK TABLE processed_updates IN ACCESS EXCLUSIVE MODE");
  for (int i = 0; i < 3; ++i) // each one a new getUpdates answer
    BOOST_TEST(contains(f.ask(2, "/help", 5s).plain_text, "/fixtures"));
  lock.abort();
  f.stop(); // the records follow once the table is free again
  f.start();
  f.ask(3, "/help");
  BOOST_TEST(f.telegram.sent(2).size() == 3u); // none answered twice after the restart
}

BOOST_AUTO_TEST_CASE(rate_limited_sends_arrive_exactly_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  f.telegram.fail_ratio("sendMessage", 0.1, 429, 1);
  for (int chat = 1; chat <= 60; ++chat)
    f.telegram.push_message(chat, "/help");
  BOOST_TEST(f.telegram.wait_for_total_sent(60, 60s) == 60u);
  for (int chat = 1; chat <= 60; ++chat)
    BOOST_TEST(f.telegram.sent(chat).size() == 1u);
  caf::scoped_actor self{*f.sys};
  self->request(f.bot.sender, 5s, stats_atom::value)
      .receive([](sender_stats& s) { BOOST_TEST(s.rate_limited > 0u); }, [](caf::error&) {});
}

BOOST_AUTO_TEST_CASE(conflicts_and_gateway_errors_on_getupdates_lose_nothing) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  f.ask(1, "/help");
  f.telegram.fail_next("getUpdates", 2, 409);
  f.telegram.fail_next("getUpdates", 2, 502);
  for (int chat = 1; chat <= 30; ++chat)
    f.telegram.push_message(chat, "/help");
  BOOST_TEST(f.telegram.wait_for_total_sent(31, 60s) == 31u);
  BOOST_TEST(f.telegram.sent(1).size() == 2u);
  for (int chat = 2; chat <= 30; ++chat)
    BOOST_TEST(f.telegram.sent(chat).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_restart_in_the_middle_answers_every_update_exactly_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  bot_fixture f;
  f.start();
  constexpr int updates = 300;
  for (int i = 0; i < updates; ++i)
    f.telegram.push_message(1 + i % 50, "/help");
  f.telegram.wait_for_total_sent(updates / 3, 30s);
  f.stop();  // SIGTERM's path, mid-run
  f.start(); // same database, same Telegram
  BOOST_TEST(f.telegram.wait_for_total_sent(updates, 60s) >= static_cast<size_t>(updates));
  BOOST_TEST(f.telegram.sent_count() == static_cast<size_t>(updates)); // none twice
  for (int chat = 1; chat <= 50; ++chat)
    BOOST_TEST(f.telegram.sent(chat).size() == static_cast<size_t>(updates / 50));
}

BOOST_AUTO_TEST_SUITE_END()
