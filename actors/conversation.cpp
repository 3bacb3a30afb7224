#include "actors/conversation.hpp"

#include "actors/reply_steps.hpp"
#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "core/bot/subscription_text.hpp"
#include "core/bot/update_plan.hpp"
#include "core/jobs/job_text.hpp"
#include "core/text/html_text.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = conversation_actor::stateful_pointer<conversation_state>;
namespace db = core::db;

void next(self_pointer self);

// The update is handled: log it, tell the dispatcher, take the next one.
void finish(self_pointer self, const std::string& command, const std::string& arguments,
            const std::string& outcome) {
  auto& st = self->state;
  if (!st.current)
    return;
  auto latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(self->clock().now() - st.started);
  if (!command.empty())
    log_request(st.config->db, st.chat_id, command, arguments, latency, outcome);
  self->send(st.dispatcher, tg_done_atom::value, st.current->update_id, st.chat_id);
  st.current.reset();
  next(self);
}

// Sends the calls of a reply one after another, then finishes. Transient
// failures are the sender's to retry; a part that fails for good (or
// expires) ends the update: the rest would fail alike.
void send_parts(self_pointer self, std::shared_ptr<std::vector<outgoing_call>> calls, size_t index,
                std::string command, std::string arguments, std::string outcome) {
  auto& st = self->state;
  if (index >= calls->size())
    return finish(self, command, arguments, outcome);
  self->request(st.config->sender, caf::infinite, tg_send_atom::value, (*calls)[index])
      .then(
          [=](send_report& report) {
            if (!report.ok)
              return finish(self, command, arguments, failed_outcome(report));
            send_parts(self, calls, index + 1, command, arguments, outcome);
          },
          [=](const caf::error&) { finish(self, command, arguments, "send failed"); });
}

void reply(self_pointer self, const std::string& html, core::inline_keyboard keyboard,
           const std::string& command, const std::string& arguments, const std::string& outcome) {
  auto& st = self->state;
  auto calls = std::make_shared<std::vector<outgoing_call>>(
      reply_calls(*st.current, st.chat_id, html, keyboard,
                  retry_window(*st.current, st.config->update_max_age), !st.waited_for_data));
  send_parts(self, std::move(calls), 0, command, arguments, outcome);
}

// Asks the football front, then renders; upstream errors become one sentence.
void ask_football(self_pointer self, core::football_action work, std::string command,
                  std::string arguments) {
  auto& st = self->state;
  auto& u = *st.current;
  football_asker asker{u.user_id != 0 ? u.user_id : st.chat_id, st.config->answer_timeout};
  auto render = std::move(work.render);
  auto then = std::move(work.then);
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
            if (then)
              if (auto more = then(*answer.data))
                return ask_football(self, std::move(*more), command, arguments);
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
            // Handled again after a failover: the user was told (or the result
            // tells them); a second "started" would read as a second job.
            if (r.repeated)
              return finish(self, command, arguments, "repeated");
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
    return ask_registry(self, command, arguments, render, job_create_atom::value, chat,
                        self->state.current->update_id, work.kind, work.parameters);
  case core::job_op::get:
    return ask_registry(self, command, arguments, render, job_get_atom::value, work.job_id, chat);
  case core::job_op::list:
    return ask_registry(self, command, arguments, render, job_list_atom::value, chat);
  case core::job_op::cancel:
    return ask_registry(self, command, arguments, render, job_cancel_atom::value, work.job_id,
                        chat);
  }
}

// Asks the database; its answer becomes the reply through `render`.
void ask_db(self_pointer self, core::db_action work, std::string command, std::string arguments) {
  auto& st = self->state;
  auto render = std::move(work.render);
  self->request(st.config->db, st.config->settings_timeout, db_atom::value, std::move(work.op))
      .then(
          [=](db::reply& answer) {
            if (!answer.ok())
              return reply(self, core::settings_unavailable_text(), {}, command, arguments,
                           "database error");
            auto out = render(answer);
            reply(self, out.html, std::move(out.keyboard), command, arguments, "ok");
          },
          [=](const caf::error&) {
            reply(self, core::settings_unavailable_text(), {}, command, arguments, "timeout");
          });
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
    void operator()(core::db_action& a) const { ask_db(self, std::move(a), command, arguments); }
  };
  std::visit(runner{self, work.command, work.arguments}, work.action);
}

void callback(self_pointer self, core::command_work work) {
  auto& st = self->state;
  auto& u = *st.current;
  // Always answered, or the user's client shows a spinner.
  caf::anon_send(st.config->sender, tg_send_atom::value,
                 outgoing_call{"answerCallbackQuery",
                               core::answer_callback_query_body(u.callback_id, ""), 0, false,
                               std::chrono::milliseconds{0}, true});
  run(self, std::move(work));
}

void carry_out(self_pointer self, const std::string& user_zone) {
  auto& st = self->state;
  auto& u = *st.current;
  auto plan = core::plan_update(u, st.config->bot_username,
                                context_for(*st.config, u, st.chat_id, user_zone));
  switch (plan.what) {
  case core::update_plan::kind::nothing:
    return finish(self, "", "", "");
  case core::update_plan::kind::callback:
    return callback(self, std::move(plan.work));
  case core::update_plan::kind::reply:
  case core::update_plan::kind::work:
    return run(self, std::move(plan.work));
  }
}

// The dispatcher screened the update (flood guard); its plan says the rest.
// A reply showing times first reads the user's zone (an outage: the default).
void handle(self_pointer self) {
  auto& st = self->state;
  auto& u = *st.current;
  note_user(st.config->db, u, st.chat_id);
  if (!core::needs_user_zone(u, st.config->bot_username))
    return carry_out(self, "");
  const int64_t user = u.user_id != 0 ? u.user_id : st.chat_id;
  self->request(st.config->db, st.config->settings_timeout, db_atom::value,
                db::operation{db::load_settings{user, st.chat_id}})
      .then(
          [=](db::reply& answer) {
            carry_out(self, answer.ok() && !answer.bodies.empty() ? answer.bodies.front() : "");
          },
          [=](const caf::error&) { carry_out(self, ""); });
}

// With no linger (idle-timeout 0) the dispatcher ends the conversation once
// its last update is done: no timer needed.
void arm_idle(self_pointer self) {
  auto& st = self->state;
  if (st.config->idle_timeout == caf::timespan::zero())
    return;
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
