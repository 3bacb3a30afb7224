// The goal alerts' database operations (core/db/db_types.hpp: list_subscribers,
// claim_alert, record_alert_sent, load_alert_messages, subscribed_teams,
// drop_subscriptions): their statements and
// how each runs. Only core/db/db_operations.cpp includes this; run() reaches
// these through the operation variant.
#pragma once

#include "core/db/db_types.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

namespace phoenix::core::db {

/// Prepares the statements below (part of prepare_statements).
void prepare_alert_statements(pqxx::connection& c);

reply exec(pqxx::transaction_base& tx, const list_subscribers& op);
reply exec(pqxx::transaction_base& tx, const claim_alert& op);
reply exec(pqxx::transaction_base& tx, const record_alert_sent& op);
reply exec(pqxx::transaction_base& tx, const load_alert_messages& op);
reply exec(pqxx::transaction_base& tx, const subscribed_teams& op);
reply exec(pqxx::transaction_base& tx, const drop_subscriptions& op);

} // namespace phoenix::core::db
