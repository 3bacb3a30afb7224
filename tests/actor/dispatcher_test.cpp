// The dispatcher under virtual time: a conversation that dies reports its
// updates (handed to a new one, or given up after a second death), so the
// poller's low watermark keeps moving.
#include "actors/dispatcher.hpp"
#include "tests/actor/cache_fixture.hpp"
#include "tests/actor/telegram_sender_stub.hpp"

namespace phoenix::test {

namespace {

core::telegram_update help_update(int64_t update_id, int64_t chat_id) {
  core::telegram_update u;
  u.update_id = update_id;
  u.type = core::telegram_update::kind::message;
  u.chat_id = chat_id;
  u.chat_type = "private";
  u.user_id = chat_id;
  u.message_id = update_id;
  u.text = "/help";
  return u;
}

struct dispatcher_fixture {
  captured_log log;
  virtual_system vs;
  std::shared_ptr<sender_script> script = std::make_shared<sender_script>();
  telegram_sender_actor sender;
  db_pool_actor db;
  dispatcher_actor dispatcher;
  caf::scoped_actor poller{*vs.sys, true}; ///< sends the updates, gets tg_done

  dispatcher_fixture() {
    auto config = std::make_shared<conversation_config>();
    config->sender = sender = vs.sys->spawn(telegram_sender_stub, script);
    config->db = db = vs.sys->spawn(quiet_db_pool);
    dispatcher = vs.sys->spawn(phoenix::dispatcher, config);
    vs.sched->run();
  }

  ~dispatcher_fixture() {
    // Every actor must end, or the actor system waits for it forever.
    caf::anon_send_exit(dispatcher, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(sender, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(db, caf::exit_reason::user_shutdown);
    vs.sched->run();
  }

  void push(int64_t update_id, int64_t chat_id) {
    poller->send(dispatcher, tg_update_atom::value, help_update(update_id, chat_id));
    vs.sched->run();
  }

  /// Fails the conversation that made the newest sender call, as an
  /// exception escaping one of its handlers would.
  void kill_conversation() {
    BOOST_REQUIRE(!script->calls.empty());
    poller->send_exit(script->calls.back().from, caf::exit_reason::unhandled_exception);
    vs.sched->run();
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
  script->answers = {std::nullopt}; // the first reply is never answered
  push(1, 42);
  push(2, 42); // waits behind update 1 in the same conversation
  BOOST_TEST(script->calls.size() == 1u);
  BOOST_TEST(stats().queued == 2u);
  kill_conversation();
  // A new conversation handles both, in order.
  BOOST_TEST(script->calls.size() == 3u);
  BOOST_TEST((script->calls[1].from != script->calls[0].from));
  BOOST_TEST((done() == std::vector<int64_t>{1, 2}));
  auto s = stats();
  BOOST_TEST(s.queued == 0u);
  BOOST_TEST(s.failed == 0u);
}

BOOST_AUTO_TEST_CASE(an_update_that_kills_its_conversation_twice_is_given_up) {
  script->answers = {std::nullopt, std::nullopt};
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
  script->answers = {std::nullopt};
  push(1, 42);
  push(2, 43); // answered at once
  BOOST_TEST((done() == std::vector<int64_t>{2}));
  script->calls.erase(script->calls.begin() + 1); // kill chat 42's, not 43's
  kill_conversation();
  BOOST_TEST((done() == std::vector<int64_t>{1}));
  BOOST_TEST(stats().chats == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
