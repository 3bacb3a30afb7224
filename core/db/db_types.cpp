#include "core/db/db_types.hpp"

namespace phoenix::core::db {

namespace {

// One overload per operation: a new operation without one does not compile.
// Idempotent: running it twice leaves the same state (and answer) as once.
bool idempotent(const upsert_users&) {
  return false;
} // request_count + 1
bool idempotent(const set_user_active&) {
  return true;
}
bool idempotent(const load_user&) {
  return true;
}
bool idempotent(const log_requests&) {
  return false;
} // appends rows
bool idempotent(const subscribe&) {
  return true;
} // ON CONFLICT DO NOTHING
bool idempotent(const unsubscribe&) {
  return true;
}
bool idempotent(const list_subscriptions&) {
  return true;
}
bool idempotent(const save_job& op) {
  return op.job.id != 0;
} // id 0 inserts a new job
bool idempotent(const load_job&) {
  return true;
}
bool idempotent(const list_jobs&) {
  return true;
}
bool idempotent(const enqueue_job&) {
  return false;
} // a second run queues a second job
bool idempotent(const claim_jobs&) {
  return false;
} // a second run claims more jobs
bool idempotent(const renew_leases&) {
  return true;
}
bool idempotent(const set_job_progress&) {
  return true;
}
bool idempotent(const finish_job&) {
  return true;
} // the same status again is accepted
bool idempotent(const cancel_job&) {
  return false;
} // a second run answers "already finished"
bool idempotent(const unnotified_jobs&) {
  return true;
}
bool idempotent(const mark_notified&) {
  return true;
}
bool idempotent(const get_offset&) {
  return true;
}
bool idempotent(const max_processed&) {
  return true;
}
bool idempotent(const set_offset&) {
  return true;
} // keeps the greater offset
bool idempotent(const max_job_id&) {
  return true;
}
bool idempotent(const store_updates&) {
  return true;
} // ON CONFLICT DO NOTHING
bool idempotent(const keep_pushed_update&) {
  return true;
} // ON CONFLICT DO NOTHING; a second run answers the same
// Not repeated: a second run after a lost answer would find them taken.
bool idempotent(const take_standby_updates&) {
  return false;
}
bool idempotent(const load_inbox&) {
  return true;
}
bool idempotent(const mark_processed&) {
  return true;
} // ON CONFLICT DO NOTHING
bool idempotent(const filter_processed&) {
  return true;
}
bool idempotent(const prune&) {
  return true;
}
bool idempotent(const ping&) {
  return true;
}
bool idempotent(const list_subscribers&) {
  return true;
}
bool idempotent(const claim_alert&) {
  return true;
} // answers the unsent chats, claimed now or before
bool idempotent(const record_alert_sent&) {
  return true;
}
bool idempotent(const load_alert_messages&) {
  return true;
}
bool idempotent(const subscribed_teams&) {
  return true;
}
bool idempotent(const drop_subscriptions&) {
  return true;
}
bool idempotent(const unsubscribe_team&) {
  return false;
} // a second run may take a subscription that only matched after the first
bool idempotent(const set_timezone&) {
  return true;
}
bool idempotent(const load_settings&) {
  return true;
}

const char* name(const upsert_users&) {
  return "upsert_users";
}
const char* name(const set_user_active&) {
  return "set_user_active";
}
const char* name(const load_user&) {
  return "load_user";
}
const char* name(const log_requests&) {
  return "log_requests";
}
const char* name(const subscribe&) {
  return "subscribe";
}
const char* name(const unsubscribe&) {
  return "unsubscribe";
}
const char* name(const list_subscriptions&) {
  return "list_subscriptions";
}
const char* name(const save_job&) {
  return "save_job";
}
const char* name(const load_job&) {
  return "load_job";
}
const char* name(const list_jobs&) {
  return "list_jobs";
}
const char* name(const enqueue_job&) {
  return "enqueue_job";
}
const char* name(const claim_jobs&) {
  return "claim_jobs";
}
const char* name(const renew_leases&) {
  return "renew_leases";
}
const char* name(const set_job_progress&) {
  return "set_job_progress";
}
const char* name(const finish_job&) {
  return "finish_job";
}
const char* name(const cancel_job&) {
  return "cancel_job";
}
const char* name(const unnotified_jobs&) {
  return "unnotified_jobs";
}
const char* name(const mark_notified&) {
  return "mark_notified";
}
const char* name(const get_offset&) {
  return "get_offset";
}
const char* name(const max_processed&) {
  return "max_processed";
}
const char* name(const set_offset&) {
  return "set_offset";
}
const char* name(const max_job_id&) {
  return "max_job_id";
}
const char* name(const store_updates&) {
  return "store_updates";
}
const char* name(const keep_pushed_update&) {
  return "keep_pushed_update";
}
const char* name(const take_standby_updates&) {
  return "take_standby_updates";
}
const char* name(const load_inbox&) {
  return "load_inbox";
}
const char* name(const mark_processed&) {
  return "mark_processed";
}
const char* name(const filter_processed&) {
  return "filter_processed";
}
const char* name(const prune&) {
  return "prune";
}
const char* name(const ping&) {
  return "ping";
}
const char* name(const list_subscribers&) {
  return "list_subscribers";
}
const char* name(const claim_alert&) {
  return "claim_alert";
}
const char* name(const record_alert_sent&) {
  return "record_alert_sent";
}
const char* name(const load_alert_messages&) {
  return "load_alert_messages";
}
const char* name(const subscribed_teams&) {
  return "subscribed_teams";
}
const char* name(const drop_subscriptions&) {
  return "drop_subscriptions";
}
const char* name(const unsubscribe_team&) {
  return "unsubscribe_team";
}
const char* name(const set_timezone&) {
  return "set_timezone";
}
const char* name(const load_settings&) {
  return "load_settings";
}

} // namespace

bool is_idempotent(const operation& op) {
  return std::visit([](const auto& o) { return idempotent(o); }, op);
}

const char* name_of(const operation& op) {
  return std::visit([](const auto& o) { return name(o); }, op);
}

namespace {

template <class T> void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

} // namespace

fence fence_of(const operation& op) {
  if (auto* o = std::get_if<set_offset>(&op))
    return {o->bot_id, o->epoch};
  if (auto* o = std::get_if<mark_processed>(&op))
    return {o->bot_id, o->epoch};
  if (auto* o = std::get_if<store_updates>(&op))
    return {o->bot_id, o->epoch};
  return {};
}

int64_t statement_count(const operation& op) {
  // prune: request log, inbox, processed ids, jobs; a pushed update: check,
  // insert, notify or count (a fenced write checks its epoch in its statement).
  if (std::holds_alternative<prune>(op))
    return 4;
  if (std::holds_alternative<keep_pushed_update>(op))
    return 3;
  if (std::holds_alternative<claim_jobs>(op))
    return 2; // claim: fail the exhausted, then claim
  return 1;
}

std::chrono::nanoseconds answer_deadline(const operation& op,
                                         std::chrono::nanoseconds statement_timeout,
                                         std::chrono::nanoseconds margin) {
  return statement_timeout * statement_count(op) + margin;
}

bool is_batchable(const operation& op) {
  return std::holds_alternative<upsert_users>(op) || std::holds_alternative<log_requests>(op) ||
         std::holds_alternative<mark_processed>(op);
}

bool is_bookkeeping(const operation& op) {
  return std::holds_alternative<upsert_users>(op) || std::holds_alternative<log_requests>(op);
}

size_t batch_rows(const operation& op) {
  if (auto* users = std::get_if<upsert_users>(&op))
    return users->users.size();
  if (auto* log = std::get_if<log_requests>(&op))
    return log->rows.size();
  if (auto* ids = std::get_if<mark_processed>(&op))
    return ids->update_ids.size();
  return 1;
}

bool is_intake(const operation& op) {
  return std::holds_alternative<store_updates>(op) ||
         std::holds_alternative<filter_processed>(op) || std::holds_alternative<get_offset>(op) ||
         std::holds_alternative<set_offset>(op) || std::holds_alternative<max_processed>(op) ||
         std::holds_alternative<load_inbox>(op) || std::holds_alternative<keep_pushed_update>(op) ||
         std::holds_alternative<take_standby_updates>(op);
}

bool append_batch(operation& batch, operation&& more) {
  if (batch.index() != more.index())
    return false;
  if (auto* users = std::get_if<upsert_users>(&more))
    append(std::get<upsert_users>(batch).users, users->users);
  else if (auto* rows = std::get_if<log_requests>(&more))
    append(std::get<log_requests>(batch).rows, rows->rows);
  else if (auto* ids = std::get_if<mark_processed>(&more)) {
    auto& into = std::get<mark_processed>(batch);
    if (into.bot_id != ids->bot_id || into.epoch != ids->epoch)
      return false;
    append(into.update_ids, ids->update_ids);
  } else
    return false;
  return true;
}

} // namespace phoenix::core::db
