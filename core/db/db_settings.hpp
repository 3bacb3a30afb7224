// The commands' own database operations (core/db/db_types.hpp:
// unsubscribe_team, set_timezone, load_settings; issue 17): their statements
// and how each runs. Only core/db/db_operations.cpp includes this; run()
// reaches these through the operation variant.
#pragma once

#include "core/db/db_types.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

namespace phoenix::core::db {

/// Prepares the statements below (part of prepare_statements).
void prepare_settings_statements(pqxx::connection& c);

reply exec(pqxx::transaction_base& tx, const unsubscribe_team& op);
reply exec(pqxx::transaction_base& tx, const set_timezone& op);
reply exec(pqxx::transaction_base& tx, const load_settings& op);

} // namespace phoenix::core::db
