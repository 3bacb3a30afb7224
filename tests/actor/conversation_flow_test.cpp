// A conversation's pace: one update at a time in order, the flood marks, the
// retry window of an old update, the football front's deadline, the idle
// timer and replies Telegram refuses; all in virtual time.
#include "tests/actor/conversation_fixture.hpp"

namespace phoenix::test {

BOOST_FIXTURE_TEST_SUITE(conversation_actor_tests, conversation_fixture)

BOOST_AUTO_TEST_CASE(a_second_update_waits_until_the_first_ones_reply_is_sent) {
  hold_replies();
  start();
  auto live = say("/live");
  auto help = say("/help");
  next_query();
  BOOST_TEST(replies().empty()); // /help is quick, but its turn has not come
  football.reply(football.last(), data_answer(project_payload(core::query_kind::live_fixtures,
                                                              "fixtures-live.json")));
  BOOST_REQUIRE_EQUAL(replies().size(), 1u); // /live's reply, held by the sender
  BOOST_TEST(done().empty());
  sender.reply(sender.next(), accepted());
  BOOST_TEST((done() == std::vector<int64_t>{live.update_id}));
  BOOST_REQUIRE_EQUAL(replies().size(), 2u);
  BOOST_TEST(replies()[1].body == reply_body(help.message_id, core::help_text()));
  sender.reply(sender.next(), accepted());
  BOOST_TEST((done() == std::vector<int64_t>{live.update_id, help.update_id}));
}

BOOST_AUTO_TEST_CASE(group_chatter_is_done_without_a_reply_and_a_warned_command_gets_the_warning) {
  start();
  auto chatter = message("what a goal", "group");
  push(chatter);
  BOOST_TEST(replies().empty()); // chatter in a group is not for the bot
  auto fast = message("/live", "group");
  fast.too_fast = true; // the dispatcher's flood guard warned it
  push(fast);
  BOOST_REQUIRE_EQUAL(replies().size(), 1u);
  BOOST_TEST(replies()[0].body == reply_body(fast.message_id, core::flood_warning_text()));
  BOOST_TEST(!football.has_next()); // the warned command is not carried out
  BOOST_TEST((done() == std::vector<int64_t>{chatter.update_id, fast.update_id}));
}

BOOST_AUTO_TEST_CASE(a_chats_full_queue_gets_the_notice) {
  start();
  auto full = message("/live");
  full.flood_notice = true;
  push(full);
  BOOST_REQUIRE_EQUAL(replies().size(), 1u);
  BOOST_TEST(replies()[0].body == reply_body(full.message_id, core::queue_full_text()));
  BOOST_TEST(!football.has_next()); // the skipped command is not carried out
  BOOST_TEST((done() == std::vector<int64_t>{full.update_id}));
}

BOOST_AUTO_TEST_CASE(a_reply_may_be_retried_only_until_its_update_is_max_age_old) {
  config->update_max_age = 1h;
  start();
  say("/help");
  auto old = message("/help");
  old.date -= 2 * 3600; // replayed after a long outage
  push(old);
  auto tap = button("nonsense"); // a callback has no date: its age is unknown
  push(tap);
  auto got = replies();
  BOOST_REQUIRE_EQUAL(got.size(), 3u);
  BOOST_TEST(got[0].retry_for.count() <= 3'600'000);
  BOOST_TEST(got[0].retry_for.count() > 3'540'000);
  BOOST_TEST(got[1].retry_for.count() == 1); // one try, never retried
  BOOST_TEST(got[1].body == reply_body(old.message_id, core::help_text()));
  BOOST_TEST(got[2].retry_for.count() == 3'600'000);
}

BOOST_AUTO_TEST_CASE(no_football_answer_within_answer_timeout_is_slow_to_answer) {
  config->answer_timeout = 30s;
  start();
  auto stats = say("/stats 1149519");
  next_query();
  vs.advance(29s);
  BOOST_TEST(replies().empty());
  BOOST_TEST(done().empty());
  vs.advance(1s);
  BOOST_REQUIRE_EQUAL(replies().size(), 1u);
  BOOST_TEST(replies()[0].body == reply_body(stats.message_id, core::answer_timeout_text()));
  BOOST_TEST(request_log().back().outcome == "timeout");
  BOOST_TEST((done() == std::vector<int64_t>{stats.update_id}));
  // The late answer changes nothing.
  football.reply(football.last(),
                 data_answer(project_payload(core::query_kind::fixture_by_id,
                                             "fixtures-by-ids-with-details.json")));
  BOOST_TEST(replies().size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_idle_timer_reports_idle_after_idle_timeout_and_not_while_busy) {
  config->idle_timeout = 5min;
  config->answer_timeout = 1h;
  start();
  say("/help");
  vs.advance(4min);
  say("/help"); // quiet again from here: the first timer no longer counts
  vs.advance(2min);
  BOOST_TEST(idle_reports() == 0u);
  say("/live");
  next_query();
  vs.advance(10min); // busy waiting for football: never idle
  BOOST_TEST(idle_reports() == 0u);
  football.reply(football.last(), data_answer(project_payload(core::query_kind::live_fixtures,
                                                              "fixtures-live.json")));
  vs.advance(5min - 1ms);
  BOOST_TEST(idle_reports() == 0u);
  vs.advance(1ms);
  BOOST_REQUIRE_EQUAL(idle_reports(), 1u);
  auto& last = dispatcher.all().back();
  BOOST_TEST(last.get<int64_t>(1) == chat);
  BOOST_TEST(!last.is_request);
}

BOOST_AUTO_TEST_CASE(a_reply_telegram_refuses_ends_its_update_and_the_next_one_goes) {
  hold_replies();
  start();
  auto first = say("/help");
  auto second = say("/start");
  send_report blocked;
  blocked.error_code = 403;
  blocked.description = "Forbidden: bot was blocked by the user";
  sender.reply(sender.next(), blocked);
  BOOST_TEST(request_log().back().outcome == "blocked");
  BOOST_TEST((done() == std::vector<int64_t>{first.update_id}));
  BOOST_REQUIRE_EQUAL(replies().size(), 2u); // the next update is handled
  sender.fail(sender.next(), caf::sec::request_timeout);
  BOOST_TEST(request_log().back().outcome == "send failed");
  BOOST_TEST((done() == std::vector<int64_t>{first.update_id, second.update_id}));
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
