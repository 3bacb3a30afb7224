// One conversation under virtual time, spawned directly, with scripted
// stand-ins for the football front, the sender, the database, the job registry
// and the dispatcher. By default the sender accepts every call at once; a test
// that wants to hold replies turns that off (hold_replies()).
#pragma once

#include "actors/conversation.hpp"
#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "tests/actor/football_answers.hpp"
#include "tests/actor/kit/scripted_actor.hpp"

#include <string>
#include <vector>

namespace phoenix::test {

using namespace std::chrono_literals;

struct conversation_fixture {
  static constexpr int64_t chat = 42;
  static constexpr int64_t user = 7;

  captured_log log;
  virtual_system vs;
  scripted<football_actor> football{vs};
  scripted<telegram_sender_actor> sender{vs};
  scripted<db_pool_actor> db{vs};
  scripted<job_registry_actor> jobs{vs};
  scripted<dispatcher_actor> dispatcher{vs};
  std::shared_ptr<conversation_config> config = std::make_shared<conversation_config>();
  conversation_actor conversation;
  caf::scoped_actor poller{*vs.sys, true};
  int64_t next_update_id = 100;
  int64_t sent_messages = 0;
  std::string user_zone; ///< what load_settings answers ("": football.timezone)

  conversation_fixture() {
    config->bot_username = "phoenix_bot";
    config->football = football.handle();
    config->sender = sender.handle();
    config->db = db.handle();
    config->jobs = jobs.handle();
    sender.answer_with([this](const caf::message& m) -> std::optional<caf::message> {
      if (!m.match_element<caf::atom_value>(0) ||
          m.get_as<caf::atom_value>(0) != tg_send_atom::value)
        return std::nullopt;
      return caf::make_message(accepted());
    });
    // /fixtures reads the user's zone first: none set, unless a test says otherwise.
    db.answer_with([this](const caf::message& m) -> std::optional<caf::message> {
      if (!m.match_elements<caf::atom_value, core::db::operation>() ||
          !std::holds_alternative<core::db::load_settings>(m.get_as<core::db::operation>(1)))
        return std::nullopt;
      core::db::reply settings;
      settings.bodies = {user_zone};
      return caf::make_message(settings);
    });
  }

  ~conversation_fixture() {
    caf::anon_send_exit(conversation, caf::exit_reason::user_shutdown);
    vs.run();
  }

  void start() {
    conversation =
        vs.sys->spawn(phoenix::conversation, std::shared_ptr<const conversation_config>{config},
                      chat, dispatcher.handle());
    vs.run();
  }

  /// From now on the sender holds every call until the test answers it.
  void hold_replies() { sender.answer_with(nullptr); }

  /// Telegram took the message.
  send_report accepted() {
    send_report report;
    report.ok = true;
    report.message_id = ++sent_messages;
    return report;
  }

  /// A message in the chat (a private chat unless `chat_type` says otherwise).
  core::telegram_update message(const std::string& text, const std::string& chat_type = "private") {
    core::telegram_update u;
    u.update_id = next_update_id++;
    u.type = core::telegram_update::kind::message;
    u.chat_id = chat;
    u.chat_type = chat_type;
    u.user_id = user;
    u.first_name = "Ann";
    u.message_id = u.update_id + 1000;
    u.text = text;
    u.date = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    return u;
  }

  /// A tap on an inline button of a bot's message in the chat.
  core::telegram_update button(const std::string& data) {
    auto u = message("");
    u.type = core::telegram_update::kind::callback_query;
    u.callback_id = "cb" + std::to_string(u.update_id);
    u.callback_data = data;
    u.date = 0;
    return u;
  }

  /// Hands the update to the conversation, as the dispatcher does, and runs.
  const core::telegram_update& push(const core::telegram_update& u) {
    poller->send(conversation, tg_update_atom::value, u);
    vs.run();
    return u;
  }
  core::telegram_update say(const std::string& text) { return push(message(text)); }

  /// Every call the conversation gave the sender, in order.
  std::vector<outgoing_call> calls() const {
    std::vector<outgoing_call> out;
    for (auto& r : sender.all())
      if (r.is<caf::atom_value, outgoing_call>())
        out.push_back(r.get<outgoing_call>(1));
    return out;
  }

  /// The sendMessage calls only.
  std::vector<outgoing_call> replies() const {
    std::vector<outgoing_call> out;
    for (auto& c : calls())
      if (c.method == "sendMessage")
        out.push_back(c);
    return out;
  }

  /// The body of a one-part reply to message `message_id` with `html`.
  static std::string reply_body(int64_t message_id, const std::string& html,
                                const core::inline_keyboard& keyboard = {}) {
    return core::send_message_body(chat, html, message_id, keyboard);
  }

  /// The update ids reported done to the dispatcher, in order.
  std::vector<int64_t> done() const {
    std::vector<int64_t> ids;
    for (auto& r : dispatcher.all())
      if (r.is<caf::atom_value, int64_t, int64_t>() &&
          r.get<caf::atom_value>(0) == tg_done_atom::value) {
        BOOST_TEST(r.get<int64_t>(2) == chat);
        ids.push_back(r.get<int64_t>(1));
      }
    return ids;
  }

  /// How often the conversation told the dispatcher it is idle.
  size_t idle_reports() const {
    size_t n = 0;
    for (auto& r : dispatcher.all())
      n += r.is<caf::atom_value, int64_t>() && r.get<caf::atom_value>(0) == idle_atom::value;
    return n;
  }

  /// The football query the conversation asked last (fails when none came).
  core::football_query next_query() {
    auto [query, asker] =
        football.next_as<football_get_atom, core::football_query, football_asker>();
    BOOST_TEST(asker.user == user);
    BOOST_TEST((asker.patience == config->answer_timeout));
    return query;
  }

  /// The request log rows the conversation wrote (fire and forget).
  std::vector<core::db::request_row> request_log() const {
    std::vector<core::db::request_row> rows;
    for (auto& r : db.all())
      if (r.is<caf::atom_value, core::db::operation>())
        if (auto* log = std::get_if<core::db::log_requests>(&r.get<core::db::operation>(1)))
          rows.insert(rows.end(), log->rows.begin(), log->rows.end());
    return rows;
  }
};

} // namespace phoenix::test
