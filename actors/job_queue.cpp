#include "actors/job_queue.hpp"

#include "core/jobs/job_text.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/text/html_text.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

namespace db = core::db;
using core::job_status;

constexpr auto db_deadline = std::chrono::seconds{30};
// The sender answers once Telegram accepted or refused a message, after its
// own retries and rate limits: a long wait, but a result sent twice is worse.
constexpr auto send_deadline = std::chrono::minutes{10};
// Results asked for per tick (the rest come at the next one).
constexpr int64_t notify_batch = 20;

int64_t milliseconds(caf::timespan t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t).count();
}

job_reply refusal(std::string message) {
  job_reply r;
  r.message = std::move(message);
  return r;
}

// Asks the database; a CAF error (timeout, pool gone) reads as "unavailable".
template <class Op, class Fn> void ask(job_registry_pointer self, Op op, Fn on_reply) {
  self->request(self->state.config.db, db_deadline, db_atom::value, db::operation{std::move(op)})
      .then([on_reply](db::reply& r) mutable { on_reply(r); },
            [self, on_reply](const caf::error& e) mutable {
              db::reply r;
              r.error = db::errc::unavailable;
              r.message = self->system().render(e);
              on_reply(r);
            });
}

void renew(job_registry_pointer self) {
  auto& st = self->state;
  auto ids = st.table->running_ids();
  if (ids.empty() || st.renewing)
    return;
  st.renewing = true;
  ask(self, db::renew_leases{st.config.instance, ids, milliseconds(st.config.lease)},
      [self, ids](db::reply& r) {
        auto& st = self->state;
        st.renewing = false;
        if (!r.ok()) // the lease may still hold; if not, our result is refused
          return spdlog::warn("job_registry: leases not renewed: {}", r.message);
        for (auto id : ids) {
          auto* job = st.table->find(id);
          if (std::count(r.ids.begin(), r.ids.end(), id) > 0 || !job || job->is_finished())
            continue;
          // Cancelled, or claimed by another instance after our lease ran out.
          spdlog::warn("job_registry: job {} is no longer ours (cancelled, or its lease ran "
                       "out); its worker stops",
                       id);
          if (auto pos = st.workers.find(id); pos != st.workers.end())
            self->send_exit(pos->second, caf::exit_reason::kill);
          end_job(self, id, job_status::failed, "lease lost", false);
        }
      });
}

void mark_told(job_registry_pointer self, int64_t id) {
  ask(self, db::mark_notified{id}, [self, id](db::reply& r) {
    auto& st = self->state;
    if (r.ok())
      st.notifying.erase(id);
    else // still in `notifying`: not sent again; marked at the next tick
      st.told_unmarked.insert(id);
  });
}

void send_result(job_registry_pointer self, const db::job_row& job) {
  auto& st = self->state;
  st.notifying.insert(job.id);
  auto parts = core::split_message(core::job_end_notice(job));
  auto left = std::make_shared<size_t>(parts.size());
  auto failed = std::make_shared<bool>(false);
  auto answered = [self, id = job.id, left, failed](bool ok) {
    *failed = *failed || !ok;
    if (--*left > 0)
      return;
    if (*failed) { // unknown whether Telegram got it: tried again at the next tick
      self->state.notifying.erase(id);
      return;
    }
    mark_told(self, id);
  };
  for (auto& part : parts)
    self->request(st.config.sender, send_deadline, tg_send_atom::value,
                  outgoing_call{"sendMessage", core::send_message_body(job.owner_chat, part, 0, {}),
                                job.owner_chat, job.owner_chat < 0})
        .then([answered](send_report&) mutable { answered(true); }, // refused for good: told
              [answered](const caf::error&) mutable { answered(false); });
}

} // namespace

void queue_create(job_registry_pointer self, int64_t owner, int64_t update_id,
                  const std::string& kind, const std::string& parameters,
                  caf::typed_response_promise<job_reply> promise) {
  auto& st = self->state;
  ask(self,
      db::enqueue_job{owner, kind, parameters, static_cast<int64_t>(st.config.limits.queue_max),
                      update_id},
      [self, promise](db::reply& r) mutable {
        if (!r.ok()) {
          spdlog::warn("job_registry: cannot queue a job: {}", r.message);
          return void(promise.deliver(refusal(core::jobs_unavailable_refusal())));
        }
        if (r.count == 0) {
          ++self->state.totals.rejected;
          return void(promise.deliver(refusal(core::jobs_busy_refusal())));
        }
        job_reply out;
        out.ok = true;
        out.id = r.count;
        out.repeated = r.repeated;
        promise.deliver(out);
        queue_claim(self); // a free slot here runs it at once
      });
}

void queue_claim(job_registry_pointer self) {
  auto& st = self->state;
  auto free = st.table->free_slots();
  if (free == 0 || st.claiming)
    return;
  st.claiming = true;
  db::claim_jobs claim;
  claim.owner = st.config.instance;
  claim.limit = static_cast<int64_t>(free);
  claim.lease_ms = milliseconds(st.config.lease);
  claim.max_attempts = st.config.max_attempts;
  claim.exhausted_result = core::attempts_exhausted_result(st.config.max_attempts);
  ask(self, std::move(claim), [self](db::reply& r) {
    auto& st = self->state;
    st.claiming = false;
    if (!r.ok())
      return spdlog::warn("job_registry: cannot claim jobs: {}", r.message);
    if (r.count > 0)
      spdlog::warn("job_registry: {} job(s) failed: their instance stopped {} time(s)", r.count,
                   st.config.max_attempts);
    for (auto& row : r.jobs) {
      core::job_record job;
      job.id = row.id;
      job.owner_chat = row.owner_chat;
      job.kind = row.kind;
      job.parameters = row.parameters;
      job.created = std::chrono::system_clock::time_point{std::chrono::seconds{row.created}};
      // No slot (cannot happen: one claim at a time): its lease runs out, another runs it.
      if (!st.table->start_claimed(std::move(job), std::chrono::system_clock::now(),
                                   self->clock().now()))
        continue;
      run_job(self, row.id);
    }
  });
}

void queue_tick(job_registry_pointer self) {
  auto& st = self->state;
  renew(self);
  queue_claim(self);
  if (!st.active)
    return;
  for (auto id : std::exchange(st.told_unmarked, {}))
    mark_told(self, id);
  queue_notify(self);
}

void queue_finish(job_registry_pointer self, const core::job_record& job) {
  auto& st = self->state;
  ask(self, db::finish_job{st.config.instance, job.id, core::to_string(job.status), job.result},
      [self, id = job.id](db::reply& r) {
        if (!r.ok())
          return spdlog::warn("job_registry: result of job {} not stored ({}); it runs again "
                              "after its lease",
                              id, r.message);
        if (r.count == 0)
          return spdlog::warn("job_registry: result of job {} refused: its lease was lost", id);
        if (self->state.active)
          queue_notify(self);
      });
}

void queue_progress(job_registry_pointer self, int64_t id, const std::string& progress) {
  auto& st = self->state;
  caf::anon_send(st.config.db, db_atom::value,
                 db::operation{db::set_job_progress{st.config.instance, id, progress}});
}

void queue_cancel(job_registry_pointer self, int64_t id, int64_t owner,
                  caf::typed_response_promise<job_reply> promise) {
  ask(self, db::cancel_job{id, owner, core::cancelled_by_owner_result()},
      [self, id, promise](db::reply& r) mutable {
        if (!r.ok())
          return void(promise.deliver(refusal(core::job_records_unreachable_refusal())));
        if (r.count == 0)
          return void(promise.deliver(refusal(core::no_such_job_refusal(id))));
        if (r.ids.empty())
          return void(promise.deliver(refusal(core::job_already_finished_refusal(id))));
        job_reply out;
        out.ok = true;
        out.id = id;
        promise.deliver(out);
        if (self->state.active)
          queue_notify(self);
      });
}

void queue_notify(job_registry_pointer self) {
  auto& st = self->state;
  if (!st.active || !st.config.sender)
    return;
  ask(self, db::unnotified_jobs{notify_batch}, [self](db::reply& r) {
    if (!r.ok())
      return spdlog::warn("job_registry: cannot read the results to send: {}", r.message);
    for (auto& job : r.jobs)
      if (self->state.notifying.count(job.id) == 0)
        send_result(self, job);
  });
}

} // namespace phoenix
