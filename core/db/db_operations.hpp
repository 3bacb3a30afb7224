// Runs the typed database operations (core/db/db_types.hpp) on one connection,
// each in its own transaction, with prepared statements only.
#pragma once

#include "core/db/db_text.hpp"
#include "core/db/db_types.hpp"

#include <pqxx/connection>

namespace phoenix::core::db {

/// Prepares every statement `run` uses; once per connection, after `migrate`
/// (the statements name the tables). Throws pqxx exceptions.
void prepare_statements(pqxx::connection& c);

/// Runs one operation in a transaction and commits it. A failed statement
/// (constraint, bad value, ...) answers errc::statement and leaves the
/// connection usable. pqxx::broken_connection and pqxx::in_doubt_error
/// propagate: the caller reconnects (and, for idempotent operations, retries).
reply run(pqxx::connection& c, const operation& op);

} // namespace phoenix::core::db
