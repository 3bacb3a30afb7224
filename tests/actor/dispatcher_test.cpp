// The dispatcher under virtual time: a conversation that dies reports its
// updates (handed to a new one, or given up after a second death), so the
// poller's low watermark keeps moving.
#include "actors/dispatcher.hpp"
#include "tests/actor/cache_fixture.hpp"
#include "tests/actor/kit/scripted_actor.hpp"

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
  scripted<telegram_sender_actor> sender{vs};
  scripted<db_pool_actor> db{vs};
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
    auto config = std::make_shared<conversation_config>();
    config->sender = sender.handle();
    config->db = db.handle();
    dispatcher = vs.sys->spawn(phoenix::dispatcher, config);
    vs.run();
  }

  ~dispatcher_fixture() {
    caf::anon_send_exit(dispatcher, caf::exit_reason::user_shutdown);
    vs.run();
  }

  void push(int64_t update_id, int64_t chat_id) {
    poller->send(dispatcher, tg_update_atom::value, help_update(update_id, chat_id));
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

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
