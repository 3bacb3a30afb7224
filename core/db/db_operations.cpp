#include "core/db/db_operations.hpp"

#include "core/db/db_alerts.hpp"
#include "core/db/db_fenced_writes.hpp"
#include "core/db/db_inbox_operations.hpp"
#include "core/db/db_job_operations.hpp"
#include "core/db/db_settings.hpp"
#include "core/db/db_statement_parts.hpp"

#include <map>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>
#include <stdexcept>

namespace phoenix::core::db {

namespace {

// Times travel as unix seconds; 0 means NULL (not yet).
// Every statement run() uses. Parameters carry all data; the SQL is fixed.
constexpr statement statements[] = {
    // One row per chat (exec folds repeats into the count): ON CONFLICT may
    // not touch a row twice in one statement.
    {"upsert_users",
     "INSERT INTO users (chat_id, username, language, first_seen, last_seen, request_count, active)"
     " SELECT c, u, l, now(), now(), n, true"
     " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS seen(c, u, l, n)"
     " ON CONFLICT (chat_id) DO UPDATE SET username = EXCLUDED.username,"
     " language = EXCLUDED.language, last_seen = now(),"
     " request_count = users.request_count + EXCLUDED.request_count, active = true"},
    {"set_user_active", "UPDATE users SET active = $2 WHERE chat_id = $1"},
    {"load_user", "SELECT chat_id, username, language,"
                  " floor(extract(epoch FROM first_seen))::bigint,"
                  " floor(extract(epoch FROM last_seen))::bigint, request_count, active"
                  " FROM users WHERE chat_id = $1"},
    {"log_requests",
     "INSERT INTO request_log (chat_id, command, arguments, latency_ms, outcome)"
     " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[])"},
    // Inserted (1), there already (has), or refused: the chat has $4 (> 0) already.
    {"subscribe",
     "WITH mine AS (SELECT count(*) AS n, coalesce(bool_or(team_id = $2), false) AS has"
     " FROM subscriptions WHERE chat_id = $1),"
     " added AS (INSERT INTO subscriptions (chat_id, team_id, team_name) SELECT $1, $2, $3"
     " FROM mine WHERE NOT has AND ($4 <= 0 OR n < $4) ON CONFLICT DO NOTHING RETURNING 1)"
     " SELECT (SELECT count(*) FROM added), (SELECT has FROM mine)"},
    {"unsubscribe", "DELETE FROM subscriptions WHERE chat_id = $1 AND team_id = $2"},
    {"list_subscriptions",
     "SELECT team_id, team_name FROM subscriptions WHERE chat_id = $1 ORDER BY team_id"},
    {"get_offset",
     "SELECT value::bigint FROM bot_state WHERE key = 'update_offset:' || $1::bigint"},
    // May go down: Telegram renumbers its ids after a week without updates.
    {"set_offset",
     "INSERT INTO bot_state (key, value)"
     " VALUES ('update_offset:' || $1::bigint, $2::bigint::text)"
     " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value RETURNING value::bigint"},
    {"prune_request_log",
     "DELETE FROM request_log WHERE at < now() - make_interval(days => $1::int)"},
    // Before processed_updates: its rows tell which inbox rows are done.
    {"prune_update_inbox",
     "DELETE FROM update_inbox i WHERE received_at < now() - make_interval(secs => $1::float8)"
     " OR EXISTS (SELECT 1 FROM processed_updates p"
     "  WHERE p.bot_id = i.bot_id AND p.update_id = i.update_id)"},
    {"prune_processed_updates",
     "DELETE FROM processed_updates WHERE at < now() - make_interval(days => $1::int)"},
    // The newest job stays: the registry numbers new jobs on from max(id).
    {"prune_jobs", "DELETE FROM jobs WHERE status IN ('done', 'failed', 'cancelled')"
                   " AND finished_at < now() - make_interval(days => $1::int)"
                   " AND id < (SELECT max(id) FROM jobs)"},
    // FOR SHARE: a takeover's epoch update (a row lock) and this check
    // serialize; after waiting for one, the check sees its new epoch.
    {"fence_epoch", "SELECT epoch FROM leadership WHERE bot_id = $1 FOR SHARE"},
    {"ping", "SELECT 1"},
    {"ping_sleep", "SELECT pg_sleep($1::float8)"},
};

reply failed(std::string message) {
  reply out;
  out.error = errc::statement;
  out.message = std::move(message);
  return out;
}

// One function per operation: a new operation without one does not compile.
reply exec(pqxx::transaction_base& tx, const upsert_users& op) {
  if (op.users.empty())
    return {};
  // By chat id (also a fixed lock order), repeats folded into one row.
  std::map<int64_t, std::pair<const user_seen*, int64_t>> seen;
  for (const auto& u : op.users) {
    auto& [last, count] = seen[u.chat_id];
    last = &u;
    ++count;
  }
  std::vector<int64_t> chats, counts;
  std::vector<std::string> names, languages;
  for (const auto& [chat, row] : seen) {
    chats.push_back(chat);
    names.push_back(row.first->username);
    languages.push_back(row.first->language);
    counts.push_back(row.second);
  }
  return counted(
      affected(tx.exec_prepared("upsert_users", array_literal(chats), array_literal(names),
                                array_literal(languages), array_literal(counts))));
}

reply exec(pqxx::transaction_base& tx, const set_user_active& op) {
  return counted(affected(tx.exec_prepared("set_user_active", op.chat_id, op.active)));
}

reply exec(pqxx::transaction_base& tx, const load_user& op) {
  reply out;
  const auto r = tx.exec_prepared("load_user", op.chat_id);
  if (!r.empty()) {
    user_row u;
    u.chat_id = r[0][0].as<int64_t>();
    u.username = r[0][1].as<std::string>();
    u.language = r[0][2].as<std::string>();
    u.first_seen = r[0][3].as<int64_t>();
    u.last_seen = r[0][4].as<int64_t>();
    u.request_count = r[0][5].as<int64_t>();
    u.active = r[0][6].as<bool>();
    out.user = std::move(u);
  }
  return out;
}

reply exec(pqxx::transaction_base& tx, const log_requests& op) {
  if (op.rows.empty())
    return {};
  std::vector<int64_t> chats, latencies;
  std::vector<std::string> commands, arguments, outcomes;
  for (const auto& row : op.rows) {
    chats.push_back(row.chat_id);
    commands.push_back(row.command);
    arguments.push_back(row.arguments);
    latencies.push_back(row.latency_ms);
    outcomes.push_back(row.outcome);
  }
  return counted(affected(tx.exec_prepared("log_requests", array_literal(chats),
                                           array_literal(commands), array_literal(arguments),
                                           array_literal(latencies), array_literal(outcomes))));
}

reply exec(pqxx::transaction_base& tx, const subscribe& op) {
  const auto row = tx.exec_prepared1("subscribe", op.chat_id, op.team_id,
                                     storable_text(op.team_name), op.max_per_chat);
  if (row[0].as<int64_t>() > 0)
    return counted(1);
  return counted(row[1].as<bool>() ? 0 : -1);
}

reply exec(pqxx::transaction_base& tx, const unsubscribe& op) {
  return counted(affected(tx.exec_prepared("unsubscribe", op.chat_id, op.team_id)));
}

reply exec(pqxx::transaction_base& tx, const list_subscriptions& op) {
  reply out;
  for (const auto& row : tx.exec_prepared("list_subscriptions", op.chat_id)) {
    out.ids.push_back(row[0].as<int64_t>());
    out.bodies.push_back(row[1].as<std::string>());
  }
  return out;
}

reply exec(pqxx::transaction_base& tx, const get_offset& op) {
  const auto r = tx.exec_prepared("get_offset", op.bot_id);
  return counted(r.empty() ? 0 : r[0][0].as<int64_t>());
}

reply exec(pqxx::transaction_base& tx, const set_offset& op) {
  return counted(tx.exec_prepared1("set_offset", op.bot_id, op.offset)[0].as<int64_t>());
}

reply exec(pqxx::transaction_base& tx, const prune& op) {
  // A negative age would put the cut-off in the future and delete everything.
  if (op.request_log_days < 0 || op.processed_updates_days < 0 || op.inbox_max_age_s < 0 ||
      op.jobs_keep_days < 0)
    throw std::invalid_argument{"prune: negative retention"};
  // One after the other (operands of + have no order): the inbox before the
  // processed ids that mark its rows done.
  int64_t deleted = affected(tx.exec_prepared("prune_request_log", op.request_log_days));
  deleted += affected(tx.exec_prepared("prune_update_inbox", op.inbox_max_age_s));
  deleted += affected(tx.exec_prepared("prune_processed_updates", op.processed_updates_days));
  deleted += affected(tx.exec_prepared("prune_jobs", op.jobs_keep_days));
  return counted(deleted);
}

reply exec(pqxx::transaction_base& tx, const ping& op) {
  if (op.sleep_ms > 0)
    tx.exec_prepared("ping_sleep", static_cast<double>(op.sleep_ms) / 1000.0);
  else
    tx.exec_prepared("ping");
  return {};
}

} // namespace

void prepare_statements(pqxx::connection& c) {
  prepare_each(c, statements);
  prepare_inbox_statements(c);
  prepare_fenced_statements(c);
  prepare_job_statements(c);
  prepare_alert_statements(c);
  prepare_settings_statements(c);
}

reply run(pqxx::connection& c, const operation& op) {
  try {
    // Every operation is one statement (prune: four independent ones; a
    // fenced write: its epoch check in the same statement), so autocommit is
    // as safe as a transaction and saves the BEGIN and COMMIT round trips: 1
    // instead of 3 per operation.
    pqxx::nontransaction tx{c, name_of(op)};
    auto f = fence_of(op);
    auto out = f.epoch > 0 ? run_fenced(tx, op, f)
                           : std::visit([&tx](const auto& o) { return exec(tx, o); }, op);
    if (out.ok())
      tx.commit();
    return out;
  } catch (const pqxx::broken_connection&) {
    throw; // the worker reconnects
  } catch (const pqxx::in_doubt_error&) {
    throw; // the commit may or may not have happened: the caller decides
  } catch (const std::exception& e) {
    // The statement failed on its own; the connection is still good.
    return failed(std::string{name_of(op)} + ": " + e.what());
  }
}

} // namespace phoenix::core::db
