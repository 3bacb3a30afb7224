// The background jobs' operations (inside core/db only): the job rows the
// registry saves and reads, and the shared queue every instance claims from
// (leases, attempts, results told once). run() in db_operations.cpp calls these.
#pragma once

#include "core/db/db_types.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

namespace phoenix::core::db {

void prepare_job_statements(pqxx::connection& c);

reply exec(pqxx::transaction_base& tx, const save_job& op);
reply exec(pqxx::transaction_base& tx, const max_job_id& op);
reply exec(pqxx::transaction_base& tx, const load_job& op);
reply exec(pqxx::transaction_base& tx, const list_jobs& op);
reply exec(pqxx::transaction_base& tx, const enqueue_job& op);
reply exec(pqxx::transaction_base& tx, const claim_jobs& op);
reply exec(pqxx::transaction_base& tx, const renew_leases& op);
reply exec(pqxx::transaction_base& tx, const set_job_progress& op);
reply exec(pqxx::transaction_base& tx, const finish_job& op);
reply exec(pqxx::transaction_base& tx, const cancel_job& op);
reply exec(pqxx::transaction_base& tx, const unnotified_jobs& op);
reply exec(pqxx::transaction_base& tx, const mark_notified& op);

} // namespace phoenix::core::db
