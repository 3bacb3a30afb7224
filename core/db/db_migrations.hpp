// The database schema, as an ordered list of versioned migrations applied at
// start-up.
#pragma once

#include <pqxx/connection>

namespace phoenix::core::db {

/// Applies every migration the database lacks, in one transaction, and answers
/// how many it applied (0: already up to date). Instances starting together
/// are serialised by an advisory lock, so exactly one of them applies each
/// migration. Throws (pqxx exceptions) when a migration fails; nothing is then
/// applied.
int migrate(pqxx::connection& c);

/// The newest schema version this build knows.
int latest_schema_version();

/// How many migrations this build holds: versions may skip a number that a
/// branch developed at the same time took.
int schema_migration_count();

} // namespace phoenix::core::db
