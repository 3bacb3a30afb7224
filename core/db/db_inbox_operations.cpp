#include "core/db/db_inbox_operations.hpp"

#include "core/db/db_statement_parts.hpp"
#include "core/db/db_text.hpp"

#include <algorithm>
#include <pqxx/transaction>
#include <utility>

namespace phoenix::core::db {

namespace {

constexpr statement inbox_statements[] = {
    {"store_updates", "INSERT INTO update_inbox (bot_id, update_id, body)"
                      " SELECT $1::bigint, * FROM unnest($2::bigint[], $3::text[])"
                      " ON CONFLICT DO NOTHING"},
    {"pushed_was_handled", "SELECT EXISTS (SELECT 1 FROM processed_updates"
                           " WHERE bot_id = $1 AND update_id = $2)"},
    {"keep_pushed_update", "INSERT INTO update_inbox (bot_id, update_id, body, kept_by_standby)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"},
    // Standbys' updates the active instance has not taken yet (partial index).
    {"standby_updates_waiting",
     "SELECT count(*) FROM update_inbox WHERE bot_id = $1 AND kept_by_standby"},
    // Taken once: the flag goes in the same statement. A row handled already
    // (its record raced the write) comes marked, and is no work.
    {"take_standby_updates",
     "UPDATE update_inbox i SET kept_by_standby = false WHERE bot_id = $1 AND kept_by_standby"
     " RETURNING update_id, body, EXISTS (SELECT 1 FROM processed_updates p"
     "  WHERE p.bot_id = i.bot_id AND p.update_id = i.update_id)"},
    // A row written after its update was handled (the write and the record
    // raced on two connections, or the process stopped before the poller
    // saw the write's answer) is no work left: never replayed.
    {"load_inbox", "SELECT update_id, body FROM update_inbox i WHERE bot_id = $1 AND NOT EXISTS"
                   " (SELECT 1 FROM processed_updates p"
                   "  WHERE p.bot_id = i.bot_id AND p.update_id = i.update_id)"
                   " ORDER BY received_at, update_id"},
    {"mark_processed", "WITH done AS (DELETE FROM update_inbox"
                       "  WHERE bot_id = $1 AND update_id = ANY($2::bigint[]))"
                       " INSERT INTO processed_updates (bot_id, update_id)"
                       " SELECT $1::bigint, unnest($2::bigint[]) ON CONFLICT DO NOTHING"},
    {"filter_processed", "SELECT update_id FROM processed_updates"
                         " WHERE bot_id = $1 AND update_id = ANY($2::bigint[]) ORDER BY update_id"},
    {"max_processed",
     "SELECT coalesce(max(update_id), 0) FROM processed_updates WHERE bot_id = $1"},
};

} // namespace

void prepare_inbox_statements(pqxx::connection& c) {
  prepare_each(c, inbox_statements);
}

reply exec(pqxx::transaction_base& tx, const max_processed& op) {
  return counted(tx.exec_prepared1("max_processed", op.bot_id)[0].as<int64_t>());
}

reply exec(pqxx::transaction_base& tx, const store_updates& op) {
  if (op.update_ids.empty() || op.update_ids.size() != op.bodies.size())
    return {};
  return counted(affected(tx.exec_prepared("store_updates", op.bot_id, array_literal(op.update_ids),
                                           array_literal(op.bodies))));
}

reply exec(pqxx::transaction_base& tx, const keep_pushed_update& op) {
  if (tx.exec_prepared1("pushed_was_handled", op.bot_id, op.update_id)[0].as<bool>())
    return counted(0);
  tx.exec_prepared("keep_pushed_update", op.bot_id, op.update_id, storable_text(op.body),
                   op.notify);
  auto out = counted(1); // new, or in the inbox still: work either way
  if (op.notify)         // delivered at commit, never before
    tx.exec_params("SELECT pg_notify($1, $2)", inbox_channel, std::to_string(op.bot_id));
  else // the active instance: a standby's older update of the chat goes first
    out.waiting = tx.exec_prepared1("standby_updates_waiting", op.bot_id)[0].as<int64_t>();
  return out;
}

reply exec(pqxx::transaction_base& tx, const take_standby_updates& op) {
  std::vector<std::pair<int64_t, std::string>> rows;
  for (const auto& row : tx.exec_prepared("take_standby_updates", op.bot_id))
    if (!row[2].as<bool>())
      rows.emplace_back(row[0].as<int64_t>(), row[1].as<std::string>());
  // Telegram numbers a chat's updates upwards: id order is each chat's order.
  std::sort(rows.begin(), rows.end());
  reply out;
  for (auto& [id, body] : rows) {
    out.ids.push_back(id);
    out.bodies.push_back(std::move(body));
  }
  out.count = static_cast<int64_t>(out.ids.size());
  return out;
}

reply exec(pqxx::transaction_base& tx, const load_inbox& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("load_inbox", op.bot_id)) {
    out.ids.push_back(row[0].as<int64_t>());
    out.bodies.push_back(row[1].as<std::string>());
  }
  out.count = static_cast<int64_t>(out.ids.size());
  return out;
}

reply exec(pqxx::transaction_base& tx, const mark_processed& op) {
  if (op.update_ids.empty())
    return {};
  return counted(
      affected(tx.exec_prepared("mark_processed", op.bot_id, array_literal(op.update_ids))));
}

reply exec(pqxx::transaction_base& tx, const filter_processed& op) {
  if (op.update_ids.empty())
    return {};
  return listed(
      read_ids(tx.exec_prepared("filter_processed", op.bot_id, array_literal(op.update_ids))));
}

} // namespace phoenix::core::db
