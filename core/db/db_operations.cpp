#include "core/db/db_operations.hpp"

#include "core/db/db_alerts.hpp"
#include "core/db/db_inbox_operations.hpp"
#include "core/db/db_settings.hpp"
#include "core/db/db_statement_parts.hpp"

#include <map>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>
#include <stdexcept>

namespace phoenix::core::db {

namespace {

// Times travel as unix seconds; 0 means NULL (not yet).
#define PHOENIX_JOB_COLUMNS                                                                        \
  "id, owner_chat, kind, parameters, status, progress, result,"                                    \
  " coalesce(floor(extract(epoch FROM created_at))::bigint, 0),"                                   \
  " coalesce(floor(extract(epoch FROM started_at))::bigint, 0),"                                   \
  " coalesce(floor(extract(epoch FROM finished_at))::bigint, 0)"

// Every statement run() uses. Parameters carry all data; the SQL is fixed.
constexpr statement statements[] = {
    // One row per chat (exec folds repeats into the count): ON CONFLICT may
    // not touch a row twice in one statement.
    {"upsert_users",
     "INSERT INTO users (chat_id, username, language, first_seen, last_seen, request_count, active)"
     " SELECT c, u, l, now(), now(), n, true"
     " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS seen(c, u, l, n)"
     " ON CONFLICT (chat_id) DO UPDATE SET username = EXCLUDED.username,"
     " language = EXCLUDED.language, last_seen = now(),"
     " request_count = users.request_count + EXCLUDED.request_count, active = true"},
    {"set_user_active", "UPDATE users SET active = $2 WHERE chat_id = $1"},
    {"load_user", "SELECT chat_id, username, language,"
                  " floor(extract(epoch FROM first_seen))::bigint,"
                  " floor(extract(epoch FROM last_seen))::bigint, request_count, active"
                  " FROM users WHERE chat_id = $1"},
    {"log_requests",
     "INSERT INTO request_log (chat_id, command, arguments, latency_ms, outcome)"
     " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[])"},
    // Inserted (1), there already (has), or refused: the chat has $4 (> 0) already.
    {"subscribe",
     "WITH mine AS (SELECT count(*) AS n, coalesce(bool_or(team_id = $2), false) AS has"
     " FROM subscriptions WHERE chat_id = $1),"
     " added AS (INSERT INTO subscriptions (chat_id, team_id, team_name) SELECT $1, $2, $3"
     " FROM mine WHERE NOT has AND ($4 <= 0 OR n < $4) ON CONFLICT DO NOTHING RETURNING 1)"
     " SELECT (SELECT count(*) FROM added), (SELECT has FROM mine)"},
    {"unsubscribe", "DELETE FROM subscriptions WHERE chat_id = $1 AND team_id = $2"},
    {"list_subscriptions",
     "SELECT team_id, team_name FROM subscriptions WHERE chat_id = $1 ORDER BY team_id"},
    {"insert_job",
     "INSERT INTO jobs (owner_chat, kind, parameters, status, progress, result,"
     " created_at, started_at, finished_at)"
     " VALUES ($1, $2, $3, $4, $5, $6, coalesce(to_timestamp(nullif($7::bigint, 0)), now()),"
     " to_timestamp(nullif($8::bigint, 0)), to_timestamp(nullif($9::bigint, 0)))"
     " RETURNING id"},
    // A job with its id (the registry numbers jobs itself): inserted the first
    // time, updated after. created 0 keeps the stored creation time. Saves are
    // fire and forget and may overtake each other on different connections, so
    // a status never goes back (queued < running < done/failed/cancelled).
    {"update_job",
     "INSERT INTO jobs (id, owner_chat, kind, parameters, status, progress, result,"
     " created_at, started_at, finished_at)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce(to_timestamp(nullif($8::bigint, 0)), now()),"
     " to_timestamp(nullif($9::bigint, 0)), to_timestamp(nullif($10::bigint, 0)))"
     " ON CONFLICT (id) DO UPDATE SET owner_chat = $2, kind = $3, parameters = $4, status = $5,"
     " progress = $6, result = $7,"
     " created_at = coalesce(to_timestamp(nullif($8::bigint, 0)), jobs.created_at),"
     " started_at = to_timestamp(nullif($9::bigint, 0)),"
     " finished_at = to_timestamp(nullif($10::bigint, 0))"
     " WHERE (CASE jobs.status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 ELSE 2 END)"
     " <= (CASE EXCLUDED.status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 ELSE 2 END)"},
    {"max_job_id", "SELECT coalesce(max(id), 0) FROM jobs"},
    {"load_job", "SELECT " PHOENIX_JOB_COLUMNS " FROM jobs WHERE id = $1"},
    {"list_jobs",
     "SELECT " PHOENIX_JOB_COLUMNS " FROM jobs WHERE owner_chat = $1 ORDER BY id DESC LIMIT $2"},
    // Numbered by the database (the sequence): any instance may queue jobs.
    {"enqueue_job", "INSERT INTO jobs (owner_chat, kind, parameters, status)"
                    " SELECT $1, $2, $3, 'queued'"
                    " WHERE (SELECT count(*) FROM jobs WHERE status = 'queued') < $4 RETURNING id"},
    // A job whose instance died too often is not run again (it may be what kills them).
    {"fail_exhausted_jobs",
     "UPDATE jobs SET status = 'failed', result = $2, finished_at = now(), lease_until = NULL,"
     " notified = false WHERE status = 'running'"
     " AND coalesce(lease_until, '-infinity') < now() AND attempts >= $1"},
    // SKIP LOCKED: claimers running at once take different jobs, never wait.
    // A NULL lease (a job running before the queue existed) counts as expired.
    {"claim_jobs",
     "UPDATE jobs SET status = 'running', lease_owner = $1,"
     " lease_until = now() + make_interval(secs => $3::float8), attempts = attempts + 1,"
     " started_at = now(), progress = '' WHERE id IN (SELECT id FROM jobs"
     "  WHERE status = 'queued' OR (status = 'running'"
     "   AND coalesce(lease_until, '-infinity') < now() AND attempts < $4)"
     "  ORDER BY id FOR UPDATE SKIP LOCKED LIMIT $2)"
     " RETURNING " PHOENIX_JOB_COLUMNS},
    {"renew_leases",
     "UPDATE jobs SET lease_until = now() + make_interval(secs => $3::float8)"
     " WHERE id = ANY($2::bigint[]) AND lease_owner = $1 AND status = 'running' RETURNING id"},
    {"set_job_progress", "UPDATE jobs SET progress = $3"
                         " WHERE id = $2 AND lease_owner = $1 AND status = 'running'"},
    // Only the lease holder's result counts; the same status again (a retry
    // after a broken connection) is accepted.
    {"finish_job",
     "UPDATE jobs SET status = $3, result = $4, finished_at = coalesce(finished_at, now()),"
     " lease_until = NULL, notified = notified AND status = $3"
     " WHERE id = $2 AND lease_owner = $1 AND (status = 'running' OR status = $3)"},
    {"cancel_job",
     "WITH j AS (SELECT id, status FROM jobs WHERE id = $1 AND owner_chat = $2),"
     " c AS (UPDATE jobs SET status = 'cancelled', result = $3, finished_at = now(),"
     "  lease_until = NULL, notified = false"
     "  WHERE id IN (SELECT id FROM j WHERE status IN ('queued', 'running')) RETURNING id)"
     " SELECT (SELECT count(*) FROM j), (SELECT count(*) FROM c)"},
    {"unnotified_jobs", "SELECT " PHOENIX_JOB_COLUMNS " FROM jobs WHERE NOT notified"
                        " AND status IN ('done', 'failed', 'cancelled') ORDER BY id LIMIT $1"},
    {"mark_notified", "UPDATE jobs SET notified = true WHERE id = $1"},
    {"get_offset",
     "SELECT value::bigint FROM bot_state WHERE key = 'update_offset:' || $1::bigint"},
    // May go down: Telegram renumbers its ids after a week without updates.
    {"set_offset",
     "INSERT INTO bot_state (key, value)"
     " VALUES ('update_offset:' || $1::bigint, $2::bigint::text)"
     " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value RETURNING value::bigint"},
    {"prune_request_log",
     "DELETE FROM request_log WHERE at < now() - make_interval(days => $1::int)"},
    // Before processed_updates: its rows tell which inbox rows are done.
    {"prune_update_inbox",
     "DELETE FROM update_inbox i WHERE received_at < now() - make_interval(secs => $1::float8)"
     " OR EXISTS (SELECT 1 FROM processed_updates p"
     "  WHERE p.bot_id = i.bot_id AND p.update_id = i.update_id)"},
    {"prune_processed_updates",
     "DELETE FROM processed_updates WHERE at < now() - make_interval(days => $1::int)"},
    // The newest job stays: the registry numbers new jobs on from max(id).
    {"prune_jobs", "DELETE FROM jobs WHERE status IN ('done', 'failed', 'cancelled')"
                   " AND finished_at < now() - make_interval(days => $1::int)"
                   " AND id < (SELECT max(id) FROM jobs)"},
    // FOR SHARE: a takeover's epoch update (a row lock) and this check
    // serialize; after waiting for one, the check sees its new epoch.
    {"fence_epoch", "SELECT epoch FROM leadership WHERE bot_id = $1 FOR SHARE"},
    {"ping", "SELECT 1"},
    {"ping_sleep", "SELECT pg_sleep($1::float8)"},
};

#undef PHOENIX_JOB_COLUMNS

reply failed(std::string message) {
  reply out;
  out.error = errc::statement;
  out.message = std::move(message);
  return out;
}

job_row read_job(const pqxx::row& r) {
  job_row j;
  j.id = r[0].as<int64_t>();
  j.owner_chat = r[1].as<int64_t>();
  j.kind = r[2].as<std::string>();
  j.parameters = r[3].as<std::string>();
  j.status = r[4].as<std::string>();
  j.progress = r[5].as<std::string>();
  j.result = r[6].as<std::string>();
  j.created = r[7].as<int64_t>();
  j.started = r[8].as<int64_t>();
  j.finished = r[9].as<int64_t>();
  return j;
}

// One function per operation: a new operation without one does not compile.
reply exec(pqxx::transaction_base& tx, const upsert_users& op) {
  if (op.users.empty())
    return {};
  // By chat id (also a fixed lock order), repeats folded into one row.
  std::map<int64_t, std::pair<const user_seen*, int64_t>> seen;
  for (const auto& u : op.users) {
    auto& [last, count] = seen[u.chat_id];
    last = &u;
    ++count;
  }
  std::vector<int64_t> chats, counts;
  std::vector<std::string> names, languages;
  for (const auto& [chat, row] : seen) {
    chats.push_back(chat);
    names.push_back(row.first->username);
    languages.push_back(row.first->language);
    counts.push_back(row.second);
  }
  return counted(
      affected(tx.exec_prepared("upsert_users", array_literal(chats), array_literal(names),
                                array_literal(languages), array_literal(counts))));
}

reply exec(pqxx::transaction_base& tx, const set_user_active& op) {
  return counted(affected(tx.exec_prepared("set_user_active", op.chat_id, op.active)));
}

reply exec(pqxx::transaction_base& tx, const load_user& op) {
  reply out;
  const auto r = tx.exec_prepared("load_user", op.chat_id);
  if (!r.empty()) {
    user_row u;
    u.chat_id = r[0][0].as<int64_t>();
    u.username = r[0][1].as<std::string>();
    u.language = r[0][2].as<std::string>();
    u.first_seen = r[0][3].as<int64_t>();
    u.last_seen = r[0][4].as<int64_t>();
    u.request_count = r[0][5].as<int64_t>();
    u.active = r[0][6].as<bool>();
    out.user = std::move(u);
  }
  return out;
}

reply exec(pqxx::transaction_base& tx, const log_requests& op) {
  if (op.rows.empty())
    return {};
  std::vector<int64_t> chats, latencies;
  std::vector<std::string> commands, arguments, outcomes;
  for (const auto& row : op.rows) {
    chats.push_back(row.chat_id);
    commands.push_back(row.command);
    arguments.push_back(row.arguments);
    latencies.push_back(row.latency_ms);
    outcomes.push_back(row.outcome);
  }
  return counted(affected(tx.exec_prepared("log_requests", array_literal(chats),
                                           array_literal(commands), array_literal(arguments),
                                           array_literal(latencies), array_literal(outcomes))));
}

reply exec(pqxx::transaction_base& tx, const subscribe& op) {
  const auto row = tx.exec_prepared1("subscribe", op.chat_id, op.team_id,
                                     storable_text(op.team_name), op.max_per_chat);
  if (row[0].as<int64_t>() > 0)
    return counted(1);
  return counted(row[1].as<bool>() ? 0 : -1);
}

reply exec(pqxx::transaction_base& tx, const unsubscribe& op) {
  return counted(affected(tx.exec_prepared("unsubscribe", op.chat_id, op.team_id)));
}

reply exec(pqxx::transaction_base& tx, const list_subscriptions& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("list_subscriptions", op.chat_id)) {
    out.ids.push_back(row[0].as<int64_t>());
    out.bodies.push_back(row[1].as<std::string>());
  }
  return out;
}

reply exec(pqxx::transaction_base& tx, const save_job& op) {
  // Text parameters go NUL-terminated (a NUL would cut them short) and must
  // be UTF-8: storable_text replaces what would fail.
  const auto& j = op.job;
  if (j.id == 0)
    return counted(tx.exec_prepared1("insert_job", j.owner_chat, storable_text(j.kind),
                                     storable_text(j.parameters), storable_text(j.status),
                                     storable_text(j.progress), storable_text(j.result), j.created,
                                     j.started, j.finished)[0]
                       .as<int64_t>());
  // 0 rows affected: an older state arrived late and was ignored.
  tx.exec_prepared("update_job", j.id, j.owner_chat, storable_text(j.kind),
                   storable_text(j.parameters), storable_text(j.status), storable_text(j.progress),
                   storable_text(j.result), j.created, j.started, j.finished);
  return counted(j.id);
}

reply exec(pqxx::transaction_base& tx, const max_job_id&) {
  return counted(tx.exec_prepared1("max_job_id")[0].as<int64_t>());
}

reply exec(pqxx::transaction_base& tx, const load_job& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("load_job", op.id))
    out.jobs.push_back(read_job(row));
  return out;
}

reply exec(pqxx::transaction_base& tx, const list_jobs& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("list_jobs", op.owner_chat, op.limit))
    out.jobs.push_back(read_job(row));
  return out;
}

double seconds_of(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

reply exec(pqxx::transaction_base& tx, const enqueue_job& op) {
  const auto r = tx.exec_prepared("enqueue_job", op.owner_chat, storable_text(op.kind),
                                  storable_text(op.parameters), op.queue_max);
  return counted(r.empty() ? 0 : r[0][0].as<int64_t>());
}

reply exec(pqxx::transaction_base& tx, const claim_jobs& op) {
  if (op.limit <= 0 || op.lease_ms <= 0 || op.max_attempts <= 0)
    throw std::invalid_argument{"claim_jobs: limit, lease and attempts must be positive"};
  reply out;
  out.count = affected(
      tx.exec_prepared("fail_exhausted_jobs", op.max_attempts, storable_text(op.exhausted_result)));
  for (const auto& row : tx.exec_prepared("claim_jobs", storable_text(op.owner), op.limit,
                                          seconds_of(op.lease_ms), op.max_attempts))
    out.jobs.push_back(read_job(row));
  return out;
}

reply exec(pqxx::transaction_base& tx, const renew_leases& op) {
  if (op.ids.empty())
    return {};
  return listed(read_ids(tx.exec_prepared("renew_leases", storable_text(op.owner),
                                          array_literal(op.ids), seconds_of(op.lease_ms))));
}

reply exec(pqxx::transaction_base& tx, const set_job_progress& op) {
  return counted(affected(tx.exec_prepared("set_job_progress", storable_text(op.owner), op.id,
                                           storable_text(op.progress))));
}

reply exec(pqxx::transaction_base& tx, const finish_job& op) {
  if (op.status != "done" && op.status != "failed" && op.status != "cancelled")
    throw std::invalid_argument{"finish_job: status must be done, failed or cancelled"};
  return counted(affected(tx.exec_prepared("finish_job", storable_text(op.owner), op.id, op.status,
                                           storable_text(op.result))));
}

reply exec(pqxx::transaction_base& tx, const cancel_job& op) {
  const auto r = tx.exec_prepared1("cancel_job", op.id, op.owner_chat, storable_text(op.result));
  reply out;
  out.count = r[0].as<int64_t>();
  if (r[1].as<int64_t>() > 0)
    out.ids.push_back(op.id);
  return out;
}

reply exec(pqxx::transaction_base& tx, const unnotified_jobs& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("unnotified_jobs", op.limit))
    out.jobs.push_back(read_job(row));
  return out;
}

reply exec(pqxx::transaction_base& tx, const mark_notified& op) {
  return counted(affected(tx.exec_prepared("mark_notified", op.id)));
}

reply exec(pqxx::transaction_base& tx, const get_offset& op) {
  const auto r = tx.exec_prepared("get_offset", op.bot_id);
  return counted(r.empty() ? 0 : r[0][0].as<int64_t>());
}

reply exec(pqxx::transaction_base& tx, const set_offset& op) {
  return counted(tx.exec_prepared1("set_offset", op.bot_id, op.offset)[0].as<int64_t>());
}

reply exec(pqxx::transaction_base& tx, const prune& op) {
  // A negative age would put the cut-off in the future and delete everything.
  if (op.request_log_days < 0 || op.processed_updates_days < 0 || op.inbox_max_age_s < 0 ||
      op.jobs_keep_days < 0)
    throw std::invalid_argument{"prune: negative retention"};
  // One after the other (operands of + have no order): the inbox before the
  // processed ids that mark its rows done.
  int64_t deleted = affected(tx.exec_prepared("prune_request_log", op.request_log_days));
  deleted += affected(tx.exec_prepared("prune_update_inbox", op.inbox_max_age_s));
  deleted += affected(tx.exec_prepared("prune_processed_updates", op.processed_updates_days));
  deleted += affected(tx.exec_prepared("prune_jobs", op.jobs_keep_days));
  return counted(deleted);
}

reply exec(pqxx::transaction_base& tx, const ping& op) {
  if (op.sleep_ms > 0)
    tx.exec_prepared("ping_sleep", static_cast<double>(op.sleep_ms) / 1000.0);
  else
    tx.exec_prepared("ping");
  return {};
}

} // namespace

void prepare_statements(pqxx::connection& c) {
  prepare_each(c, statements);
  prepare_inbox_statements(c);
  prepare_alert_statements(c);
  prepare_settings_statements(c);
}

namespace {

// A fenced write: the epoch check and the write in one transaction, the
// leadership row share-locked until the write commits.
reply run_fenced(pqxx::connection& c, const operation& op, const fence& f) {
  pqxx::work tx{c, name_of(op)};
  const auto stored = tx.exec_prepared("fence_epoch", f.bot_id);
  if (!stored.empty() && stored[0][0].as<int64_t>() > f.epoch) {
    reply out;
    out.error = errc::fenced;
    out.message = std::string{name_of(op)} + ": refused, epoch " + std::to_string(f.epoch) +
                  " is older than the stored " + stored[0][0].as<std::string>();
    return out; // rolled back
  }
  auto out = std::visit([&tx](const auto& o) { return exec(tx, o); }, op);
  if (out.ok())
    tx.commit();
  return out;
}

} // namespace

reply run(pqxx::connection& c, const operation& op) {
  try {
    if (auto f = fence_of(op); f.epoch > 0)
      return run_fenced(c, op, f);
    // Every operation is one statement (prune: four independent ones), so
    // autocommit is as safe as a transaction and saves the BEGIN and COMMIT
    // round trips: 1 instead of 3 per operation.
    pqxx::nontransaction tx{c, name_of(op)};
    auto out = std::visit([&tx](const auto& o) { return exec(tx, o); }, op);
    if (out.ok())
      tx.commit();
    return out;
  } catch (const pqxx::broken_connection&) {
    throw; // the worker reconnects
  } catch (const pqxx::in_doubt_error&) {
    throw; // the commit may or may not have happened: the caller decides
  } catch (const std::exception& e) {
    // The statement failed on its own; the connection is still good.
    return failed(std::string{name_of(op)} + ": " + e.what());
  }
}

} // namespace phoenix::core::db
