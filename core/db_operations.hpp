// Runs the typed database operations (core/db_types.hpp) on one connection,
// each in its own transaction, with prepared statements only.
#pragma once

#include "core/db_types.hpp"

#include <pqxx/connection>
#include <string>
#include <vector>

namespace phoenix::core::db {

/// Prepares every statement `run` uses; once per connection, after `migrate`
/// (the statements name the tables). Throws pqxx exceptions.
void prepare_statements(pqxx::connection& c);

/// Runs one operation in a transaction and commits it. A failed statement
/// (constraint, bad value, ...) answers errc::statement and leaves the
/// connection usable. pqxx::broken_connection and pqxx::in_doubt_error
/// propagate: the caller reconnects (and, for idempotent operations, retries).
reply run(pqxx::connection& c, const operation& op);

/// A PostgreSQL array literal, e.g. {"a","b \"c\""}: every element quoted, so
/// any text (commas, braces, NULL, backslashes) stays one element as given.
/// Parameter data, never SQL. Throws std::invalid_argument on a NUL byte
/// (PostgreSQL text cannot hold it).
std::string array_literal(const std::vector<std::string>& items);
std::string array_literal(const std::vector<int64_t>& items);

} // namespace phoenix::core::db
