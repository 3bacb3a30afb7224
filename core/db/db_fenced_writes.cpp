#include "core/db/db_fenced_writes.hpp"

#include "core/db/db_statement_parts.hpp"
#include "core/db/db_text.hpp"

#include <stdexcept>
#include <string>

namespace phoenix::core::db {

namespace {

// $1 is the bot, the last parameter the writer's epoch. `allowed` is
// evaluated (and the row locked) before the write reads it; each statement
// answers the stored epoch (0: none) and what the write did.
#define PHOENIX_FENCE(epoch_param)                                                                 \
  "WITH fence AS (SELECT coalesce((SELECT epoch FROM leadership WHERE bot_id = $1 FOR SHARE), 0)"  \
  " AS stored), allowed AS (SELECT stored <= " epoch_param " AS ok FROM fence)"

constexpr statement fenced_statements[] = {
    {"store_updates_fenced",
     PHOENIX_FENCE("$4") ", written AS (INSERT INTO update_inbox (bot_id, update_id, body)"
                         " SELECT $1::bigint, u.id, u.body FROM unnest($2::bigint[], $3::text[])"
                         " AS u(id, body) WHERE (SELECT ok FROM allowed) ON CONFLICT DO NOTHING"
                         " RETURNING 1)"
                         " SELECT (SELECT stored FROM fence), (SELECT count(*) FROM written)"},
    {"mark_processed_fenced",
     PHOENIX_FENCE("$3") ", done AS (DELETE FROM update_inbox WHERE bot_id = $1"
                         "  AND update_id = ANY($2::bigint[]) AND (SELECT ok FROM allowed)),"
                         " written AS (INSERT INTO processed_updates (bot_id, update_id)"
                         "  SELECT $1::bigint, unnest($2::bigint[]) WHERE (SELECT ok FROM allowed)"
                         "  ON CONFLICT DO NOTHING RETURNING 1)"
                         " SELECT (SELECT stored FROM fence), (SELECT count(*) FROM written)"},
    // May go down: Telegram renumbers its ids after a week without updates.
    {"set_offset_fenced",
     PHOENIX_FENCE(
         "$3") ", saved AS (INSERT INTO bot_state (key, value)"
               "  SELECT 'update_offset:' || $1::bigint, $2::bigint::text"
               "  WHERE (SELECT ok FROM allowed)"
               "  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
               "  RETURNING value::bigint AS value)"
               " SELECT (SELECT stored FROM fence), coalesce((SELECT value FROM saved), 0)"},
};

#undef PHOENIX_FENCE

pqxx::row write(pqxx::transaction_base& tx, const store_updates& op) {
  return tx.exec_prepared1("store_updates_fenced", op.bot_id, array_literal(op.update_ids),
                           array_literal(op.bodies), op.epoch);
}

pqxx::row write(pqxx::transaction_base& tx, const mark_processed& op) {
  return tx.exec_prepared1("mark_processed_fenced", op.bot_id, array_literal(op.update_ids),
                           op.epoch);
}

pqxx::row write(pqxx::transaction_base& tx, const set_offset& op) {
  return tx.exec_prepared1("set_offset_fenced", op.bot_id, op.offset, op.epoch);
}

pqxx::row fenced_write(pqxx::transaction_base& tx, const operation& op) {
  if (auto* o = std::get_if<store_updates>(&op))
    return write(tx, *o);
  if (auto* o = std::get_if<mark_processed>(&op))
    return write(tx, *o);
  if (auto* o = std::get_if<set_offset>(&op))
    return write(tx, *o);
  throw std::logic_error{std::string{"not a fenced write: "} + name_of(op)};
}

} // namespace

void prepare_fenced_statements(pqxx::connection& c) {
  prepare_each(c, fenced_statements);
}

reply run_fenced(pqxx::transaction_base& tx, const operation& op, const fence& f) {
  if (auto* o = std::get_if<store_updates>(&op);
      o && (o->update_ids.empty() || o->update_ids.size() != o->bodies.size()))
    return {};
  if (auto* o = std::get_if<mark_processed>(&op); o && o->update_ids.empty())
    return {};
  auto row = fenced_write(tx, op);
  auto stored = row[0].as<int64_t>();
  if (stored > f.epoch) {
    reply out;
    out.error = errc::fenced;
    out.message = std::string{name_of(op)} + ": refused, epoch " + std::to_string(f.epoch) +
                  " is older than the stored " + std::to_string(stored);
    return out; // nothing written
  }
  return counted(row[1].as<int64_t>());
}

} // namespace phoenix::core::db
