// Every option Phoenix reads: section, name, the settings field it fills, a
// help line (--help, the INI comments) and its allowed range or choices.
// Checked and applied in app/config.cpp.
#include "app/config.hpp"

#include <string>
#include <vector>

namespace phoenix {

namespace {

// Durations' bounds are in milliseconds.
constexpr int64_t second = 1000;
constexpr int64_t minute = 60 * second;
constexpr int64_t hour = 60 * minute;
constexpr int64_t day = 24 * hour;

option_spec text(const char* section, const char* name, std::string settings::*field,
                 const char* help, std::vector<std::string> choices = {}) {
  return option_spec{section, name, field, help, 0, 0, std::move(choices), nullptr, false};
}

option_spec secret(const char* section, const char* name, std::string settings::*field,
                   const char* help, const char* env) {
  return option_spec{section, name, field, help, 0, 0, {}, env, true};
}

option_spec count(const char* section, const char* name, int64_t settings::*field, const char* help,
                  int64_t min, int64_t max) {
  return option_spec{section, name, field, help, min, max, {}, nullptr, false};
}

option_spec duration(const char* section, const char* name, caf::timespan settings::*field,
                     const char* help, int64_t min_ms, int64_t max_ms) {
  return option_spec{section, name, field, help, min_ms, max_ms, {}, nullptr, false};
}

} // namespace

const std::vector<option_spec>& option_specs() {
  using s = settings;
  static const std::vector<option_spec> specs{
      secret("telegram", "token", &s::telegram_token, "bot token (prefer env TELEGRAM_BOT_TOKEN)",
             "TELEGRAM_BOT_TOKEN"),
      text("telegram", "api-url", &s::telegram_api_url, "Bot API base URL (fakes, local server)"),
      // 0 would make getUpdates return at once, again and again: a busy loop.
      duration("telegram", "poll-timeout", &s::telegram_poll_timeout,
               "getUpdates long-poll timeout", second, 50 * second),
      text("telegram", "mode", &s::telegram_mode,
           "how updates arrive: getUpdates, or POSTed by Telegram to webhook.url",
           {"polling", "webhook"}),
      // Paid broadcasts cost Telegram Stars per message beyond the free 30/s.
      text("telegram", "paid-broadcast", &s::telegram_paid_broadcast,
           "on: goal alerts use allow_paid_broadcast, up to 1000 messages/s", {"on", "off"}),
      // One fixtures?live=all call per interval while anyone is subscribed.
      duration("alerts", "poll-interval", &s::alerts_poll_interval,
               "how often live fixtures are polled for goal alerts", 100, hour),
      text("webhook", "listen", &s::webhook_listen,
           "host:port the webhook server listens on (behind the TLS proxy)"),
      text("webhook", "path", &s::webhook_path, "the path Telegram POSTs to"),
      text("webhook", "url", &s::webhook_url,
           "the HTTPS URL given to setWebhook (the proxy's), webhook mode"),
      secret("webhook", "secret-token", &s::webhook_secret_token,
             "1-256 of A-Z a-z 0-9 _ - sent back by Telegram (prefer env WEBHOOK_SECRET_TOKEN)",
             "WEBHOOK_SECRET_TOKEN"),
      count("webhook", "max-body", &s::webhook_max_body, "bytes of a webhook body; beyond: 413",
            1024, int64_t{64} << 20),
      count("webhook", "max-connections", &s::webhook_max_connections,
            "setWebhook's max_connections: Telegram's requests at once", 1, 100),
      text("webhook", "allowed-networks", &s::webhook_allowed_networks,
           "CIDR list allowed to POST, e.g. Telegram's \"149.154.160.0/20, 91.108.4.0/22\" "
           "(\"\": any)"),
      text("football", "api-url", &s::football_api_url, "API-Football base URL"),
      secret("football", "api-key", &s::football_api_key,
             "API-Football key (prefer env API_FOOTBALL_KEY)", "API_FOOTBALL_KEY"),
      text("football", "timezone", &s::football_timezone, "time zone for dates shown and asked"),
      duration("football", "request-timeout", &s::football_request_timeout,
               "deadline of one upstream request", 100, 2 * minute),
      count("football", "retries", &s::football_retries, "retries for network errors, 499 and 5xx",
            0, 10),
      duration("football", "ttl-live", &s::football_ttl_live, "cache TTL of live fixtures", second,
               hour),
      duration("football", "ttl-stats", &s::football_ttl_stats,
               "cache TTL of statistics of a match in play", second, day),
      duration("football", "ttl-finished", &s::football_ttl_finished,
               "cache TTL of finished match data", minute, 30 * day),
      duration("football", "ttl-fixtures", &s::football_ttl_fixtures,
               "cache TTL of fixtures by date", second, day),
      // Sized for API-Football's per-minute plans (docs/operations.md): the
      // budget, not this cap, limits calls; a cap below it makes users wait in Phoenix.
      count("football", "max-connections", &s::football_max_connections,
            "connections to API-Football at once", 1, 4096),
      count("football", "max-held", &s::football_max_held,
            "calls waiting for the minute budget, beyond: \"busy\" (0: none wait)", 0, 100000),
      count("fetchers", "count", &s::fetchers_count, "API fetcher actors", 1, 64),
      count("net", "io-threads", &s::net_io_threads, "Asio threads of the Telegram HTTP client", 1,
            16),
      count("net", "max-connections-per-host", &s::net_max_connections_per_host,
            "keep-alive connections to Telegram", 1, 1024),
      secret("db", "uri", &s::db_uri, "PostgreSQL URI (prefer env DATABASE_URL)", "DATABASE_URL"),
      count("db", "pool-min", &s::db_pool_min, "connections opened at start", 0, 500),
      count("db", "pool-max", &s::db_pool_max, "most connections at once", 1, 500),
      duration("db", "acquire-timeout", &s::db_acquire_timeout,
               "longest wait for a free connection", 10, 5 * minute),
      count("db", "queue-max", &s::db_queue_max, "requests waiting for a connection", 0, 1000000),
      count("db", "bookkeeping-backlog", &s::db_bookkeeping_backlog,
            "request-log and user rows queued at most (each), beyond: dropped and counted", 1,
            10000000),
      duration("db", "idle-timeout", &s::db_idle_timeout,
               "idle connections above pool-min close after", second, day),
      duration("db", "max-lifetime", &s::db_max_lifetime, "connections are recycled after", minute,
               7 * day),
      duration("db", "statement-timeout", &s::db_statement_timeout,
               "the server cancels a longer statement (lock waits included)", 100, hour),
      duration("db", "idle-in-transaction-timeout", &s::db_idle_in_transaction_timeout,
               "the server ends a transaction left idle longer", 100, hour),
      count("jobs", "max-running", &s::jobs_max_running, "jobs running at once", 1, 256),
      count("jobs", "queue-max", &s::jobs_queue_max, "jobs waiting to run", 0, 100000),
      duration("jobs", "timeout", &s::jobs_timeout, "a longer job is cancelled", second, day),
      duration("jobs", "ttl", &s::jobs_ttl, "finished jobs are reaped after", minute, 30 * day),
      duration("jobs", "reap-interval", &s::jobs_reap_interval, "period of the reap tick", second,
               day),
      count("jobs", "max-finished", &s::jobs_max_finished, "finished jobs kept in memory", 0,
            1000000),
      count("jobs", "keep-days", &s::jobs_keep_days,
            "finished jobs are deleted from the database after this many days", 1, 3650),
      count("alerts", "max-subscriptions", &s::alerts_max_subscriptions,
            "teams one chat may follow (/subscribe), 0: no cap", 0, 10000),
      duration("jobs", "claim-interval", &s::jobs_claim_interval,
               "period of the queue tick: renew leases, claim jobs, send results", 100, minute),
      duration("jobs", "lease", &s::jobs_lease,
               "a job whose lease was not renewed this long is run by another instance", second,
               hour),
      count("jobs", "max-attempts", &s::jobs_max_attempts,
            "claims of a job whose instances died, then it fails", 1, 100),
      text("cache", "path", &s::cache_path, "cache snapshot file"),
      duration("cache", "flush-interval", &s::cache_flush_interval, "period of the flush tick",
               second, day),
      count("cache", "max-entries", &s::cache_max_entries, "LRU eviction beyond this many entries",
            1, 100000000),
      count("cache", "max-bytes", &s::cache_max_bytes, "LRU eviction beyond this many bytes",
            int64_t{1} << 20, int64_t{1} << 40),
      duration("cache", "stale-for", &s::cache_stale_for,
               "expired entries kept to serve when the source fails (0s: none)", 0, 30 * day),
      count("cache", "decoded-entries", &s::cache_decoded_entries,
            "cached answers also kept decoded, so a hit is not parsed again (0: none)", 0, 1000000),
      count("limits", "global-per-second", &s::limits_global_per_second,
            "outgoing messages per second in all (0: off)", 0, 10000),
      count("limits", "chat-per-second", &s::limits_chat_per_second,
            "outgoing messages per second per chat (0: off)", 0, 1000),
      count("limits", "group-per-minute", &s::limits_group_per_minute,
            "outgoing messages per minute per group (0: off)", 0, 10000),
      // Telegram counts on arrival; a send that got no answer may still arrive.
      duration("limits", "jitter-margin", &s::limits_jitter_margin,
               "added after a send that got no answer (it may still arrive)", 0, second),
      count("limits", "user-commands-per-minute", &s::limits_user_commands_per_minute,
            "commands per minute per user before flood control (0: off)", 0, 100000),
      count("limits", "user-upstream-per-minute", &s::limits_user_upstream_per_minute,
            "API-Football calls per minute per user; cache hits are free (0: off)", 0, 100000),
      count("handlers", "max-in-flight", &s::handlers_max_in_flight,
            "updates being handled at once (backpressure)", 1, 1000000),
      count("handlers", "max-queued-per-chat", &s::handlers_max_queued_per_chat,
            "updates queued per chat; the rest of a burst is confirmed unhandled (0: off)", 0,
            1000000),
      duration("handlers", "idle-timeout", &s::handlers_idle_timeout,
               "a conversation with no work left stops after this (0: at once)", 0, day),
      duration("handlers", "max-update-age", &s::handlers_max_update_age,
               "an update not answered by then is given up (counted as expired)", minute, day),
      duration("handlers", "inbox-wait", &s::handlers_inbox_wait,
               "new updates wait this long for the inbox of a database down at start", 0,
               10 * minute),
      duration("memory", "trim-interval", &s::memory_trim_interval,
               "free memory goes back to the system this often (malloc_trim; 0: off)", 0, hour),
      text("memory", "thread-cache", &s::memory_thread_cache,
           "glibc's per-thread cache of freed blocks (off: a crowd's memory goes back)",
           {"on", "off"}),
      text("metrics", "listen", &s::metrics_listen,
           "host:port of /metrics and /healthz (\"\": off)"),
      // Instances on one database: only the holder of the bot's lock polls.
      text("ha", "leader-lock", &s::ha_leader_lock,
           "on: only the instance holding the bot's PostgreSQL lock polls; off: poll at once",
           {"on", "off"}),
      duration("ha", "lock-retry", &s::ha_lock_retry,
               "a standby's wait for the lock per try; the active one's lock check period", 100,
               second),
      duration("ha", "keepalive-idle", &s::ha_keepalive_idle,
               "lock connection: silence before TCP keepalive probes (both ends)", second,
               10 * minute),
      duration("ha", "keepalive-interval", &s::ha_keepalive_interval,
               "lock connection: time between keepalive probes", second, minute),
      count("ha", "keepalive-count", &s::ha_keepalive_count,
            "lock connection: unanswered probes before the peer counts as dead", 1, 100),
      text("log", "level", &s::log_level, "log level",
           {"trace", "debug", "info", "warn", "error", "critical", "off"}),
      text("log", "format", &s::log_format, "log line format", {"text", "json"}),
  };
  return specs;
}

} // namespace phoenix
