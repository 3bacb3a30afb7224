// The poller's start-up: deleteWebhook, setMyCommands, getMe, the stored
// offset and the inbox of updates from before a restart; and its Bot API calls.
#include "actors/network_edge.hpp"
#include "actors/telegram_poller_steps.hpp"
#include "core/bot/bot_text.hpp"
#include "core/telegram/update_record.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>
#include <utility>

namespace phoenix::telegram_poller_steps {

namespace db = core::db;

constexpr std::chrono::seconds edge_margin{5};

void call(self_pointer self, const std::string& method, std::string body,
          std::chrono::milliseconds timeout, bot_api_continuation next) {
  auto& st = self->state;
  core::http_request request;
  request.method = "POST";
  request.url = st.config.api_url + "/bot" + st.config.token + "/" + method;
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  request.timeout = timeout;
  auto on_result = [next](const core::http_result& result) {
    core::bot_api_answer answer;
    if (result.ok())
      answer = core::parse_bot_api_answer(result.response.status, result.response.body);
    else
      answer.description = std::string{core::to_string(result.error)} + ": " + result.message;
    next(answer);
  };
  // The client's own timeout answers first; the margin only covers an edge that never does.
  // High priority: a getUpdates answer goes ahead of the sends' answers queued
  // at the edge and here, so a quick command is not kept behind a burst. A
  // caf::duration: CAF 0.17.6's request overload for std::chrono durations
  // drops the priority.
  self->request<caf::message_priority::high>(st.config.edge, caf::duration{timeout + edge_margin},
                                             http_atom::value, std::move(request))
      .then([on_result](core::http_result& result) { on_result(result); },
            [on_result](const caf::error& err) { on_result(http_failure(err)); });
}

void set_webhook(self_pointer self) {
  auto& st = self->state;
  auto& hook = *st.config.webhook;
  call(self, "setWebhook",
       core::set_webhook_body(hook.url, hook.secret_token, hook.max_connections),
       std::chrono::seconds{15}, [self](const core::bot_api_answer& answer) {
         auto& st = self->state;
         if (answer.ok) {
           st.webhook_set = true;
           st.webhook_backoff.reset();
           spdlog::info("telegram_poller: webhook set: Telegram POSTs updates to {}",
                        st.config.webhook->url);
           return;
         }
         auto wait = st.webhook_backoff.next(st.random);
         spdlog::warn("telegram_poller: setWebhook failed ({} {}), retrying in {} ms",
                      answer.error_code, answer.description, wait.count());
         self->delayed_send(self, wait, tg_sethook_atom::value);
       });
}

void start(self_pointer self) {
  // Polling: a webhook left set would make getUpdates answer 409. Nothing
  // pending is dropped (Telegram keeps it for getUpdates).
  if (!self->state.config.webhook)
    call(self, "deleteWebhook", core::delete_webhook_body(false), std::chrono::seconds{15},
         [](const core::bot_api_answer&) {});
  call(self, "setMyCommands", core::set_my_commands_body(core::menu_commands()),
       std::chrono::seconds{15}, [](const core::bot_api_answer&) {});
  call(self, "getMe", "{}", std::chrono::seconds{15}, [self](const core::bot_api_answer& me) {
    auto& st = self->state;
    if (!me.ok) {
      // 401: a revoked token; 404: a malformed one (Telegram knows no such bot).
      if (me.error_code == 401 || me.error_code == 404) {
        spdlog::critical("telegram_poller: the bot token was rejected ({} {}); check "
                         "TELEGRAM_BOT_TOKEN",
                         me.error_code, me.description);
        self->send(st.config.lifecycle, fatal_atom::value, exit_token_rejected);
        return;
      }
      auto wait = st.intake.start_failed();
      spdlog::warn("telegram_poller: getMe failed ({} {}), retrying in {} ms", me.error_code,
                   me.description, wait.count());
      schedule_poll(self, wait);
      return;
    }
    st.bot_username = core::get_me_username(me.result_json);
    st.bot_id = core::get_me_id(me.result_json);
    if (st.config.epoch > 0 && st.bot_id != st.config.leader_bot_id) {
      spdlog::critical("telegram_poller: getMe says bot {}, the token's number is {}: the "
                       "leadership fence would guard another bot's row",
                       st.bot_id, st.config.leader_bot_id);
      self->send(st.config.lifecycle, fatal_atom::value, exit_token_rejected);
      return;
    }
    self->send(st.config.dispatcher, bot_name_atom::value, st.bot_username);
    spdlog::info("telegram_poller: {} as @{}",
                 st.config.webhook ? "taking webhook updates" : "polling", st.bot_username);
    st.intake.start();
    poll(self);
    read_inbox(self);
  });
}

} // namespace phoenix::telegram_poller_steps
