// A scratch database with Phoenix's schema and statements, for tests that run
// core::db operations on one connection.
#pragma once

#include "core/db/db_migrations.hpp"
#include "core/db/db_operations.hpp"
#include "tests/integration/test_database.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace phoenix::test {

/// A connection to `db` with the schema migrated and the statements prepared.
inline std::unique_ptr<pqxx::connection> ready(const test_database& db) {
  auto c = std::make_unique<pqxx::connection>(db.uri());
  core::db::migrate(*c);
  core::db::prepare_statements(*c);
  return c;
}

/// Rows in `table` now.
inline int64_t count_rows(pqxx::connection& c, const std::string& table) {
  pqxx::work tx{c};
  return tx.exec1("SELECT count(*) FROM " + tx.quote_name(table))[0].as<int64_t>();
}

} // namespace phoenix::test

// Declares `db`, a fresh database for this test (the test fails without a server).
#define SCRATCH_DB_OR_SKIP(db)                                                                     \
  BOOST_REQUIRE_MESSAGE(phoenix::test::test_database::available(),                                 \
                        phoenix::test::test_database::how_to_run);                                 \
  auto db = std::make_unique<phoenix::test::test_database>("dbops")
// Also declares `c`, a connection to it, migrated and with the statements prepared.
#define READY_DB_OR_SKIP(db, c)                                                                    \
  SCRATCH_DB_OR_SKIP(db);                                                                          \
  auto c = phoenix::test::ready(*db)
