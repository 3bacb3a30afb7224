#include "core/db/db_alerts.hpp"

#include "core/db/db_statement_parts.hpp"
#include "core/db/db_text.hpp"

#include <pqxx/result>

namespace phoenix::core::db {
namespace {

constexpr statement statements[] = {
    {"list_subscribers", "SELECT DISTINCT chat_id FROM subscriptions"
                         " WHERE team_id = ANY($1::bigint[]) ORDER BY chat_id"},
    // The CTE's new rows are invisible to the second SELECT (one snapshot):
    // together they are the new claims and the earlier ones still unsent.
    {"claim_alert", "WITH claimed AS ("
                    " INSERT INTO alerts_sent (alert_key, chat_id)"
                    " SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING RETURNING chat_id)"
                    " SELECT chat_id FROM claimed UNION"
                    " SELECT chat_id FROM alerts_sent WHERE alert_key = $1"
                    " AND chat_id = ANY($2::bigint[]) AND message_id IS NULL ORDER BY 1"},
    {"record_alert_sent", "UPDATE alerts_sent SET message_id = $3, sent_at = now()"
                          " WHERE alert_key = $1 AND chat_id = $2"},
    {"load_alert_messages", "SELECT chat_id, message_id FROM alerts_sent"
                            " WHERE alert_key = $1 AND message_id IS NOT NULL ORDER BY chat_id"},
    {"subscribed_teams", "SELECT DISTINCT team_id FROM subscriptions ORDER BY team_id"},
    {"drop_subscriptions", "DELETE FROM subscriptions WHERE chat_id = $1"},
};

} // namespace

void prepare_alert_statements(pqxx::connection& c) {
  prepare_each(c, statements);
}

reply exec(pqxx::transaction_base& tx, const list_subscribers& op) {
  reply out;
  if (!op.team_ids.empty())
    out.ids = read_ids(tx.exec_prepared("list_subscribers", array_literal(op.team_ids)));
  return out;
}

reply exec(pqxx::transaction_base& tx, const claim_alert& op) {
  reply out;
  if (!op.chat_ids.empty())
    out.ids = read_ids(
        tx.exec_prepared("claim_alert", storable_text(op.alert_key), array_literal(op.chat_ids)));
  out.count = static_cast<int64_t>(out.ids.size());
  return out;
}

reply exec(pqxx::transaction_base& tx, const record_alert_sent& op) {
  reply out;
  out.count = static_cast<int64_t>(
      tx.exec_prepared("record_alert_sent", storable_text(op.alert_key), op.chat_id, op.message_id)
          .affected_rows());
  return out;
}

reply exec(pqxx::transaction_base& tx, const load_alert_messages& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("load_alert_messages", storable_text(op.alert_key))) {
    out.ids.push_back(row[0].as<int64_t>());
    out.message_ids.push_back(row[1].as<int64_t>());
  }
  return out;
}

reply exec(pqxx::transaction_base& tx, const subscribed_teams&) {
  reply out;
  out.ids = read_ids(tx.exec_prepared("subscribed_teams"));
  return out;
}

reply exec(pqxx::transaction_base& tx, const drop_subscriptions& op) {
  reply out;
  out.count =
      static_cast<int64_t>(tx.exec_prepared("drop_subscriptions", op.chat_id).affected_rows());
  return out;
}

} // namespace phoenix::core::db
