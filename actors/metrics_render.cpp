#include "actors/metrics_render.hpp"

#include "core/ops/metrics_text.hpp"

namespace phoenix {

namespace {

using core::exposition;

double number(uint64_t x) {
  return static_cast<double>(x);
}

void render_poller(exposition& out, const poller_stats& s) {
  out.counter("phoenix_polls_total", "getUpdates calls.", number(s.polls));
  out.counter("phoenix_poll_errors_total", "Failed getUpdates calls (network, 5xx, 409, 429).",
              number(s.poll_errors));
  out.gauge("phoenix_last_poll_success_seconds", "Unix time of the last successful getUpdates.",
            static_cast<double>(s.last_poll_ok_unix));
  out.counter("phoenix_updates_received_total", "Updates taken from Telegram.", number(s.received));
  out.counter("phoenix_updates_handled_total", "Updates whose handler finished.",
              number(s.handled));
  out.counter("phoenix_updates_duplicate_total",
              "Updates skipped as already handled (a restart's window).", number(s.duplicates));
  out.counter("phoenix_update_renumberings_total",
              "Times Telegram restarted its update ids below the ones seen.", number(s.renumbered));
  out.counter("phoenix_updates_flood_dropped_total",
              "Updates over handlers.max-queued-per-chat, confirmed without handling.",
              number(s.flood_dropped));
  out.counter("phoenix_flood_notices_total",
              "Notices to chats sending more than handlers.max-queued-per-chat (one per episode).",
              number(s.flood_notices));
  out.gauge("phoenix_updates_in_flight", "Updates received, not yet handled.", number(s.in_flight));
  out.histogram("phoenix_update_latency_seconds",
                "Time from receiving an update from Telegram until its handler finished.",
                s.latency);
}

void render_webhook(exposition& out, const webhook_stats& s) {
  out.family("phoenix_webhook_requests_total", "counter",
             "Webhook requests by the status answered (200: committed to the inbox or a repeat).");
  for (auto [code, n] : {std::pair{"200", s.ok},
                         {"400", s.bad_request},
                         {"401", s.unauthorized},
                         {"403", s.forbidden},
                         {"404", s.not_found},
                         {"405", s.not_allowed},
                         {"413", s.too_large},
                         {"503", s.unavailable}})
    out.sample("phoenix_webhook_requests_total", number(n), {{"code", code}});
  out.counter("phoenix_webhook_repeats_total",
              "Webhook deliveries of updates handled or in hand already (200, no work).",
              number(s.repeats));
  out.histogram("phoenix_webhook_ack_latency_seconds",
                "Time from a webhook request's head to its 200 (the inbox commit included).",
                s.ack_latency);
}

void render_live(exposition& out, const live_stats& s) {
  out.counter("phoenix_live_polls_total", "fixtures?live=all answers the alert engine used.",
              number(s.polls));
  out.counter("phoenix_live_poll_errors_total",
              "Live polls that brought nothing (budget spent, upstream failing, stale cache only).",
              number(s.poll_errors));
  out.counter("phoenix_alerts_total", "Alerts about followed teams (new messages and edits).",
              number(s.alerts));
  out.family("phoenix_alert_messages_total", "counter",
             "Alert messages by outcome (sent, edited: accepted by Telegram; failed: refused or "
             "given up, 403 included).");
  for (auto [outcome, n] : {std::pair{"sent", s.sent}, {"edited", s.edited}, {"failed", s.failed}})
    out.sample("phoenix_alert_messages_total", number(n), {{"outcome", outcome}});
  out.gauge("phoenix_alerts_queued", "Alerts waiting for their fan-out to start.",
            number(s.queued));
}

void render_dispatcher(exposition& out, const dispatcher_stats& s) {
  out.gauge("phoenix_chats_active", "Conversations alive (one per active chat).", number(s.chats));
  out.gauge("phoenix_chat_queue_updates", "Updates queued in conversations, all chats.",
            number(s.queued));
  out.gauge("phoenix_chat_queue_max", "The longest single chat's queue.", number(s.max_queue));
  out.counter("phoenix_updates_failed_total",
              "Updates given up because their conversation failed on them twice.",
              number(s.failed));
}

void render_sender(exposition& out, const sender_stats& s) {
  out.gauge("phoenix_sender_queue", "Bot API calls waiting to be sent.", number(s.queued));
  out.counter("phoenix_messages_sent_total", "Bot API calls Telegram accepted.", number(s.sent));
  out.counter("phoenix_send_retries_total", "Bot API calls sent again.", number(s.retries));
  out.counter("phoenix_telegram_429_total", "429 answers from Telegram.", number(s.rate_limited));
  out.counter("phoenix_telegram_pause_seconds_total",
              "Time all sending was paused by 429 retry_after.",
              static_cast<double>(s.paused_ms) / 1000.0);
  out.counter("phoenix_send_failures_total",
              "Bot API calls Telegram refused for good (400 and other 4xx but 403, 429).",
              number(s.failed));
  out.counter("phoenix_users_blocked_total", "403 answers: the user blocked the bot.",
              number(s.blocked));
  out.counter("phoenix_send_expired_total",
              "Bot API calls given up after failing transiently for their whole retry time.",
              number(s.expired));
  out.counter("phoenix_send_ambiguous_retries_total",
              "Retries of a call that may already have reached Telegram (a possible repeat).",
              number(s.ambiguous_retries));
}

void render_football(exposition& out, const football_stats& s) {
  out.counter("phoenix_football_queries_total", "Queries for football data.", number(s.queries));
  out.counter("phoenix_football_cache_hits_total", "Football queries answered from the cache.",
              number(s.cache_hits));
  out.counter("phoenix_upstream_calls_total", "API-Football calls.", number(s.upstream_calls));
  out.counter("phoenix_upstream_coalesced_total", "Queries that joined a call already in flight.",
              number(s.coalesced));
  out.counter("phoenix_upstream_errors_total", "Football queries answered with an error.",
              number(s.errors));
  out.counter("phoenix_upstream_stale_total",
              "Queries answered with stale cached data after an upstream error.",
              number(s.stale_served));
  out.counter("phoenix_upstream_quota_waits_total", "Calls held back for the minute budget.",
              number(s.quota_waits));
  out.counter("phoenix_upstream_held_dropped_total",
              "Held calls dropped unmade: everyone waiting had given up.", number(s.held_dropped));
  out.counter("phoenix_upstream_held_refused_total",
              "Queries answered \"busy\": the queue of held calls was full.",
              number(s.held_refused));
  out.counter("phoenix_upstream_user_refusals_total",
              "Queries not sent upstream: their user's budget of calls per minute was spent.",
              number(s.user_refusals));
  out.histogram("phoenix_upstream_latency_seconds", "One API-Football call, retries included.",
                s.latency);
  out.family("phoenix_quota_remaining", "gauge",
             "API-Football requests left as it last reported (-1: unknown).");
  out.sample("phoenix_quota_remaining", static_cast<double>(s.day_remaining), {{"window", "day"}});
  out.sample("phoenix_quota_remaining", static_cast<double>(s.minute_remaining),
             {{"window", "minute"}});
}

void render_cache(exposition& out, const cache_stats& s) {
  out.gauge("phoenix_cache_entries", "Entries in the cache.", number(s.entries));
  out.gauge("phoenix_cache_bytes", "Bytes of keys and values in the cache.", number(s.bytes));
  out.counter("phoenix_cache_hits_total", "Cache lookups that found a fresh entry.",
              number(s.hits));
  out.counter("phoenix_cache_misses_total", "Cache lookups that found nothing fresh.",
              number(s.misses));
  out.counter("phoenix_cache_evictions_total", "Entries dropped for the entry or byte budget.",
              number(s.evictions));
  out.counter("phoenix_cache_expirations_total", "Entries dropped after their TTL.",
              number(s.expirations));
  out.counter("phoenix_cache_flushes_total", "Snapshots written to disk.", number(s.flushes));
  out.counter("phoenix_cache_flush_failures_total", "Snapshot writes that failed.",
              number(s.flush_failures));
  out.gauge("phoenix_cache_dirty", "1 if memory has writes not yet on disk.", s.dirty ? 1 : 0);
}

void render_db(exposition& out, const db_stats& s) {
  out.gauge("phoenix_db_pool_size", "Database connections open or opening.", number(s.size));
  out.family("phoenix_db_pool_connections", "gauge", "Database connections by state.");
  out.sample("phoenix_db_pool_connections", number(s.idle), {{"state", "idle"}});
  out.sample("phoenix_db_pool_connections", number(s.in_use), {{"state", "in_use"}});
  out.gauge("phoenix_db_pool_waiting", "Requests queued for a connection.", number(s.waiting));
  out.counter("phoenix_db_operations_total", "Database operations run.", number(s.served));
  out.counter("phoenix_db_timeouts_total",
              "Operations answered \"database busy\" (queue full or acquire-timeout).",
              number(s.timeouts));
  out.counter("phoenix_db_errors_total", "Statements that failed.", number(s.errors));
  out.counter("phoenix_db_unavailable_total", "Operations answered \"database unavailable\".",
              number(s.unavailable));
  out.counter("phoenix_db_reconnects_total", "Connections re-opened after a loss.",
              number(s.reconnects));
  out.counter("phoenix_db_batched_total",
              "Write requests joined into another's statement (one round trip for many).",
              number(s.batched));
  out.counter("phoenix_db_rows_dropped_total",
              "Request-log and user rows not written: more queued than db.bookkeeping-backlog.",
              number(s.rows_dropped));
}

void render_jobs(exposition& out, const job_stats& s) {
  out.family("phoenix_jobs", "gauge", "Jobs in memory by status.");
  out.sample("phoenix_jobs", number(s.queued), {{"status", "queued"}});
  out.sample("phoenix_jobs", number(s.running), {{"status", "running"}});
  out.sample("phoenix_jobs", number(s.finished_in_memory), {{"status", "finished"}});
  out.family("phoenix_jobs_completed_total", "counter", "Jobs that ended, by outcome.");
  out.sample("phoenix_jobs_completed_total", number(s.done), {{"status", "done"}});
  out.sample("phoenix_jobs_completed_total", number(s.failed), {{"status", "failed"}});
  out.sample("phoenix_jobs_completed_total", number(s.cancelled), {{"status", "cancelled"}});
  out.counter("phoenix_jobs_rejected_total", "Jobs refused because the queue was full.",
              number(s.rejected));
  out.counter("phoenix_jobs_reaped_total", "Finished jobs removed by the reaper.",
              number(s.reaped));
}

} // namespace

std::string render_metrics(const metrics_snapshot& s) {
  exposition out;
  out.family("phoenix_role", "gauge",
             "1 for this instance's leadership role (active polls; standby waits for the lock).");
  for (const char* role : {"active", "standby", "lost", "off"})
    out.sample("phoenix_role", s.role == role ? 1 : 0, {{"role", role}});
  out.gauge("phoenix_leader_epoch",
            "Leadership epoch of this instance (raised at every takeover; 0: none).",
            static_cast<double>(s.epoch));
  out.family("phoenix_scrape_ok", "gauge", "1 if the actor answered this scrape in time.");
  auto up = [&](const char* actor, bool answered) {
    out.sample("phoenix_scrape_ok", answered ? 1 : 0, {{"actor", actor}});
  };
  up("poller", s.poller.has_value());
  up("dispatcher", s.dispatcher.has_value());
  up("sender", s.sender.has_value());
  up("football", s.football.has_value());
  up("cache", s.cache.has_value());
  up("db", s.db.has_value());
  up("jobs", s.jobs.has_value());
  if (s.poller)
    render_poller(out, *s.poller);
  if (s.dispatcher)
    render_dispatcher(out, *s.dispatcher);
  if (s.sender)
    render_sender(out, *s.sender);
  if (s.football)
    render_football(out, *s.football);
  if (s.cache)
    render_cache(out, *s.cache);
  if (s.db)
    render_db(out, *s.db);
  if (s.jobs)
    render_jobs(out, *s.jobs);
  if (s.webhook)
    render_webhook(out, *s.webhook);
  if (s.live)
    render_live(out, *s.live);
  out.gauge("process_resident_memory_bytes", "Resident memory of the process.",
            number(s.resident_bytes));
  out.gauge("process_open_fds", "Open file descriptors of the process.", number(s.open_fds));
  return out.text();
}

} // namespace phoenix
