#include "actors/db_pool.hpp"

#include "actors/db_worker.hpp"
#include "core/db/db_conninfo.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = db_pool_actor::stateful_pointer<db_pool_state>;
using promise = caf::typed_response_promise<core::db::reply>;
using promise_list = std::vector<promise>;
namespace db = core::db;

// Only a requester gets an answer: a row sent with anon_send keeps no waiter
// (a crowd's bookkeeping rows would otherwise each hold one in the queue).
promise_list waiters_for(const promise& p) {
  return p.pending() ? promise_list{p} : promise_list{};
}

db::reply error_reply(db::errc code, std::string message) {
  db::reply r;
  r.error = code;
  r.message = std::move(message);
  return r;
}

// `intake`: the connection becomes the intake's if the pool has none yet
// (a pool of one connection shares it).
db_connection_slot& open_slot(self_pointer self, bool intake = false) {
  auto& st = self->state;
  db_worker_actor worker;
  if (st.config.spawn_worker) {
    worker = st.config.spawn_worker(self);
    self->link_to(worker);
  } else {
    worker = self->spawn<caf::detached + caf::linked>(db_worker, st.conninfo,
                                                      caf::actor_cast<caf::actor>(self));
  }
  auto now = self->clock().now();
  intake = intake && st.config.pool_max >= 2 &&
           std::none_of(st.slots.begin(), st.slots.end(), [](auto& s) { return s.intake; });
  st.slots.push_back(db_connection_slot{worker, now, now, false, intake});
  return st.slots.back();
}

// A free connection for a request, else a new one if the pool may grow (the
// intake's steps only when it has none of its own). Null: the request queues.
db_connection_slot* slot_for(self_pointer self, bool intake) {
  auto& st = self->state;
  if (auto* slot = st.free_slot(intake))
    return slot;
  if (st.slots.size() < st.config.pool_max && !(intake && st.has_intake_slot()))
    return &open_slot(self, intake);
  return nullptr;
}

void run_on(self_pointer self, db_worker_actor worker, db::operation op, promise_list waiters,
            size_t operations = 1);

// Unlinked first: the worker's end must not reach the pool's exit handler. A
// worker blocked in a statement gets the exit once the statement returns.
void close_slot(self_pointer self, size_t index) {
  auto& slots = self->state.slots;
  self->unlink_from(slots[index].worker);
  self->send_exit(slots[index].worker, caf::exit_reason::user_shutdown);
  slots.erase(slots.begin() + static_cast<std::ptrdiff_t>(index));
}

// Queued requests, oldest first, take the connections a new request would
// (db_pool_state::free_slot), the pool growing for them up to pool-max: bookkeeping leaves
// the intake's connection to the next page's write while it may open another.
void start_queued(self_pointer self) {
  auto& st = self->state;
  auto none_free = [&st] {
    return st.slots.size() >= st.config.pool_max &&
           std::all_of(st.slots.begin(), st.slots.end(), [](auto& s) { return s.busy; });
  };
  for (auto it = st.queue.begin(); it != st.queue.end() && !none_free();) {
    auto* slot = st.waits_for_its_batch(it->op) ? nullptr : slot_for(self, it->intake);
    if (!slot) {
      ++it;
      continue;
    }
    auto entry = std::move(*it);
    it = st.queue.erase(it);
    run_on(self, slot->worker, std::move(entry.op), std::move(entry.waiters), entry.operations);
  }
}

db_connection_slot* slot_of(self_pointer self, const db_worker_actor& worker) {
  auto& slots = self->state.slots;
  auto pos = std::find_if(slots.begin(), slots.end(),
                          [&](const db_connection_slot& s) { return s.worker == worker; });
  return pos == slots.end() ? nullptr : &*pos;
}

void answer_drain_waiters(self_pointer self) {
  auto& st = self->state;
  if (st.drain_waiters.empty() || !st.idle())
    return;
  for (auto& w : st.drain_waiters)
    w.deliver(true);
  st.drain_waiters.clear();
}

// A connection is gone: queued work (up to pool-max) and pool-min get a new
// one at once rather than at the next tick or past their acquire-timeout.
void replace_lost(self_pointer self) {
  auto& st = self->state;
  db_worker_actor fresh;
  if (st.slots.size() < st.config.pool_min ||
      (!st.queue.empty() && st.slots.size() < st.config.pool_max))
    fresh = open_slot(self).worker;
  start_queued(self);
  if (auto* slot = fresh ? slot_of(self, fresh) : nullptr; slot && !slot->busy)
    self->send(fresh, db_connect_atom::value); // not needed yet: pool-min connects ahead
  answer_drain_waiters(self);
}

void note_outcome(self_pointer self, const db::reply& reply, size_t operations) {
  auto& st = self->state;
  st.stats.served += operations;
  if (reply.error != db::errc::none)
    st.stats.last_error = reply.message;
  if (reply.error != db::errc::unavailable) // a failing statement is an answer too
    st.stats.last_ok_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  if (reply.error == db::errc::statement) {
    ++st.stats.errors;
  } else if (reply.error == db::errc::unavailable) {
    st.stats.unavailable += operations;
    if (!st.outage_logged) // once per outage, not once per request
      spdlog::error("db_pool: {}", reply.message);
    st.outage_logged = true;
  } else if (st.outage_logged) {
    spdlog::info("db_pool: database reachable again");
    st.outage_logged = false;
  }
}

std::string worker_failure(self_pointer self, const caf::error& err, caf::timespan deadline) {
  if (err != caf::sec::request_timeout)
    return "database worker failed: " + self->system().render(err);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline).count();
  return "database worker gave no answer within " + std::to_string(ms) +
         " ms; its connection is replaced";
}

void run_on(self_pointer self, db_worker_actor worker, db::operation op, promise_list waiters,
            size_t operations) {
  if (auto* slot = slot_of(self, worker))
    slot->busy = true;
  auto batch = db::is_batchable(op) ? op.index() : std::variant_npos;
  if (batch != std::variant_npos)
    self->state.batches_running.insert(batch);
  // The server cancels a statement past statement_timeout, but a worker may
  // still hang (a silent network, a server that ignores the cancel): past the
  // deadline it is given up, so that its slot and its requesters go on.
  auto deadline = db::answer_deadline(op, self->state.config.statement_timeout,
                                      self->state.config.answer_margin);
  self->request(worker, deadline, db_run_atom::value, std::move(op))
      .then(
          [self, worker, waiters, batch, operations](db::reply& reply) mutable {
            self->state.batches_running.erase(batch);
            note_outcome(self, reply, operations);
            for (auto& w : waiters)
              w.deliver(reply);
            if (auto* slot = slot_of(self, worker)) {
              slot->busy = false;
              slot->warm = reply.error != db::errc::unavailable;
              slot->idle_since = self->clock().now();
              start_queued(self);
            }
            answer_drain_waiters(self);
          },
          [self, worker, waiters, batch, deadline, operations](const caf::error& err) mutable {
            self->state.batches_running.erase(batch);
            // The worker died or hangs: its connection is gone; answer and replace it.
            auto reply = error_reply(db::errc::unavailable, worker_failure(self, err, deadline));
            note_outcome(self, reply, operations);
            for (auto& w : waiters)
              w.deliver(reply);
            auto& slots = self->state.slots;
            if (auto* slot = slot_of(self, worker))
              close_slot(self, static_cast<size_t>(slot - slots.data()));
            // What queued behind it (its batch's next rows) gets a new connection.
            replace_lost(self);
          });
}

// Queued requests all wait the same acquire-timeout: one timer, for the
// earliest deadline (the intake's steps queue ahead of older requests).
void arm_expiry(self_pointer self) {
  auto& st = self->state;
  if (st.expiry_armed || st.queue.empty())
    return;
  st.expiry_armed = true;
  auto first = std::min_element(st.queue.begin(), st.queue.end(),
                                [](auto& a, auto& b) { return a.deadline < b.deadline; });
  auto wait = first->deadline - self->clock().now();
  self->delayed_send(self, std::max(wait, caf::timespan::zero()), db_expire_atom::value);
}

// Rows of the same batchable kind join the last queued entry of that kind.
// Bookkeeping rows past db.bookkeeping-backlog are dropped and counted: a
// database that falls behind a crowd must not grow Phoenix's memory with them
// (processed update ids are never dropped; the poller sends them one batch at
// a time).
bool merge_into_queue(self_pointer self, db::operation& op, promise& p) {
  if (!db::is_batchable(op))
    return false;
  auto& st = self->state;
  for (auto it = st.queue.rbegin(); it != st.queue.rend(); ++it) {
    if (it->op.index() != op.index())
      continue;
    if (db::is_bookkeeping(op) &&
        db::batch_rows(it->op) + db::batch_rows(op) > st.config.bookkeeping_backlog) {
      st.stats.rows_dropped += db::batch_rows(op);
      p.deliver(error_reply(db::errc::busy, "database busy: bookkeeping rows dropped"));
      return true;
    }
    if (db::append_batch(it->op, std::move(op))) {
      for (auto& waiter : waiters_for(p))
        it->waiters.push_back(std::move(waiter));
      ++it->operations;
      ++st.stats.batched;
      return true;
    }
  }
  return false;
}

void enqueue(self_pointer self, db::operation op, promise p) {
  auto& st = self->state;
  if (merge_into_queue(self, op, p))
    return;
  if (st.queue.size() < st.config.queue_max) {
    auto deadline = self->clock().now() + st.config.acquire_timeout;
    bool intake = db::is_intake(op);
    auto pos = st.queue.end();
    if (intake) // behind the intake's earlier steps, ahead of the rest
      pos = std::find_if(st.queue.begin(), st.queue.end(), [](auto& q) { return !q.intake; });
    st.queue.insert(pos, db_queued{deadline, std::move(op), waiters_for(p), 1, intake});
    arm_expiry(self);
  } else {
    ++st.stats.timeouts;
    p.deliver(error_reply(db::errc::busy, "database busy: the wait queue is full"));
  }
}

// Idle connections above pool-min close after idle-timeout; every connection
// is recycled after max-lifetime (when idle).
void maintain(self_pointer self) {
  auto& st = self->state;
  auto now = self->clock().now();
  if (now - st.last_prune >= st.config.prune_interval) {
    st.last_prune = now;
    // Through the pool like any request, so it waits its turn for a connection.
    // A failure is logged: a table that is never pruned grows without a sound.
    self->request(caf::actor_cast<db_pool_actor>(self), caf::infinite, db_atom::value,
                  core::db::operation{st.config.retention})
        .then(
            [](db::reply& reply) {
              if (reply.ok())
                spdlog::debug("db_pool: prune deleted {} rows", reply.count);
              else
                spdlog::warn("db_pool: prune failed: {}", reply.message);
            },
            [](const caf::error&) {});
  }
  for (size_t i = st.slots.size(); i-- > 0;) {
    auto& slot = st.slots[i];
    if (slot.busy)
      continue;
    bool too_old = now - slot.opened >= st.config.max_lifetime;
    bool idle_extra =
        st.slots.size() > st.config.pool_min && now - slot.idle_since >= st.config.idle_timeout;
    if (too_old || idle_extra)
      close_slot(self, i);
  }
  while (st.slots.size() < st.config.pool_min)
    self->send(open_slot(self).worker, db_connect_atom::value);
}

} // namespace

db_pool_actor::behavior_type db_pool(self_pointer self, db_pool_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  core::db::connection_limits limits;
  limits.statement_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(st.config.statement_timeout);
  limits.idle_in_transaction_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(st.config.idle_in_transaction_timeout);
  st.conninfo = core::db::with_connection_defaults(st.config.uri, limits);
  st.config.pool_max = std::max<size_t>(1, st.config.pool_max);
  st.config.pool_min = std::min(st.config.pool_min, st.config.pool_max);
  for (size_t i = 0; i < st.config.pool_min; ++i) // the first is the intake's
    self->send(open_slot(self, true).worker, db_connect_atom::value);
  // Workers are linked so that they stop with the pool; one that dies alone
  // (its slot already answered by run_on's error path) must not take the pool down.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& slots = self->state.slots;
    auto pos = std::find_if(slots.begin(), slots.end(),
                            [&](auto& s) { return s.worker.address() == msg.source; });
    if (pos == slots.end())
      return self->quit(msg.reason);
    spdlog::warn("db_pool: a database worker stopped: {}", self->system().render(msg.reason));
    slots.erase(pos);
    replace_lost(self);
  });
  auto tick = std::min<caf::timespan>(
      {st.config.idle_timeout, st.config.max_lifetime, caf::timespan{std::chrono::seconds{30}}});
  self->delayed_send(self, tick, db_tick_atom::value);
  return {
      [self](db_atom, db::operation& op) -> caf::result<db::reply> {
        auto& st = self->state;
        auto p = self->make_response_promise<db::reply>();
        bool intake = db::is_intake(op);
        auto* slot = st.waits_for_its_batch(op) ? nullptr : slot_for(self, intake);
        if (slot)
          run_on(self, slot->worker, std::move(op), waiters_for(p));
        else
          enqueue(self, std::move(op), p);
        return p;
      },
      [self](db_expire_atom) {
        auto& st = self->state;
        st.expiry_armed = false;
        auto now = self->clock().now();
        auto expired = [now](const db_queued& q) { return q.deadline <= now; };
        for (auto& q : st.queue)
          if (expired(q)) {
            st.stats.timeouts += q.operations;
            for (auto& w : q.waiters)
              w.deliver(
                  error_reply(db::errc::busy, "database busy: no connection within the timeout"));
          }
        st.queue.erase(std::remove_if(st.queue.begin(), st.queue.end(), expired), st.queue.end());
        arm_expiry(self);
      },
      [self, tick](db_tick_atom) {
        if (self->current_sender() == self->ctrl())
          self->delayed_send(self, tick, db_tick_atom::value);
        maintain(self);
      },
      [self](db_reconnected_atom) { ++self->state.stats.reconnects; },
      [self](db_drain_atom) -> caf::result<bool> {
        auto& st = self->state;
        if (st.idle())
          return true;
        auto promise = self->make_response_promise<bool>();
        st.drain_waiters.push_back(promise);
        return promise;
      },
      [self](stats_atom) {
        auto& st = self->state;
        auto stats = st.stats;
        stats.size = st.slots.size();
        stats.in_use = static_cast<uint64_t>(
            std::count_if(st.slots.begin(), st.slots.end(), [](auto& s) { return s.busy; }));
        stats.idle = stats.size - stats.in_use;
        stats.waiting = 0;
        for (auto& q : st.queue)
          stats.waiting += q.operations;
        return stats;
      },
  };
}

} // namespace phoenix
