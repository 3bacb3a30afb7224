#include "core/db/db_migrations.hpp"

#include <iterator>
#include <pqxx/transaction>
#include <string>

namespace phoenix::core::db {

namespace {

struct migration {
  int version;
  const char* name;
  const char* sql; // fixed DDL: no user input ever reaches it
};

// Append only: an applied migration is never edited, a change is a new version.
constexpr migration migrations[] = {
    {1, "initial schema", R"sql(
CREATE TABLE users (
  chat_id       bigint PRIMARY KEY,
  username      text NOT NULL DEFAULT '',
  language      text NOT NULL DEFAULT '',
  first_seen    timestamptz NOT NULL DEFAULT now(),
  last_seen     timestamptz NOT NULL DEFAULT now(),
  request_count bigint NOT NULL DEFAULT 0,
  active        boolean NOT NULL DEFAULT true
);

CREATE TABLE request_log (
  id         bigserial PRIMARY KEY,
  chat_id    bigint NOT NULL,
  command    text NOT NULL DEFAULT '',
  arguments  text NOT NULL DEFAULT '',
  latency_ms integer NOT NULL DEFAULT 0,
  outcome    text NOT NULL DEFAULT '',
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_log_at ON request_log (at);

CREATE TABLE subscriptions (
  chat_id    bigint NOT NULL,
  team_id    bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chat_id, team_id)
);

CREATE TABLE jobs (
  id          bigserial PRIMARY KEY,
  owner_chat  bigint NOT NULL,
  kind        text NOT NULL,
  parameters  text NOT NULL DEFAULT '',
  status      text NOT NULL
              CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  progress    text NOT NULL DEFAULT '',
  result      text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz NULL,
  finished_at timestamptz NULL
);
CREATE INDEX jobs_owner_newest ON jobs (owner_chat, id DESC);

CREATE TABLE bot_state (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE processed_updates (
  update_id bigint PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_updates_at ON processed_updates (at);
)sql"},
    // Updates received but not yet handled, so that getUpdates can confirm them
    // at once (Telegram shows at most 100 unconfirmed updates: a slow one must
    // not hide the newer ones) and a restart still handles them.
    {2, "update inbox", R"sql(
CREATE TABLE update_inbox (
  update_id   bigint PRIMARY KEY,
  body        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
)sql"},
    // Update state per bot (getMe's id): a database reused with another token
    // must not skip that bot's updates as repeats of the first one's. Rows of
    // before get bot 0 and are no bot's work: upgrade after an orderly stop.
    {3, "update state per bot", R"sql(
ALTER TABLE processed_updates ADD COLUMN bot_id bigint NOT NULL DEFAULT 0;
ALTER TABLE processed_updates DROP CONSTRAINT processed_updates_pkey;
ALTER TABLE processed_updates ADD PRIMARY KEY (bot_id, update_id);
ALTER TABLE update_inbox ADD COLUMN bot_id bigint NOT NULL DEFAULT 0;
ALTER TABLE update_inbox DROP CONSTRAINT update_inbox_pkey;
ALTER TABLE update_inbox ADD PRIMARY KEY (bot_id, update_id);
)sql"},
    // The hourly prune deletes jobs finished more than jobs.keep-days ago.
    {4, "jobs by finish time", R"sql(
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;
)sql"},
    // Leadership among instances sharing the database: the epoch is raised at
    // every takeover; the poller's writes carry theirs and are refused once a
    // newer one is stored (a paused former leader confirms nothing).
    {5, "leadership epochs", R"sql(
CREATE TABLE leadership (
  bot_id bigint PRIMARY KEY,
  epoch  bigint NOT NULL,
  holder text NOT NULL DEFAULT '',
  since  timestamptz NOT NULL DEFAULT now()
);
)sql"},
    // Webhook mode with several instances: an update a standby accepted waits
    // flagged until the active instance takes it (woken by NOTIFY).
    {6, "updates kept by standbys", R"sql(
ALTER TABLE update_inbox ADD COLUMN kept_by_standby boolean NOT NULL DEFAULT false;
CREATE INDEX update_inbox_kept_by_standby ON update_inbox (bot_id) WHERE kept_by_standby;
)sql"},
    // Goal alerts (issue 17): the team's name beside its id for /subscriptions,
    // the subscribers of a team found by its id, and one row per alert key and
    // chat, written before the alert is sent (never twice, also across
    // restarts and failover) and given Telegram's message id once it is (for
    // editMessageText when a scorer comes late).
    {7, "goal alerts", R"sql(
ALTER TABLE subscriptions ADD COLUMN team_name text NOT NULL DEFAULT '';
CREATE INDEX subscriptions_team ON subscriptions (team_id);
CREATE TABLE alerts_sent (
  alert_key  text NOT NULL,
  chat_id    bigint NOT NULL,
  message_id bigint NULL,
  sent_at    timestamptz NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (alert_key, chat_id)
);
CREATE INDEX alerts_sent_claimed_at ON alerts_sent (claimed_at);
)sql"},
    // The job queue shared by the instances: who runs a job and until when
    // (a lease the runner renews; expired: another instance claims the job),
    // how often it was claimed, and whether its owner was told the result.
    // Jobs of before were numbered by the registry: the sequence moves past
    // them. Their owners were told already (notified), except jobs still
    // queued or running, which the queue runs (again).
    {8, "job queue", R"sql(
ALTER TABLE jobs ADD COLUMN lease_owner text NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lease_until timestamptz NULL;
ALTER TABLE jobs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN notified boolean NOT NULL DEFAULT true;
UPDATE jobs SET notified = false WHERE status IN ('queued', 'running');
ALTER TABLE jobs ALTER COLUMN notified SET DEFAULT false;
CREATE INDEX jobs_claimable ON jobs (id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_to_notify ON jobs (id) WHERE NOT notified;
SELECT setval(pg_get_serial_sequence('jobs', 'id'), coalesce(max(id), 0) + 1, false) FROM jobs;
)sql"},
    // /timezone (issue 17): the user's own zone; '' is football.timezone.
    {9, "user time zones", R"sql(
ALTER TABLE users ADD COLUMN timezone text NOT NULL DEFAULT '';
)sql"},
    // The update that queued a job (issue 16): an update handled again after a
    // failover finds its job instead of queuing a second one.
    {10, "jobs by source update", R"sql(
ALTER TABLE jobs ADD COLUMN source_update bigint NULL;
CREATE UNIQUE INDEX jobs_by_source_update ON jobs (owner_chat, source_update)
  WHERE source_update IS NOT NULL;
)sql"},
};

constexpr bool strictly_increasing() {
  int last = 0;
  for (const auto& m : migrations) {
    if (m.version <= last)
      return false;
    last = m.version;
  }
  return true;
}
static_assert(strictly_increasing(), "migration versions must be unique and increasing");

// Any fixed number works; it only has to be the same in every Phoenix
// instance and differ from other advisory locks on this database ("PHOENIX").
constexpr long long migration_lock_key = 0x50484F454E4958LL;

} // namespace

int latest_schema_version() {
  return std::end(migrations)[-1].version;
}

int schema_migration_count() {
  return static_cast<int>(std::size(migrations));
}

int migrate(pqxx::connection& c) {
  pqxx::work tx{c, "migrate"};
  // Held until commit or rollback: a second instance waits here, then finds
  // the versions the first one recorded.
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", migration_lock_key);
  // CREATE ... IF NOT EXISTS would print a NOTICE on every start.
  tx.exec("SET LOCAL client_min_messages = warning");
  tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY,"
          " name text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
  int applied = 0;
  for (const auto& m : migrations) {
    if (!tx.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version).empty())
      continue;
    tx.exec(m.sql, std::string{"migration "} + std::to_string(m.version));
    tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                   m.name);
    ++applied;
  }
  tx.commit();
  return applied;
}

} // namespace phoenix::core::db
