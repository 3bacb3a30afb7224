#include "actors/conversation.hpp"

#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "core/jobs/job_text.hpp"
#include "core/telegram/command_parser.hpp"
#include "core/text/html_text.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = conversation_actor::stateful_pointer<conversation_state>;
namespace db = core::db;

void next(self_pointer self);

bool is_group(const core::telegram_update& u) {
  return u.chat_type == "group" || u.chat_type == "supergroup";
}

// The update is handled: log it, tell the dispatcher, take the next one.
void finish(self_pointer self, const std::string& command, const std::string& arguments,
            const std::string& outcome) {
  auto& st = self->state;
  if (!st.current)
    return;
  auto& u = *st.current;
  auto latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(self->clock().now() - st.started);
  if (!command.empty()) // fire and forget: a database outage never stops a reply
    caf::anon_send(
        st.config->db, db_atom::value,
        db::operation{db::log_requests{{db::request_row{
            st.chat_id, command, arguments, static_cast<int64_t>(latency.count()), outcome}}}});
  self->send(st.dispatcher, tg_done_atom::value, u.update_id, st.chat_id);
  st.current.reset();
  next(self);
}

// How long a failing reply may still be retried: until the update (its
// message date; a callback has none) is handlers.max-update-age old. At least
// one try, even for an update replayed after a long outage.
std::chrono::milliseconds retry_time(self_pointer self) {
  auto& st = self->state;
  auto age = std::chrono::milliseconds{0};
  if (st.current->date > 0)
    age = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch() -
        std::chrono::seconds{st.current->date});
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(st.config->update_max_age) - age;
  return std::max(left, std::chrono::milliseconds{1});
}

// What became of a reply that Telegram did not take.
std::string failed_outcome(const send_report& report) {
  if (report.expired)
    return "expired";
  return report.error_code == 403 ? "blocked" : "refused";
}

// Sends the parts of a reply one after another (keyboard on the last), then
// finishes. Transient failures are the sender's to retry; a part that fails
// for good (or expires) ends the update: the rest would fail alike.
void send_parts(self_pointer self, std::shared_ptr<std::vector<std::string>> parts, size_t index,
                core::inline_keyboard keyboard, std::string command, std::string arguments,
                std::string outcome) {
  auto& st = self->state;
  if (index >= parts->size())
    return finish(self, command, arguments, outcome);
  auto& u = *st.current;
  bool last = index + 1 == parts->size();
  outgoing_call call{"sendMessage",
                     core::send_message_body(st.chat_id, (*parts)[index],
                                             index == 0 ? u.message_id : 0,
                                             last ? keyboard : core::inline_keyboard{}),
                     st.chat_id,
                     is_group(u),
                     retry_time(self),
                     !st.waited_for_data};
  self->request(st.config->sender, caf::infinite, tg_send_atom::value, std::move(call))
      .then(
          [=](send_report& report) {
            if (!report.ok)
              return finish(self, command, arguments, failed_outcome(report));
            send_parts(self, parts, index + 1, keyboard, command, arguments, outcome);
          },
          [=](const caf::error&) { finish(self, command, arguments, "send failed"); });
}

void reply(self_pointer self, const std::string& html, core::inline_keyboard keyboard,
           const std::string& command, const std::string& arguments, const std::string& outcome) {
  auto parts = std::make_shared<std::vector<std::string>>(core::split_message(html));
  send_parts(self, std::move(parts), 0, std::move(keyboard), command, arguments, outcome);
}

// Asks the football front, then renders; upstream errors become one sentence.
void ask_football(self_pointer self, core::football_action work, std::string command,
                  std::string arguments) {
  auto& st = self->state;
  auto& u = *st.current;
  football_asker asker{u.user_id != 0 ? u.user_id : st.chat_id, st.config->answer_timeout};
  auto render = std::move(work.render);
  self->request(st.config->football, st.config->answer_timeout, football_get_atom::value,
                std::move(work.query), asker)
      .then(
          [=](football_answer& answer) {
            self->state.waited_for_data = true;
            if (!answer.ok)
              return reply(self, core::error_text(answer.error), {}, command, arguments,
                           answer.error.code == core::football_errc::user_budget
                               ? "user budget"
                               : "upstream error");
            auto out = render(*answer.data);
            if (answer.stale)
              out.html +=
                  "\n\n" +
                  core::stale_note(std::chrono::duration_cast<std::chrono::seconds>(answer.age));
            reply(self, out.html, std::move(out.keyboard), command, arguments,
                  answer.stale ? "stale" : "ok");
          },
          [=](const caf::error&) {
            self->state.waited_for_data = true;
            reply(self, core::answer_timeout_text(), {}, command, arguments, "timeout");
          });
}

// Asks the job registry; a good answer becomes the reply through `render`.
template <class... Ts>
void ask_registry(self_pointer self, std::string command, std::string arguments,
                  decltype(core::job_action::render) render, Ts... xs) {
  self->request(self->state.config->jobs, std::chrono::seconds{10}, xs...)
      .then(
          [=](job_reply& r) {
            reply(self, r.ok ? render(r.id, r.jobs) : core::html_escape(r.message), {}, command,
                  arguments, r.ok ? "ok" : "refused");
          },
          [=](const caf::error&) {
            reply(self, core::html_escape(core::jobs_busy_refusal()), {}, command, arguments,
                  "busy");
          });
}

void ask_jobs(self_pointer self, core::job_action work, std::string command,
              std::string arguments) {
  auto chat = self->state.chat_id;
  auto& render = work.render;
  switch (work.op) {
  case core::job_op::create:
    return ask_registry(self, command, arguments, render, job_create_atom::value, chat, work.kind,
                        work.parameters);
  case core::job_op::get:
    return ask_registry(self, command, arguments, render, job_get_atom::value, work.job_id, chat);
  case core::job_op::list:
    return ask_registry(self, command, arguments, render, job_list_atom::value, chat);
  case core::job_op::cancel:
    return ask_registry(self, command, arguments, render, job_cancel_atom::value, work.job_id,
                        chat);
  }
}

// Carries out what a command's handler asked for; a new kind of work does not
// compile until it is handled here.
void run(self_pointer self, core::command_work work) {
  struct runner {
    self_pointer self;
    const std::string& command;
    const std::string& arguments;
    void operator()(core::reply_action& a) const {
      reply(self, a.html, {}, command, arguments, a.outcome);
    }
    void operator()(core::football_action& a) const {
      ask_football(self, std::move(a), command, arguments);
    }
    void operator()(core::job_action& a) const { ask_jobs(self, std::move(a), command, arguments); }
  };
  std::visit(runner{self, work.command, work.arguments}, work.action);
}

core::command_context context_of(self_pointer self) {
  auto& config = *self->state.config;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return {self->state.current->first_name, now, config.zone.offset_minutes_at(now),
          config.timezone};
}

void callback(self_pointer self) {
  auto& st = self->state;
  auto& u = *st.current;
  // Always answered, or the user's client shows a spinner.
  caf::anon_send(st.config->sender, tg_send_atom::value,
                 outgoing_call{"answerCallbackQuery",
                               core::answer_callback_query_body(u.callback_id, ""), 0, false,
                               std::chrono::milliseconds{0}, true});
  run(self, core::work_for_callback(u.callback_data));
}

void handle(self_pointer self) {
  auto& st = self->state;
  auto& u = *st.current;
  caf::anon_send(st.config->db, db_atom::value,
                 db::operation{db::upsert_users{
                     {{u.user_id != 0 ? u.user_id : st.chat_id, u.username, u.language}}}});
  auto now = self->clock().now();
  if (u.flood_notice) { // the chat's queue was full: one notice covers both limits
    if (st.flood->on_queue_full(u.user_id, now) == core::flood_guard::verdict::ignore)
      return finish(self, "", "", "");
    return reply(self, core::queue_full_text(), {}, "flood", "", "queue full");
  }
  bool is_callback = u.type == core::telegram_update::kind::callback_query;
  auto cmd = is_callback ? std::nullopt : core::parse_command(u.text, st.config->bot_username);
  if (is_callback || cmd) { // flood control counts commands only, never chatter
    auto verdict = st.flood->on_command(u.user_id, now);
    if (verdict == core::flood_guard::verdict::ignore)
      return finish(self, "", "", "");
    if (verdict == core::flood_guard::verdict::warn)
      return reply(self, core::flood_warning_text(), {}, "flood", "", "flood");
  }
  if (is_callback)
    return callback(self);
  if (cmd)
    return run(self, core::work_for_command(*cmd, context_of(self)));
  if (is_group(u)) // plain chatter in a group is not for us
    return finish(self, "", "", "");
  reply(self, core::not_a_command_text(), {}, "text", "", "not a command");
}

void arm_idle(self_pointer self) {
  auto& st = self->state;
  self->delayed_send(self, st.config->idle_timeout, idle_atom::value, ++st.idle_generation);
}

void next(self_pointer self) {
  auto& st = self->state;
  if (st.current)
    return;
  if (st.waiting.empty())
    return arm_idle(self);
  st.current = std::move(st.waiting.front());
  st.waiting.pop_front();
  st.started = self->clock().now();
  st.waited_for_data = false;
  ++st.idle_generation; // busy: older idle timers no longer count
  try {
    handle(self);
  } catch (const std::exception& e) {
    // A failing handler must not end the conversation.
    spdlog::error("conversation {}: update {} failed: {}", st.chat_id, st.current->update_id,
                  e.what());
    reply(self, core::handler_failed_text(), {}, "error", "", "handler failed");
  }
}

} // namespace

conversation_actor::behavior_type conversation(self_pointer self,
                                               std::shared_ptr<const conversation_config> config,
                                               int64_t chat_id, dispatcher_actor dispatcher) {
  auto& st = self->state;
  st.flood = std::make_unique<core::flood_guard>(config->commands_per_minute);
  st.config = std::move(config);
  st.chat_id = chat_id;
  st.dispatcher = std::move(dispatcher);
  return {
      [self](tg_update_atom, core::telegram_update& update) {
        self->state.waiting.push_back(std::move(update));
        next(self);
      },
      [self](idle_atom, uint64_t generation) {
        auto& st = self->state;
        if (generation == st.idle_generation && !st.current && st.waiting.empty())
          self->send(st.dispatcher, idle_atom::value, st.chat_id);
      },
  };
}

} // namespace phoenix
