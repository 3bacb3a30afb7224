// The dispatcher under virtual time: a conversation that dies reports its
// updates (handed to a new one, or given up after a second death), so the
// poller's low watermark keeps moving; replies made from memory for a chat
// with nothing in flight come from the dispatcher itself, in the chat's
// order; the flood guard screens every chat's commands by user.
#include "actors/dispatcher.hpp"
#include "core/bot/bot_text.hpp"
#include "tests/actor/cache_fixture.hpp"
#include "tests/actor/football_answers.hpp"
#include "tests/actor/kit/scripted_actor.hpp"

namespace phoenix::test {

namespace {

// /live needs API-Football: its chat's conversation carries it out.
core::telegram_update message_update(int64_t update_id, int64_t chat_id,
                                     const std::string& text = "/live") {
  core::telegram_update u;
  u.update_id = update_id;
  u.type = core::telegram_update::kind::message;
  u.chat_id = chat_id;
  u.chat_type = "private";
  u.user_id = chat_id;
  u.message_id = update_id;
  u.text = text;
  return u;
}

struct dispatcher_fixture {
  captured_log log;
  virtual_system vs;
  scripted<telegram_sender_actor> sender{vs};
  scripted<db_pool_actor> db{vs};
  scripted<football_actor> football{vs};
  int hold_next = 0; ///< replies the sender holds (never answers) before it answers ok
  dispatcher_actor dispatcher;
  caf::scoped_actor poller{*vs.sys, true}; ///< sends the updates, gets tg_done

  dispatcher_fixture() {
    sender.answer_with([this](const caf::message&) -> std::optional<caf::message> {
      if (hold_next > 0) {
        --hold_next;
        return std::nullopt;
      }
      return caf::make_message(send_report{true, 0, {}, 1});
    });
    db.answer_with([](const caf::message&) { return caf::make_message(core::db::reply{}); });
    football.answer_with([](const caf::message&) -> std::optional<caf::message> {
      return caf::make_message(error_answer(core::football_errc::http_status, "503"));
    });
    // Conversations linger here so that the tests can watch them.
    start(std::chrono::minutes{5});
  }

  /// A new dispatcher whose conversations stop `linger` after their last update.
  void start(caf::timespan linger) {
    if (dispatcher)
      caf::anon_send_exit(dispatcher, caf::exit_reason::user_shutdown);
    auto config = std::make_shared<conversation_config>();
    config->commands_per_minute = 3;
    config->idle_timeout = linger;
    config->sender = sender.handle();
    config->football = football.handle();
    config->db = db.handle();
    dispatcher = vs.sys->spawn(phoenix::dispatcher, config);
    vs.run();
  }

  /// Whether the actor at `address` has stopped.
  bool stopped(const caf::actor_addr& address) {
    poller->monitor(address);
    vs.run();
    bool down = false;
    poller->receive([&](caf::down_msg&) { down = true; },
                    caf::after(std::chrono::seconds{0}) >> [] {});
    return down;
  }

  ~dispatcher_fixture() {
    caf::anon_send_exit(dispatcher, caf::exit_reason::user_shutdown);
    vs.run();
  }

  void push(int64_t update_id, int64_t chat_id, const std::string& text = "/live") {
    poller->send(dispatcher, tg_update_atom::value, message_update(update_id, chat_id, text));
    vs.run();
  }

  /// Fails the conversation that made sender call `index` (default: the
  /// newest), as an exception escaping one of its handlers would.
  void kill_conversation(std::optional<size_t> index = std::nullopt) {
    BOOST_REQUIRE(sender.count() > 0);
    auto& call = sender.all()[index.value_or(sender.count() - 1)];
    poller->send_exit(call.from, caf::exit_reason::unhandled_exception);
    vs.run();
  }

  /// The update ids reported done so far.
  std::vector<int64_t> done() {
    std::vector<int64_t> ids;
    bool more = true;
    while (more)
      poller->receive([&](tg_done_atom, int64_t id, int64_t) { ids.push_back(id); },
                      caf::after(std::chrono::seconds{0}) >> [&] { more = false; });
    return ids;
  }

  dispatcher_stats stats() { return vs.ask<dispatcher_stats>(dispatcher, stats_atom::value); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(dispatcher_tests, dispatcher_fixture)

BOOST_AUTO_TEST_CASE(a_dead_conversations_updates_go_to_a_new_one) {
  hold_next = 1; // the first reply is never answered
  push(1, 42);
  push(2, 42); // waits behind update 1 in the same conversation
  BOOST_TEST(sender.count() == 1u);
  BOOST_TEST(stats().queued == 2u);
  kill_conversation();
  // A new conversation handles both, in order.
  BOOST_TEST(sender.count() == 3u);
  BOOST_TEST((sender.all()[1].from != sender.all()[0].from));
  BOOST_TEST((done() == std::vector<int64_t>{1, 2}));
  auto s = stats();
  BOOST_TEST(s.queued == 0u);
  BOOST_TEST(s.failed == 0u);
}

BOOST_AUTO_TEST_CASE(an_update_that_kills_its_conversation_twice_is_given_up) {
  hold_next = 2;
  push(7, 42);
  push(8, 42);
  kill_conversation();
  BOOST_TEST(done().empty()); // handed to a second conversation, held again
  kill_conversation();
  // Update 7 is reported (so the watermark moves) and counted; 8 is answered.
  BOOST_TEST((done() == std::vector<int64_t>{7, 8}));
  BOOST_TEST(stats().failed == 1u);
  BOOST_TEST(log.lines_with("update 7 of chat 42 given up") == 1u);
}

BOOST_AUTO_TEST_CASE(other_chats_are_not_touched) {
  hold_next = 1;
  push(1, 42);
  push(2, 43); // answered at once
  BOOST_TEST((done() == std::vector<int64_t>{2}));
  kill_conversation(0); // chat 42's, not 43's
  BOOST_TEST((done() == std::vector<int64_t>{1}));
  BOOST_TEST(stats().chats == 2u);
}

BOOST_AUTO_TEST_CASE(a_quick_command_of_an_idle_chat_is_answered_without_a_conversation) {
  hold_next = 1;
  push(1, 42, "/help");
  BOOST_REQUIRE_EQUAL(sender.count(), 1u);
  auto& call = sender.all()[0];
  BOOST_TEST((call.from == dispatcher.address())); // not a conversation
  auto sent = call.get<outgoing_call>(1);
  BOOST_TEST(sent.quick);
  BOOST_TEST(call.urgent); // ahead of the conversations' data replies at the sender
  BOOST_TEST(sent.body == core::send_message_body(42, core::help_text(), 1, {}));
  BOOST_TEST(stats().chats == 0u);
  BOOST_TEST(done().empty()); // done once Telegram took it
  sender.reply(sender.all()[0], send_report{true, 0, {}, 1});
  vs.run();
  BOOST_TEST((done() == std::vector<int64_t>{1}));
  BOOST_TEST(stats().queued == 0u);
}

BOOST_AUTO_TEST_CASE(a_chats_next_update_waits_for_its_reply_from_memory) {
  hold_next = 1;
  push(1, 42, "/help");
  push(2, 42, "/live");
  push(3, 42, "/help"); // behind /live now: the conversation's
  BOOST_TEST(!football.has_next());
  BOOST_TEST(stats().queued == 3u);
  sender.reply(sender.all()[0], send_report{true, 0, {}, 1});
  vs.run();
  BOOST_REQUIRE(football.has_next()); // /live went on, then /help after it
  BOOST_REQUIRE_EQUAL(sender.count(), 3u);
  BOOST_TEST((sender.all()[2].from == sender.all()[1].from));
  BOOST_TEST((done() == std::vector<int64_t>{1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(without_linger_a_conversation_stops_once_its_reply_is_confirmed) {
  start(caf::timespan::zero()); // the shipped handlers.idle-timeout
  hold_next = 1;
  push(1, 42); // /live: its conversation asks API-Football, then replies
  BOOST_REQUIRE_EQUAL(sender.count(), 1u);
  auto conversation = sender.all()[0].from;
  BOOST_TEST(stats().chats == 1u); // the reply is in flight
  BOOST_TEST(!stopped(conversation));
  sender.reply(sender.all()[0], send_report{true, 0, {}, 1});
  vs.run();
  BOOST_TEST((done() == std::vector<int64_t>{1}));
  BOOST_TEST(stats().chats == 0u);
  BOOST_TEST(stopped(conversation));
}

BOOST_AUTO_TEST_CASE(conversations_stop_with_their_dispatcher) {
  hold_next = 1;
  push(1, 42); // its conversation lingers (5 min) with a reply in flight
  BOOST_REQUIRE_EQUAL(sender.count(), 1u);
  auto conversation = sender.all()[0].from;
  BOOST_TEST(!stopped(conversation));
  caf::anon_send_exit(dispatcher, caf::exit_reason::kill);
  vs.run();
  BOOST_TEST(stopped(conversation));
}

BOOST_AUTO_TEST_CASE(without_linger_a_chats_queue_keeps_one_conversation_and_its_order) {
  start(caf::timespan::zero());
  hold_next = 1;
  push(1, 42);
  push(2, 42); // queued behind 1: the same conversation takes it
  sender.reply(sender.all()[0], send_report{true, 0, {}, 1});
  vs.run();
  BOOST_REQUIRE_EQUAL(sender.count(), 2u);
  BOOST_TEST((sender.all()[1].from == sender.all()[0].from));
  BOOST_TEST(stats().chats == 0u);
  push(3, 42); // the chat's next update: a new conversation
  BOOST_REQUIRE_EQUAL(sender.count(), 3u);
  BOOST_TEST((sender.all()[2].from != sender.all()[0].from));
  BOOST_TEST((done() == std::vector<int64_t>{1, 2, 3}));
  BOOST_TEST(stats().chats == 0u);
}

BOOST_AUTO_TEST_CASE(the_flood_guard_counts_a_users_commands_in_every_chat_not_chatter) {
  auto in_group = [&](int64_t id, const std::string& text) {
    auto u = message_update(id, -100, text);
    u.chat_type = "group";
    u.user_id = 7;
    poller->send(dispatcher, tg_update_atom::value, u);
    vs.run();
  };
  for (int i = 1; i <= 3; ++i)
    in_group(i, "what a goal"); // not for the bot, not counted
  in_group(4, "/help");
  in_group(5, "/help");
  push(6, 7, "/help");  // the same user in a private chat: the third command
  in_group(7, "/help"); // warned once
  in_group(8, "/help"); // then ignored
  BOOST_REQUIRE_EQUAL(sender.count(), 4u);
  BOOST_TEST(sender.all()[3].get<outgoing_call>(1).body ==
             core::send_message_body(-100, core::flood_warning_text(), 7, {}));
  BOOST_TEST(done().size() == 8u); // every update is done, answered or not
  vs.advance(std::chrono::seconds{60});
  in_group(9, "/help");
  BOOST_TEST(sender.count() == 5u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
