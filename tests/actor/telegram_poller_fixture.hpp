// The poller under virtual time, with everything it talks to scripted: the
// Telegram edge (every Bot API call is held until the test answers it), the
// dispatcher and the lifecycle actor (they only record), and the database
// pool (it answers by `db_rule`, which a test may change; ok by default).
#pragma once

#include "actors/telegram_poller.hpp"
#include "core/telegram/update_record.hpp"
#include "tests/actor/kit/scripted_actor.hpp"
#include "tests/actor/kit/telegram_answers.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace phoenix::test {

namespace db = core::db;
using namespace std::chrono_literals;

/// A getUpdates without an offset.
inline constexpr int64_t no_offset = -1;

/// One Bot API call the poller made through the edge, held until answered.
struct bot_call {
  received request;
  std::string method; ///< the last part of the URL: getUpdates, getMe, ...
  std::string url;
  std::string body;

  /// A number of the JSON body ("offset", "limit", "timeout"), if present.
  std::optional<int64_t> number(const std::string& key) const {
    auto at = body.find("\"" + key + "\":");
    if (at == std::string::npos)
      return std::nullopt;
    return std::stoll(body.substr(at + key.size() + 3));
  }
  /// The offset it carries, or no_offset.
  int64_t offset() const { return number("offset").value_or(no_offset); }
  int64_t limit() const { return number("limit").value_or(-1); }
};

/// How the scripted database answers an operation: a reply, or nullopt to hold it.
using db_answer = std::function<std::optional<db::reply>(const db::operation&)>;

inline db::reply db_down() {
  db::reply r;
  r.error = db::errc::unavailable;
  r.message = "connection refused";
  return r;
}

/// An operation of this kind is held (the test answers it); the rest are ok.
template <class Op> db_answer hold_db() {
  return [](const db::operation& op) -> std::optional<db::reply> {
    if (std::holds_alternative<Op>(op))
      return std::nullopt;
    return db::reply{};
  };
}

/// A private chat's text message, as one item of a getUpdates result.
inline std::string text_update(int64_t update_id, int64_t chat_id, const std::string& text = "hi") {
  auto id = std::to_string(update_id);
  auto chat = std::to_string(chat_id);
  return R"({"update_id":)" + id + R"(,"message":{"message_id":)" + id +
         R"(,"date":1700000000,"chat":{"id":)" + chat + R"(,"type":"private"},"from":{"id":)" +
         chat + R"(,"first_name":"Ann"},"text":")" + text + "\"}}";
}

/// getUpdates' answer holding these items.
inline core::http_result updates(const std::vector<std::string>& items) {
  std::string result = "[";
  for (auto& item : items)
    result += (result.size() > 1 ? "," : "") + item;
  return bot_api_ok(result + "]");
}

/// A text update of chat `chat_id` for each id.
inline core::http_result updates_of(int64_t chat_id, const std::vector<int64_t>& ids) {
  std::vector<std::string> items;
  for (auto id : ids)
    items.push_back(text_update(id, chat_id));
  return updates(items);
}

/// A row of the database inbox: an update received before a restart.
inline std::string inbox_row(int64_t update_id, int64_t chat_id, const std::string& text) {
  auto decoded = core::decode_updates(R"({"ok":true,"result":[)" +
                                      text_update(update_id, chat_id, text) + "]}");
  return core::encode_update_record(decoded.updates.at(0));
}

struct poller_fixture {
  static constexpr int64_t bot_id = 555;

  captured_log log;
  virtual_system vs;
  scripted<telegram_edge_actor> edge{vs};
  scripted<dispatcher_actor> dispatcher{vs};
  scripted<db_pool_actor> db{vs};
  scripted<lifecycle_actor> lifecycle{vs};
  telegram_poller_config config;
  telegram_poller_actor poller;
  caf::scoped_actor user{*vs.sys, true};
  db_answer db_rule = [](const db::operation&) -> std::optional<db::reply> { return db::reply{}; };

  poller_fixture() {
    config.api_url = "http://telegram.test";
    config.token = "123:SECRET";
    config.edge = edge.handle();
    config.dispatcher = dispatcher.handle();
    config.db = db.handle();
    config.lifecycle = lifecycle.handle();
    db.answer_with([this](const caf::message& m) -> std::optional<caf::message> {
      if (!m.match_elements<caf::atom_value, db::operation>())
        return std::nullopt;
      auto answer = db_rule(m.get_as<db::operation>(1));
      if (!answer)
        return std::nullopt;
      return caf::make_message(*answer);
    });
  }
  ~poller_fixture() {
    if (poller)
      caf::anon_send_exit(poller, caf::exit_reason::user_shutdown);
  }

  void spawn_poller() {
    poller = vs.sys->spawn(telegram_poller, config);
    vs.run();
  }

  /// The next Bot API call (fails the test if there is none).
  bot_call next_call() {
    auto [request] = edge.next_as<http_atom, core::http_request>();
    bot_call call{edge.last(), "", request.url, request.body};
    call.method = request.url.substr(request.url.rfind('/') + 1);
    return call;
  }
  bot_call next_poll() {
    auto call = next_call();
    BOOST_REQUIRE_EQUAL(call.method, "getUpdates");
    return call;
  }
  void answer(const bot_call& call, core::http_result result) {
    edge.reply(call.request, std::move(result));
  }

  /// getMe's result for this bot.
  static core::http_result me() {
    return bot_api_ok(
        R"({"id":555,"is_bot":true,"first_name":"Phoenix","username":"phoenix_bot"})");
  }

  /// Spawns the poller and answers its start-up calls (getMe as `me_answer`).
  void start(core::http_result me_answer = me()) {
    spawn_poller();
    for (const char* method : {"deleteWebhook", "setMyCommands"}) {
      auto call = next_call();
      BOOST_REQUIRE_EQUAL(call.method, method);
      answer(call, bot_api_ok());
    }
    auto get_me = next_call();
    BOOST_REQUIRE_EQUAL(get_me.method, "getMe");
    answer(get_me, std::move(me_answer));
  }

  /// Update N of chat C is handled (as the dispatcher reports it).
  void done(int64_t update_id, int64_t chat_id) {
    caf::anon_send(poller, tg_done_atom::value, update_id, chat_id);
    vs.run();
  }

  /// Advances virtual time in steps until the poller makes a call (at most
  /// `most`); the milliseconds it took.
  int64_t ms_to_next_call(caf::timespan most, caf::timespan step = 10ms) {
    caf::timespan waited{0};
    while (!edge.has_next() && waited < most) {
      vs.advance(step);
      waited += step;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(waited).count();
  }

  /// Every update the dispatcher got, in order.
  std::vector<core::telegram_update> dispatched() const {
    std::vector<core::telegram_update> out;
    for (auto& r : dispatcher.all())
      if (r.is<caf::atom_value, core::telegram_update>())
        out.push_back(r.get<core::telegram_update>(1));
    return out;
  }
  std::vector<int64_t> dispatched_ids() const {
    std::vector<int64_t> ids;
    for (auto& u : dispatched())
      ids.push_back(u.update_id);
    return ids;
  }

  /// Every database operation of this kind the poller asked for, in order.
  template <class Op> std::vector<Op> db_ops() const {
    std::vector<Op> out;
    for (auto& r : db.all())
      if (r.is<caf::atom_value, db::operation>())
        if (auto* op = std::get_if<Op>(&r.get<db::operation>(1)))
          out.push_back(*op);
    return out;
  }
  /// Every id recorded as handled (mark_processed), in order.
  std::vector<int64_t> recorded_ids() const {
    std::vector<int64_t> ids;
    for (auto& op : db_ops<db::mark_processed>())
      ids.insert(ids.end(), op.update_ids.begin(), op.update_ids.end());
    return ids;
  }
  /// The oldest database request of this kind still waiting for an answer.
  template <class Op> received held_db() const {
    for (auto& r : db.all())
      if (r.is_request && !r.answered && r.is<caf::atom_value, db::operation>() &&
          std::holds_alternative<Op>(r.get<db::operation>(1)))
        return r;
    BOOST_FAIL("no such database request is waiting");
    return {};
  }

  /// The exit codes the lifecycle actor was told (fatal).
  std::vector<int> fatal_codes() const {
    std::vector<int> codes;
    for (auto& r : lifecycle.all())
      if (r.is<caf::atom_value, int>())
        codes.push_back(r.get<int>(1));
    return codes;
  }

  /// Asks the poller to stop (tg_stop); its answer comes by stop_answer().
  void stop() {
    user->send(poller, tg_stop_atom::value);
    vs.run();
  }
  /// The stop's answer (the final offset), if it came.
  std::optional<int64_t> stop_answer() {
    std::optional<int64_t> offset;
    while (user->mailbox().size() > 0)
      user->receive([&](int64_t x) { offset = x; },
                    [&](caf::error& e) { BOOST_FAIL(vs.sys->render(e)); });
    return offset;
  }

  poller_stats stats() { return vs.ask<poller_stats>(poller, stats_atom::value); }
};

} // namespace phoenix::test
