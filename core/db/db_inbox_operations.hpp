// The update intake's operations (inside core/db only): the inbox of updates
// received but not handled, the handled ids, and the updates standbys kept
// from webhooks. run() in db_operations.cpp calls these.
#pragma once

#include "core/db/db_types.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

namespace phoenix::core::db {

void prepare_inbox_statements(pqxx::connection& c);

reply exec(pqxx::transaction_base& tx, const store_updates& op);
reply exec(pqxx::transaction_base& tx, const keep_pushed_update& op);
reply exec(pqxx::transaction_base& tx, const take_standby_updates& op);
reply exec(pqxx::transaction_base& tx, const load_inbox& op);
reply exec(pqxx::transaction_base& tx, const mark_processed& op);
reply exec(pqxx::transaction_base& tx, const filter_processed& op);
reply exec(pqxx::transaction_base& tx, const max_processed& op);

} // namespace phoenix::core::db
