// The poller's start-up: deleteWebhook, setMyCommands, getMe, the stored
// offset and the inbox of updates from before a restart; and its Bot API calls.
#include "actors/telegram_poller_steps.hpp"
#include "core/bot_text.hpp"
#include "core/update_record.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix::telegram_poller_steps {

namespace db = core::db;

void call(self_pointer self, const std::string& method, std::string body,
          std::chrono::milliseconds timeout, bot_api_continuation next) {
  auto& st = self->state;
  auto id = st.next_call++;
  st.calls.emplace(id, std::move(next));
  core::http_request request;
  request.method = "POST";
  request.url = st.config.api_url + "/bot" + st.config.token + "/" + method;
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  request.timeout = timeout;
  auto handle = caf::actor_cast<telegram_poller_actor>(self);
  st.config.http->async_request(std::move(request), [handle, id](core::http_result result) {
    caf::anon_send(handle, http_done_atom::value, id, std::move(result));
  });
}

namespace {

// Updates received but not handled before a restart come first.
void resume_inbox(self_pointer self) {
  self->request(self->state.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{db::load_inbox{}})
      .then(
          [self](db::reply& r) {
            auto& st = self->state;
            for (size_t i = 0; r.ok() && i < r.bodies.size(); ++i) {
              auto update = core::decode_update_record(r.bodies[i]);
              if (!update)
                continue;
              st.in_flight.insert(update->update_id);
              st.received_at.emplace(update->update_id, self->clock().now());
              st.durable.insert(update->update_id);
              st.next_update = std::max(st.next_update, update->update_id + 1);
              self->send(st.config.dispatcher, tg_update_atom::value, *update);
            }
            if (r.ok() && !r.bodies.empty())
              spdlog::info("telegram_poller: {} update(s) from before the restart",
                           r.bodies.size());
            st.started = true;
            poll(self);
          },
          [self](const caf::error&) {
            self->state.started = true;
            poll(self);
          });
}

// Updates above the highest recorded id were never handled: they go to the
// dispatcher without a database round trip on the way to their reply.
void learn_handled_before_start(self_pointer self) {
  self->request(self->state.config.db, std::chrono::seconds{10}, db_atom::value,
                db::operation{db::max_processed{}})
      .then(
          [self](db::reply& r) {
            if (r.ok())
              self->state.handled_before_start = r.count;
            resume_inbox(self);
          },
          [self](const caf::error&) { resume_inbox(self); });
}

} // namespace

void start(self_pointer self) {
  auto& st = self->state;
  call(self, "deleteWebhook", "{}", std::chrono::seconds{15}, [](const core::bot_api_answer&) {});
  call(self, "setMyCommands", core::set_my_commands_body(core::menu_commands()),
       std::chrono::seconds{15}, [](const core::bot_api_answer&) {});
  call(self, "getMe", "{}", std::chrono::seconds{15}, [self](const core::bot_api_answer& me) {
    auto& st = self->state;
    if (!me.ok) {
      if (me.error_code == 401) {
        spdlog::critical("telegram_poller: the bot token was rejected (401 Unauthorized); "
                         "check TELEGRAM_BOT_TOKEN");
        self->send(st.config.lifecycle, fatal_atom::value, exit_token_rejected);
        return;
      }
      spdlog::warn("telegram_poller: getMe failed ({} {}), retrying", me.error_code,
                   me.description);
      st.poll_armed = false;
      ++st.stats.poll_errors;
      self->delayed_send(self, std::chrono::seconds{1}, tg_poll_atom::value);
      st.poll_armed = true;
      return;
    }
    st.bot_username = core::get_me_username(me.result_json);
    self->send(st.config.dispatcher, bot_name_atom::value, st.bot_username);
    spdlog::info("telegram_poller: polling as @{}", st.bot_username);
    self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                  db::operation{db::get_offset{}})
        .then(
            [self](db::reply& r) {
              auto& st = self->state;
              if (r.ok())
                st.next_update = std::max(st.next_update, r.count);
              learn_handled_before_start(self);
            },
            [self](const caf::error&) {
              self->state.started = true;
              poll(self);
            });
  });
  (void)st;
}

} // namespace phoenix::telegram_poller_steps
