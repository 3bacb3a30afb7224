#include "core/db/db_job_operations.hpp"

#include "core/db/db_statement_parts.hpp"
#include "core/db/db_text.hpp"

#include <pqxx/result>
#include <stdexcept>

namespace phoenix::core::db {

namespace {

#define PHOENIX_JOB_COLUMNS                                                                        \
  "id, owner_chat, kind, parameters, status, progress, result,"                                    \
  " coalesce(floor(extract(epoch FROM created_at))::bigint, 0),"                                   \
  " coalesce(floor(extract(epoch FROM started_at))::bigint, 0),"                                   \
  " coalesce(floor(extract(epoch FROM finished_at))::bigint, 0)"

constexpr statement job_statements[] = {
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
    // A repeated source update inserts nothing (the unique index of migration 10).
    {"enqueue_job", "INSERT INTO jobs (owner_chat, kind, parameters, status, source_update)"
                    " SELECT $1, $2, $3, 'queued', NULLIF($5::bigint, 0)"
                    " WHERE (SELECT count(*) FROM jobs WHERE status = 'queued') < $4"
                    " ON CONFLICT (owner_chat, source_update) WHERE source_update IS NOT NULL"
                    " DO NOTHING RETURNING id"},
    {"job_of_update", "SELECT id FROM jobs WHERE owner_chat = $1 AND source_update = $2"},
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
};

#undef PHOENIX_JOB_COLUMNS

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

double seconds_of(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

} // namespace

void prepare_job_statements(pqxx::connection& c) {
  prepare_each(c, job_statements);
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

reply exec(pqxx::transaction_base& tx, const enqueue_job& op) {
  const auto r = tx.exec_prepared("enqueue_job", op.owner_chat, storable_text(op.kind),
                                  storable_text(op.parameters), op.queue_max, op.source_update);
  if (!r.empty())
    return counted(r[0][0].as<int64_t>());
  if (op.source_update !=
      0) { // handled before (a replay), or queued by a replay running at the same time
    const auto before = tx.exec_prepared("job_of_update", op.owner_chat, op.source_update);
    if (!before.empty()) {
      auto out = counted(before[0][0].as<int64_t>());
      out.repeated = true;
      return out;
    }
  }
  return counted(0);
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

} // namespace phoenix::core::db
