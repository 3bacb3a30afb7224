#include "actors/job_registry.hpp"

#include "core/jobs/job_text.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/text/html_text.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = job_registry_actor::stateful_pointer<job_registry_state>;
using core::job_status;
namespace db = core::db;

int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return t == std::chrono::system_clock::time_point{}
             ? 0
             : std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

job_reply refusal(std::string message) {
  job_reply r;
  r.message = std::move(message);
  return r;
}

void persist(self_pointer self, int64_t id) {
  auto& st = self->state;
  if (auto* job = st.table->find(id); job && st.config.db)
    caf::anon_send(st.config.db, db_atom::value, db::operation{db::save_job{to_row(*job)}});
}

// Tells the owner how the job ended (the report itself, or one sentence).
void notify(self_pointer self, const core::job_record& job) {
  auto& st = self->state;
  if (!st.config.sender)
    return;
  for (auto& part : core::split_message(core::job_end_notice(job)))
    caf::anon_send(st.config.sender, tg_send_atom::value,
                   outgoing_call{"sendMessage",
                                 core::send_message_body(job.owner_chat, part, 0, {}),
                                 job.owner_chat, job.owner_chat < 0});
}

void end_job(self_pointer self, int64_t id, job_status status, std::string result);

void start_jobs(self_pointer self) {
  auto& st = self->state;
  while (auto id = st.table->start_next(std::chrono::system_clock::now(), self->clock().now())) {
    auto& job = *st.table->find(*id);
    auto runner = st.config.runners.find(job.kind);
    if (runner == st.config.runners.end()) {
      end_job(self, *id, job_status::failed, core::no_runner_result(job.kind));
      continue;
    }
    auto worker = runner->second(self, caf::actor_cast<job_registry_actor>(self), job);
    self->monitor(worker);
    st.workers[*id] = worker;
    persist(self, *id);
  }
}

void end_job(self_pointer self, int64_t id, job_status status, std::string result) {
  auto& st = self->state;
  if (!st.table->finish(id, status, std::move(result), std::chrono::system_clock::now(),
                        self->clock().now()))
    return;
  if (auto pos = st.workers.find(id); pos != st.workers.end()) {
    self->demonitor(pos->second);
    st.workers.erase(pos);
  }
  switch (status) {
  case job_status::done:
    ++st.totals.done;
    break;
  case job_status::failed:
    ++st.totals.failed;
    break;
  default:
    ++st.totals.cancelled;
  }
  persist(self, id);
  notify(self, *st.table->find(id));
  start_jobs(self);
}

job_reply create(self_pointer self, int64_t owner, const std::string& kind,
                 const std::string& parameters) {
  auto& st = self->state;
  if (st.config.runners.count(kind) == 0)
    return refusal(core::unknown_job_kind_refusal());
  auto id = st.table->create(owner, kind, parameters, std::chrono::system_clock::now());
  if (!id) {
    ++st.totals.rejected;
    return refusal(core::jobs_busy_refusal());
  }
  persist(self, *id);
  start_jobs(self);
  job_reply r;
  r.ok = true;
  r.id = *id;
  return r;
}

// Ready once the database said which ids are taken and which jobs a crash interrupted.
void open_table(self_pointer self, int64_t first_id) {
  auto& st = self->state;
  st.table = std::make_unique<core::job_table>(st.config.limits, first_id);
  for (auto& h : st.held)
    h.promise.deliver(create(self, h.owner, h.kind, h.parameters));
  st.held.clear();
}

// Numbering from 1 without the database would overwrite stored jobs once it
// is back: until the highest id is known, jobs are refused and the load retried.
void load_failed(self_pointer self, const std::string& why) {
  auto& st = self->state;
  if (!st.load_failed)
    spdlog::error("job_registry: cannot read the stored jobs ({}); jobs are refused until the "
                  "database answers",
                  why);
  st.load_failed = true;
  for (auto& h : st.held)
    h.promise.deliver(refusal(core::jobs_unavailable_refusal()));
  st.held.clear();
  self->delayed_send(self, load_retry_interval, job_load_atom::value);
}

void load_from_database(self_pointer self) {
  auto& st = self->state;
  self->request(st.config.db, std::chrono::seconds{30}, db_atom::value,
                db::operation{db::fail_interrupted_jobs{}})
      .then(
          [self](db::reply& r) {
            if (!r.ok())
              return load_failed(self, r.message);
            if (r.count > 0)
              spdlog::warn("job_registry: {} job(s) interrupted by the last stop marked failed",
                           r.count);
            self->request(self->state.config.db, std::chrono::seconds{30}, db_atom::value,
                          db::operation{db::max_job_id{}})
                .then(
                    [self](db::reply& r) {
                      if (!r.ok())
                        return load_failed(self, r.message);
                      if (self->state.load_failed)
                        spdlog::info("job_registry: stored jobs read; jobs are accepted again");
                      self->state.load_failed = false;
                      open_table(self, r.count + 1);
                    },
                    [self](const caf::error& e) { load_failed(self, self->system().render(e)); });
          },
          [self](const caf::error& e) { load_failed(self, self->system().render(e)); });
}

} // namespace

core::db::job_row to_row(const core::job_record& job) {
  core::db::job_row row;
  row.id = job.id;
  row.owner_chat = job.owner_chat;
  row.kind = job.kind;
  row.parameters = job.parameters;
  row.status = core::to_string(job.status);
  row.progress = job.progress;
  row.result = job.result;
  row.created = unix_seconds(job.created);
  row.started = unix_seconds(job.started);
  row.finished = unix_seconds(job.finished);
  return row;
}

job_registry_actor::behavior_type job_registry(self_pointer self, job_registry_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  if (st.config.db)
    load_from_database(self);
  else
    open_table(self, 1);
  // A worker that died before reporting: its job failed; the registry goes on.
  self->set_down_handler([self](caf::down_msg& msg) {
    for (auto& [id, worker] : self->state.workers)
      if (worker.address() == msg.source) {
        auto job = id;
        return end_job(self, job, job_status::failed,
                       core::worker_died_result(self->system().render(msg.reason)));
      }
  });
  self->delayed_send(self, st.config.reap_interval, reap_atom::value);
  self->delayed_send(self, st.config.timeout / 4, job_timeout_atom::value);
  return {
      [self](job_create_atom, int64_t owner, std::string& kind,
             std::string& parameters) -> caf::result<job_reply> {
        auto& st = self->state;
        if (!st.table && st.load_failed)
          return refusal(core::jobs_unavailable_refusal());
        if (!st.table) {
          auto promise = self->make_response_promise<job_reply>();
          st.held.push_back({owner, std::move(kind), std::move(parameters), promise});
          return promise;
        }
        return create(self, owner, kind, parameters);
      },
      [self](job_get_atom, int64_t id, int64_t owner) -> caf::result<job_reply> {
        auto& st = self->state;
        auto not_found = refusal(core::no_such_job_refusal(id));
        if (auto* job = st.table ? st.table->find(id) : nullptr) {
          if (job->owner_chat != owner)
            return not_found;
          job_reply r;
          r.ok = true;
          r.id = id;
          r.jobs.push_back(to_row(*job));
          return r;
        }
        if (!st.config.db)
          return not_found;
        // Reaped from memory (or from before a restart): the database still knows.
        auto promise = self->make_response_promise<job_reply>();
        self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                      db::operation{db::load_job{id}})
            .then(
                [promise, owner, not_found](db::reply& r) mutable {
                  if (!r.ok() && r.error != db::errc::statement) {
                    promise.deliver(refusal(core::job_records_unreachable_refusal()));
                    return;
                  }
                  if (!r.ok() || r.jobs.empty() || r.jobs.front().owner_chat != owner) {
                    promise.deliver(not_found);
                    return;
                  }
                  job_reply out;
                  out.ok = true;
                  out.id = r.jobs.front().id;
                  out.jobs = std::move(r.jobs);
                  promise.deliver(out);
                },
                [promise](const caf::error&) mutable {
                  promise.deliver(refusal(core::job_records_unreachable_refusal()));
                });
        return promise;
      },
      [self](job_list_atom, int64_t owner) -> caf::result<job_reply> {
        auto& st = self->state;
        job_reply r;
        r.ok = true;
        if (st.table)
          for (auto& job : st.table->of_owner(owner, 10))
            r.jobs.push_back(to_row(job));
        if (!r.jobs.empty() || !st.config.db)
          return r;
        auto promise = self->make_response_promise<job_reply>();
        self->request(st.config.db, std::chrono::seconds{10}, db_atom::value,
                      db::operation{db::list_jobs{owner, 10}})
            .then(
                [promise](db::reply& dr) mutable {
                  if (!dr.ok()) {
                    promise.deliver(refusal(core::job_records_unreachable_refusal()));
                    return;
                  }
                  job_reply out;
                  out.ok = true;
                  out.jobs = std::move(dr.jobs);
                  promise.deliver(out);
                },
                [promise](const caf::error&) mutable {
                  promise.deliver(refusal(core::job_records_unreachable_refusal()));
                });
        return promise;
      },
      [self](job_cancel_atom, int64_t id, int64_t owner) -> job_reply {
        auto& st = self->state;
        auto* job = st.table ? st.table->find(id) : nullptr;
        if (job == nullptr || job->owner_chat != owner)
          return refusal(core::no_such_job_refusal(id));
        if (job->is_finished())
          return refusal(core::job_already_finished_refusal(id));
        if (auto pos = st.workers.find(id); pos != st.workers.end())
          self->send_exit(pos->second, caf::exit_reason::user_shutdown);
        end_job(self, id, job_status::cancelled, core::cancelled_by_owner_result());
        job_reply r;
        r.ok = true;
        r.id = id;
        return r;
      },
      [self](job_progress_atom, int64_t id, std::string& progress) {
        if (self->state.table && self->state.table->set_progress(id, std::move(progress)))
          persist(self, id);
      },
      [self](job_done_atom, int64_t id, bool ok, std::string& result) {
        end_job(self, id, ok ? job_status::done : job_status::failed, std::move(result));
      },
      [self](job_load_atom) {
        if (!self->state.table)
          load_from_database(self);
      },
      [self](reap_atom) {
        auto& st = self->state;
        // Only our own timer re-arms: an external reap must not start a second chain.
        if (self->current_sender() == self->ctrl())
          self->delayed_send(self, st.config.reap_interval, reap_atom::value);
        if (!st.table)
          return;
        if (auto removed = st.table->reap(self->clock().now()); removed > 0)
          spdlog::debug("job_registry: reaped {} finished job(s)", removed);
      },
      [self](job_timeout_atom) {
        auto& st = self->state;
        if (self->current_sender() == self->ctrl())
          self->delayed_send(self, st.config.timeout / 4, job_timeout_atom::value);
        if (!st.table)
          return;
        for (auto id : st.table->overdue(self->clock().now(), st.config.timeout)) {
          if (auto pos = st.workers.find(id); pos != st.workers.end())
            self->send_exit(pos->second, caf::exit_reason::kill);
          end_job(self, id, job_status::cancelled, core::timed_out_result());
        }
      },
      [self](stats_atom) {
        auto& st = self->state;
        auto s = st.totals;
        if (st.table) {
          s.queued = st.table->queued();
          s.running = st.table->running();
          s.finished_in_memory = st.table->finished();
          s.reaped = st.table->reaped_total();
        }
        return s;
      },
  };
}

} // namespace phoenix
