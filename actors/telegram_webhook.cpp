#include "actors/telegram_webhook.hpp"

#include "core/telegram/update_record.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

namespace db = core::db;
using self_pointer = telegram_webhook_actor::stateful_pointer<telegram_webhook_state>;

void count(webhook_stats& stats, const core::webhook_outcome& outcome) {
  switch (outcome.status) {
  case 200:
    ++stats.ok;
    stats.ack_latency.observe(outcome.latency);
    return;
  case 400:
    ++stats.bad_request;
    return;
  case 401:
    ++stats.unauthorized;
    return;
  case 403:
    ++stats.forbidden;
    return;
  case 404:
    ++stats.not_found;
    return;
  case 405:
    ++stats.not_allowed;
    return;
  case 413:
    ++stats.too_large;
    return;
  default:
    ++stats.unavailable;
  }
}

// Committed (or handled before): the poller takes it, then Telegram hears 200.
// The poller gets it first: Telegram sends a chat's next update only after
// this answer, so the chat's order holds.
void commit(self_pointer self, core::telegram_update update,
            core::webhook_server::responder respond) {
  auto& st = self->state;
  auto id = update.update_id;
  db::keep_pushed_update op{st.config.bot_id, id, core::encode_update_record(update),
                            !st.config.active};
  self->request(st.config.db, st.config.store_deadline, db_atom::value,
                db::operation{std::move(op)})
      .then(
          [self, update = std::move(update), respond](db::reply& r) {
            if (!r.ok()) {
              spdlog::warn("telegram_webhook: 503 for update {}: the database did not keep it "
                           "({}); Telegram delivers it again",
                           update.update_id, r.message);
              return respond(503, "database: " + r.message);
            }
            auto& st = self->state;
            if (r.count == 0)
              ++st.stats.repeats; // handled before
            else if (st.config.active) {
              // The poller takes a standby's older updates first; this waits behind them.
              if (r.waiting > 0)
                self->send(st.config.poller, tg_wake_atom::value);
              self->send(st.config.poller, tg_push_atom::value, update);
            }
            // else: the commit woke the active instance, which takes it from the inbox
            respond(200, "");
          },
          [id, respond](const caf::error& err) {
            spdlog::warn("telegram_webhook: 503 for update {}: the database did not answer in "
                         "time ({}); Telegram delivers it again",
                         id, caf::to_string(err));
            respond(503, "database did not answer");
          });
}

} // namespace

telegram_webhook_actor::behavior_type telegram_webhook(self_pointer self,
                                                       telegram_webhook_config config) {
  self->state.config = std::move(config);
  return {
      [self](tg_hook_atom, webhook_request& request) {
        std::string problem;
        auto update = core::decode_webhook_update(request.body, &problem);
        if (!update) {
          // Never 5xx: Telegram would deliver a body that never parses forever.
          spdlog::warn("telegram_webhook: 400: {}", problem);
          return request.respond(400, problem);
        }
        if (!problem.empty()) // kept and confirmed without an answer, as getUpdates does
          spdlog::warn("telegram_webhook: {}", problem);
        commit(self, std::move(*update), std::move(request.respond));
      },
      [self](tg_hooked_atom, const core::webhook_outcome& outcome) {
        count(self->state.stats, outcome);
        // 400 and 503 were told where they were decided; refusals here, never the secret.
        if (outcome.status != 200 && outcome.status != 400 && outcome.status != 503)
          spdlog::warn("telegram_webhook: {} for a request from {}: {}", outcome.status,
                       outcome.peer, outcome.reason);
      },
      [self](leader_atom, int64_t) { self->state.config.active = true; },
      [self](stats_atom) { return self->state.stats; },
  };
}

} // namespace phoenix
