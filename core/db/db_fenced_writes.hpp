// The poller's fenced writes (store_updates, mark_processed, set_offset with a
// leadership epoch) as one statement each: the epoch check and the write in
// one round trip instead of BEGIN, check, write and COMMIT (inside core/db only).
#pragma once

#include "core/db/db_types.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

namespace phoenix::core::db {

void prepare_fenced_statements(pqxx::connection& c);

/// Runs the write `op` carrying the epoch in `f`, in autocommit: refused
/// (errc::fenced, nothing written) when the database stores a newer epoch for
/// the bot. The check share-locks the leadership row until the write commits,
/// so a takeover's epoch update and the write serialize; after waiting for
/// one, the check sees its new epoch.
reply run_fenced(pqxx::transaction_base& tx, const operation& op, const fence& f);

} // namespace phoenix::core::db
