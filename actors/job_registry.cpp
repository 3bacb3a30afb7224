#include "actors/job_registry.hpp"

#include "actors/job_queue.hpp"
#include "core/jobs/job_text.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/text/html_text.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = job_registry_pointer;
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

bool shared_queue(self_pointer self) {
  return static_cast<bool>(self->state.config.db);
}

// Memory only: tells the owner how the job ended (the report itself, or one sentence).
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

// Memory only: runs queued jobs while slots are free.
void start_jobs(self_pointer self) {
  auto& st = self->state;
  while (auto id = st.table->start_next(std::chrono::system_clock::now(), self->clock().now()))
    run_job(self, *id);
}

job_reply create(self_pointer self, int64_t owner, const std::string& kind,
                 const std::string& parameters) {
  auto& st = self->state;
  auto id = st.table->create(owner, kind, parameters, std::chrono::system_clock::now());
  if (!id) {
    ++st.totals.rejected;
    return refusal(core::jobs_busy_refusal());
  }
  start_jobs(self);
  job_reply r;
  r.ok = true;
  r.id = *id;
  return r;
}

} // namespace

void run_job(self_pointer self, int64_t id) {
  auto& st = self->state;
  auto& job = *st.table->find(id);
  auto runner = st.config.runners.find(job.kind);
  if (runner == st.config.runners.end())
    return end_job(self, id, job_status::failed, core::no_runner_result(job.kind));
  auto worker = runner->second(self, caf::actor_cast<job_registry_actor>(self), job);
  self->monitor(worker);
  st.workers[id] = worker;
}

void end_job(self_pointer self, int64_t id, job_status status, std::string result, bool write) {
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
  auto& job = *st.table->find(id);
  if (!shared_queue(self)) {
    notify(self, job);
    return start_jobs(self);
  }
  if (write)
    queue_finish(self, job);
  queue_claim(self);
}

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
  // With the shared queue the database numbers jobs; the table holds those run here.
  st.table = std::make_unique<core::job_table>(st.config.limits, 1);
  st.active = !st.config.await_leadership;
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
  if (shared_queue(self))
    self->delayed_send(self, st.config.claim_interval, job_claim_atom::value);
  return {
      [self](job_create_atom, int64_t owner, int64_t update_id, std::string& kind,
             std::string& parameters) -> caf::result<job_reply> {
        if (self->state.config.runners.count(kind) == 0)
          return refusal(core::unknown_job_kind_refusal());
        if (!shared_queue(self))
          return create(self, owner, kind, parameters);
        auto promise = self->make_response_promise<job_reply>();
        queue_create(self, owner, update_id, kind, parameters, promise);
        return promise;
      },
      [self](job_get_atom, int64_t id, int64_t owner) -> caf::result<job_reply> {
        auto& st = self->state;
        auto not_found = refusal(core::no_such_job_refusal(id));
        if (!shared_queue(self)) {
          auto* job = st.table->find(id);
          if (job == nullptr || job->owner_chat != owner)
            return not_found;
          job_reply r;
          r.ok = true;
          r.id = id;
          r.jobs.push_back(to_row(*job));
          return r;
        }
        // The shared queue: the database knows the jobs of every instance.
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
        if (!shared_queue(self)) {
          job_reply r;
          r.ok = true;
          for (auto& job : st.table->of_owner(owner, 10))
            r.jobs.push_back(to_row(job));
          return r;
        }
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
      [self](job_cancel_atom, int64_t id, int64_t owner) -> caf::result<job_reply> {
        auto& st = self->state;
        auto* job = st.table->find(id);
        if (shared_queue(self) && (job == nullptr || job->is_finished())) {
          // Queued, or running on another instance (which sees it at its next renewal).
          auto promise = self->make_response_promise<job_reply>();
          queue_cancel(self, id, owner, promise);
          return promise;
        }
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
        if (self->state.table->set_progress(id, progress) && shared_queue(self))
          queue_progress(self, id, progress);
      },
      [self](job_done_atom, int64_t id, bool ok, std::string& result) {
        end_job(self, id, ok ? job_status::done : job_status::failed, std::move(result));
      },
      [self](job_claim_atom) {
        if (self->current_sender() == self->ctrl())
          self->delayed_send(self, self->state.config.claim_interval, job_claim_atom::value);
        if (shared_queue(self))
          queue_tick(self);
      },
      [self](leader_atom, int64_t) {
        if (!self->state.active)
          spdlog::info("job_registry: active: sending the results of jobs run on any instance");
        self->state.active = true;
        if (shared_queue(self))
          queue_notify(self);
      },
      [self](reap_atom) {
        auto& st = self->state;
        // Only our own timer re-arms: an external reap must not start a second chain.
        if (self->current_sender() == self->ctrl())
          self->delayed_send(self, st.config.reap_interval, reap_atom::value);
        if (auto removed = st.table->reap(self->clock().now()); removed > 0)
          spdlog::debug("job_registry: reaped {} finished job(s)", removed);
      },
      [self](job_timeout_atom) {
        auto& st = self->state;
        if (self->current_sender() == self->ctrl())
          self->delayed_send(self, st.config.timeout / 4, job_timeout_atom::value);
        for (auto id : st.table->overdue(self->clock().now(), st.config.timeout)) {
          if (auto pos = st.workers.find(id); pos != st.workers.end())
            self->send_exit(pos->second, caf::exit_reason::kill);
          end_job(self, id, job_status::cancelled, core::timed_out_result());
        }
      },
      [self](stats_atom) {
        auto& st = self->state;
        auto s = st.totals;
        s.queued = st.table->queued();
        s.running = st.table->running();
        s.finished_in_memory = st.table->finished();
        s.reaped = st.table->reaped_total();
        return s;
      },
  };
}

} // namespace phoenix
