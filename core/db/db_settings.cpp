#include "core/db/db_settings.hpp"

#include "core/db/db_statement_parts.hpp"
#include "core/db/db_text.hpp"

#include <pqxx/result>

namespace phoenix::core::db {
namespace {

constexpr statement statements[] = {
    // The chat's subscriptions whose name holds $2 (letter case ignored): the
    // one named exactly so, else the only one holding it, is deleted
    // (deleted = true); with none or several, nothing is, and the candidates
    // come back for the user to choose from.
    {"unsubscribe_team",
     "WITH c AS (SELECT team_id, team_name, lower(team_name) = lower($2) AS exact"
     " FROM subscriptions WHERE chat_id = $1 AND strpos(lower(team_name), lower($2)) > 0),"
     " n AS (SELECT count(*) AS all_n, count(*) FILTER (WHERE exact) AS exact_n FROM c),"
     " pick AS (SELECT team_id FROM c, n"
     " WHERE CASE WHEN n.exact_n > 0 THEN c.exact AND n.exact_n = 1 ELSE n.all_n = 1 END),"
     " gone AS (DELETE FROM subscriptions s USING pick"
     " WHERE s.chat_id = $1 AND s.team_id = pick.team_id RETURNING s.team_id, s.team_name)"
     " SELECT team_id, team_name, true FROM gone UNION ALL"
     " SELECT team_id, team_name, false FROM c WHERE NOT EXISTS (SELECT 1 FROM gone)"
     " ORDER BY 2, 1"},
    {"set_timezone", "INSERT INTO users (chat_id, timezone) VALUES ($1, $2)"
                     " ON CONFLICT (chat_id) DO UPDATE SET timezone = EXCLUDED.timezone"},
    {"load_settings", "SELECT coalesce((SELECT timezone FROM users WHERE chat_id = $1), ''),"
                      " (SELECT count(*) FROM subscriptions WHERE chat_id = $2)"},
};

} // namespace

void prepare_settings_statements(pqxx::connection& c) {
  prepare_each(c, statements);
}

reply exec(pqxx::transaction_base& tx, const unsubscribe_team& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("unsubscribe_team", op.chat_id, storable_text(op.name))) {
    out.ids.push_back(row[0].as<int64_t>());
    out.bodies.push_back(row[1].as<std::string>());
    out.count += row[2].as<bool>() ? 1 : 0;
  }
  return out;
}

reply exec(pqxx::transaction_base& tx, const set_timezone& op) {
  return counted(affected(tx.exec_prepared("set_timezone", op.user_id, storable_text(op.zone))));
}

reply exec(pqxx::transaction_base& tx, const load_settings& op) {
  const auto row = tx.exec_prepared1("load_settings", op.user_id, op.chat_id);
  reply out;
  out.bodies.push_back(row[0].as<std::string>());
  out.count = row[1].as<int64_t>();
  return out;
}

} // namespace phoenix::core::db
