#include "actors/metrics.hpp"

#include "actors/metrics_render.hpp"
#include "core/ops/health.hpp"
#include "core/ops/process_stats.hpp"

#include <caf/all.hpp>
#include <functional>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = metrics_actor::stateful_pointer<metrics_state>;

// The answers of one request; `finish` runs once every asked actor answered
// or its deadline passed.
struct scrape {
  metrics_snapshot snapshot;
  size_t waiting = 0;
  std::function<void(const metrics_snapshot&)> finish;

  void one_done() {
    if (--waiting == 0)
      finish(snapshot);
  }
};

template <class Stats, class Handle>
void ask(self_pointer self, const Handle& actor, const std::shared_ptr<scrape>& job,
         std::optional<Stats> metrics_snapshot::*part) {
  ++job->waiting;
  self->request(actor, self->state.config.stats_deadline, stats_atom::value)
      .then(
          [job, part](Stats& stats) {
            job->snapshot.*part = std::move(stats);
            job->one_done();
          },
          [job](const caf::error&) { job->one_done(); });
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::health_inputs health_inputs_of(const metrics_snapshot& s, caf::timespan poll_timeout) {
  core::health_inputs in;
  in.standby = s.role == "standby";
  in.now_unix = unix_now();
  in.poll_timeout_seconds = std::chrono::duration_cast<std::chrono::seconds>(poll_timeout).count();
  in.poller_answered = s.poller.has_value();
  if (s.poller)
    in.last_poll_ok_unix = s.poller->last_poll_ok_unix;
  in.db_answered = s.db.has_value();
  if (s.db)
    in.db_last_ok_unix = s.db->last_ok_unix;
  return in;
}

// /healthz names the failing part only; the driver's reason (hosts, users) goes
// to the log, once per new reason, where the redactor masks passwords.
void log_new_db_error(self_pointer self, const metrics_snapshot& s, const core::health_inputs& in) {
  bool failing = in.db_last_ok_unix == 0 || in.now_unix - in.db_last_ok_unix > core::db_age_limit;
  if (!s.db || !failing || s.db->last_error.empty() ||
      s.db->last_error == self->state.logged_db_error)
    return;
  self->state.logged_db_error = s.db->last_error;
  spdlog::warn("metrics: database unavailable for /healthz: {}", s.db->last_error);
}

core::http_answer verdict_answer(const core::health_verdict& verdict) {
  return {verdict.ok ? 200 : 503, "text/plain; charset=utf-8", verdict.text};
}

// Health needs only the poller and the pool; /metrics asks everyone.
void answer(self_pointer self, metrics_request request) {
  auto path = request.target.substr(0, request.target.find('?'));
  auto job = std::make_shared<scrape>();
  auto& cfg = self->state.config;
  auto respond = std::move(request.respond);
  job->snapshot.role = self->state.role;
  job->snapshot.epoch = self->state.epoch;
  if (path == "/healthz" || path == "/readyz") {
    job->finish = [self, respond, path,
                   poll_timeout = cfg.poll_timeout](const metrics_snapshot& s) {
      auto in = health_inputs_of(s, poll_timeout);
      log_new_db_error(self, s, in);
      respond(verdict_answer(path == "/healthz" ? core::check_health(in) : core::check_ready(in)));
    };
  } else if (path == "/metrics") {
    job->finish = [respond](const metrics_snapshot& s) {
      auto complete = s;
      complete.resident_bytes = core::resident_bytes();
      complete.open_fds = core::open_fds();
      respond({200, "text/plain; version=0.0.4; charset=utf-8", render_metrics(complete)});
    };
    ask(self, cfg.dispatcher, job, &metrics_snapshot::dispatcher);
    ask(self, cfg.sender, job, &metrics_snapshot::sender);
    ask(self, cfg.football, job, &metrics_snapshot::football);
    ask(self, cfg.cache, job, &metrics_snapshot::cache);
    ask(self, cfg.jobs, job, &metrics_snapshot::jobs);
    if (cfg.webhook)
      ask(self, cfg.webhook, job, &metrics_snapshot::webhook);
    if (cfg.live)
      ask(self, cfg.live, job, &metrics_snapshot::live);
  } else {
    respond({404, "text/plain; charset=utf-8", "not found: try /metrics, /healthz or /readyz\n"});
    return;
  }
  ask(self, cfg.poller, job, &metrics_snapshot::poller);
  ask(self, cfg.db, job, &metrics_snapshot::db);
}

} // namespace

metrics_actor::behavior_type metrics(self_pointer self, metrics_config config) {
  self->state.config = std::move(config);
  self->state.role = self->state.config.role;
  self->send(self, health_ping_atom::value);
  return {
      [self](scrape_atom, metrics_request& request) { answer(self, std::move(request)); },
      [self](health_ping_atom) {
        auto& cfg = self->state.config;
        // The pool notes the answer (or the error) itself; nothing to do here.
        self->request(cfg.db, cfg.ping_interval, db_atom::value,
                      core::db::operation{core::db::ping{}})
            .then([](core::db::reply&) {}, [](const caf::error&) {});
        self->delayed_send(self, cfg.ping_interval, health_ping_atom::value);
      },
      [self](leader_atom, std::string& role, int64_t epoch) {
        self->state.role = std::move(role);
        self->state.epoch = epoch;
      },

  };
}

} // namespace phoenix
