// The whole protocol: every actor's typed interface, one comment per message.
// Interfaces are added here as the issues that implement the actors land; an
// actor named in DESIGN.md but missing here does not exist yet.
#pragma once

#include "messages/atoms.hpp"
#include "messages/bot.hpp"
#include "messages/cache.hpp"
#include "messages/db.hpp"
#include "messages/football.hpp"
#include "messages/jobs.hpp"
#include "messages/metrics.hpp"
#include "messages/type_ids.hpp"
#include "messages/webhook.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <string>

namespace phoenix {

/// The Telegram network edge: the one way the poller and the sender reach the
/// Bot API. It owns no logic: an HTTP exchange in, its result out. Tests put a
/// scripted stand-in in its place (tests/actor/kit) and run without a socket.
using telegram_edge_actor = caf::typed_actor<
    // One HTTP exchange; network errors and timeouts are results, not CAF errors.
    caf::replies_to<http_atom, core::http_request>::with<core::http_result>,
    // Internal: an exchange finished (sent by the client's io thread).
    caf::reacts_to<http_done_atom, uint64_t, core::http_result>>;

/// The API-Football network edge: the fetchers' one way out. Answers are
/// decoded and checked against the query on the client's io thread
/// (core::read_upstream_answer), off the actors' workers.
using football_edge_actor = caf::typed_actor<
    // One HTTP exchange for the query; answers what it means (data or a typed error).
    caf::replies_to<http_atom, core::http_request,
                    core::football_query>::with<core::upstream_answer>,
    // Internal: an exchange finished and was decoded (sent by the client's io thread).
    caf::reacts_to<http_done_atom, uint64_t, core::upstream_answer>>;

/// The cache: an in-memory TTL + LRU store of strings with a periodic flush
/// to an atomic snapshot file. Writes never touch the disk on the request path.
using cache_actor = caf::typed_actor<
    // Looks a key up: a hit (value, age) or a miss; expired entries are misses.
    caf::replies_to<cache_get_atom, std::string>::with<cache_lookup>,
    // Looks a key up, also answering with an entry expired less than cache.stale-for ago.
    caf::replies_to<cache_get_stale_atom, std::string>::with<cache_lookup>,
    // Stores key -> value for the given TTL in memory and marks the cache dirty.
    caf::reacts_to<cache_put_atom, std::string, std::string, caf::timespan>,
    // Periodic timer (cache.flush-interval): if dirty, hand a snapshot to the writer.
    caf::reacts_to<flush_tick_atom>,
    // Writes the data now (if dirty) and answers once it is on disk.
    caf::replies_to<flush_now_atom>::with<flush_report>,
    // Counters: entries, bytes, hits, misses, evictions, flushes, failures.
    caf::replies_to<stats_atom>::with<cache_stats>>;

/// The cache writer: a detached actor that does the cache's disk I/O.
using cache_writer_actor = caf::typed_actor<
    // Serialises the snapshot and replaces the file atomically (temp file,
    // fsync, rename, fsync of the folder); answers with what it wrote or an error.
    caf::replies_to<write_atom, cache_snapshot>::with<flush_report>>;

/// An API fetcher (fetchers.count of them): builds API-Football requests,
/// calls them through the football HTTP client and retries what is worth it.
using api_fetcher_actor = caf::typed_actor<
    // One upstream call for the query, retried (network errors, 499, 5xx) with
    // backoff inside football.request-timeout; answers data or a typed error.
    caf::replies_to<fetch_atom, core::football_query>::with<fetch_result>,
    // Decodes a cached entry's value (decoding is spread over the fetchers, not the front).
    caf::replies_to<decode_atom, core::football_query,
                    core::cache_entry_ptr>::with<football_answer>,
    // Internal: the backoff before attempt N of call id ended.
    caf::reacts_to<retry_atom, uint64_t>>;

/// The football front: read-through cache, coalescing of identical queries,
/// API-Football's minute and day budgets.
using football_actor = caf::typed_actor<
    // Data for a query: fresh from the cache, from one (shared) upstream call, or
    // stale from the cache (with its age) when the call fails.
    caf::replies_to<football_get_atom, core::football_query>::with<football_answer>,
    // The same for an asker: a call it makes go upstream spends its user's budget
    // (beyond it: refused), and a call held for the minute budget is dropped
    // unanswered once every asker's patience has run out.
    caf::replies_to<football_get_atom, core::football_query, football_asker>::with<football_answer>,
    // Internal: the minute budget may have turned over; calls held back may go.
    caf::reacts_to<quota_tick_atom>,
    // Counters: queries, cache hits, upstream calls, coalesced, stale, errors, quota,
    // held calls dropped and refused, user budget refusals.
    caf::replies_to<stats_atom>::with<football_stats>>;

/// A db worker: a detached actor (libpqxx blocks) owning one PostgreSQL connection.
using db_worker_actor = caf::typed_actor<
    // Runs one operation; reconnects first if the connection was lost, and runs
    // an idempotent operation once more if the connection broke under it.
    caf::replies_to<db_run_atom, core::db::operation>::with<core::db::reply>,
    // Opens the connection now (pool-min connections at start).
    caf::reacts_to<db_connect_atom>>;

/// The db_pool: db.pool-min..db.pool-max connections lent to operations.
using db_pool_actor = caf::typed_actor<
    // Runs an operation on a free connection, or queues it (db.queue-max,
    // db.acquire-timeout); answers its reply or "database busy"/"unavailable".
    caf::replies_to<db_atom, core::db::operation>::with<core::db::reply>,
    // Internal: the oldest queued request's deadline is due (one timer for the
    // whole FIFO queue, not one per request).
    caf::reacts_to<db_expire_atom>,
    // Internal: maintenance (idle connections above pool-min, max lifetime).
    caf::reacts_to<db_tick_atom>,
    // Shutdown: answers once no operation is queued or running (the fire and
    // forget writes of the last updates must reach the database).
    caf::replies_to<db_drain_atom>::with<bool>,
    // From a worker: it re-opened a lost connection.
    caf::reacts_to<db_reconnected_atom>,
    // Counters: size, idle, in use, waiting, served, timeouts, errors, reconnects.
    caf::replies_to<stats_atom>::with<db_stats>>;

/// The sender: every outgoing Bot API call, within limits.global-per-second,
/// limits.chat-per-second and limits.group-per-minute; in order per chat.
using telegram_sender_actor = caf::typed_actor<
    // Queues a call; answers once Telegram accepted it (retries for 429, 5xx and
    // network errors included) or refused it for good (403 blocked, other 4xx).
    caf::replies_to<tg_send_atom, outgoing_call>::with<send_report>,
    // Internal: the next rate-limit slot (or the end of a 429 pause) is due.
    caf::reacts_to<tg_tick_atom>,
    // Internal: fails exchanges the edge left unanswered past their deadline
    // (one timer a second while any is out, not one CAF timer per request).
    caf::reacts_to<tg_watch_atom>,
    // Counters: queued, sent, retries, 429s and pause time, failures, blocked.
    caf::replies_to<stats_atom>::with<sender_stats>>;

/// A conversation: one per active chat; handles its chat's updates in order.
using conversation_actor = caf::typed_actor<
    // An update of this chat (queued behind the one being handled).
    caf::reacts_to<tg_update_atom, core::telegram_update>,
    // Internal: the idle timer number N ran out (only the newest counts).
    caf::reacts_to<idle_atom, uint64_t>>;

/// The dispatcher: routes updates to the conversation of their chat.
using dispatcher_actor = caf::typed_actor<
    // From the poller: an update to handle (spawns the chat's conversation on demand).
    caf::reacts_to<tg_update_atom, core::telegram_update>,
    // From a conversation: update N of chat C is handled; passed on to the poller.
    caf::reacts_to<tg_done_atom, int64_t, int64_t>,
    // From the poller, before the first update: the bot's username (getMe), so
    // that "/stats@this_bot 1" counts and "/stats@other_bot 1" does not.
    caf::reacts_to<bot_name_atom, std::string>,
    // From a conversation: chat C was idle for handlers.idle-timeout (> 0; at
    // 0 the dispatcher stops a conversation once its last update is done); it
    // is stopped unless an update for it is already on its way.
    caf::reacts_to<idle_atom, int64_t>,
    // Counters: conversations alive, updates queued in them, the longest queue.
    caf::replies_to<stats_atom>::with<dispatcher_stats>>;

/// The poller: getUpdates long polling, offsets and the dedupe window.
using telegram_poller_actor = caf::typed_actor<
    // Internal: poll (again).
    caf::reacts_to<tg_poll_atom>,
    // From the dispatcher: update N of chat C is handled.
    caf::reacts_to<tg_done_atom, int64_t, int64_t>,
    // Orderly stop: no more polls, in-flight updates finish (with a deadline),
    // the offset is confirmed to Telegram and saved; answers the final offset.
    caf::replies_to<tg_stop_atom>::with<int64_t>,
    // Internal: the drain deadline passed.
    caf::reacts_to<tg_drain_atom>,
    // Internal: read the database inbox of before the restart again (the
    // database did not answer); new updates wait for it, at most 30 s.
    caf::reacts_to<tg_inbox_atom>,
    // From the lifecycle, when this instance became the active one: start
    // (deleteWebhook, getMe, inbox replay, polling) with this leadership
    // epoch on its writes. A poller configured to wait for it does nothing before.
    caf::reacts_to<leader_atom, int64_t>,
    // Webhook mode, from the intake: an update committed to the inbox; to the
    // dispatcher unless it is in hand already (held while the inbox is read).
    caf::reacts_to<tg_push_atom, core::telegram_update>,
    // Webhook mode, internal: call setWebhook (again, after a failure).
    caf::reacts_to<tg_sethook_atom>,
    // Webhook mode with several instances, from the inbox listener: a standby
    // kept updates in the inbox. The active poller reads it and takes, in
    // order, those it does not hold; pushes wait for that read.
    caf::reacts_to<tg_wake_atom>,
    // Counters: polls, errors, updates received/handled/duplicate, in flight.
    caf::replies_to<stats_atom>::with<poller_stats>>;

/// The webhook intake (webhook mode): commits each POSTed update to the
/// database inbox before it is acknowledged, then hands it to the poller.
/// Separate from the poller, which handles what the inbox holds.
using telegram_webhook_actor = caf::typed_actor<
    // From the webhook server: an update to commit; answered through its
    // responder: 200 (committed, or handled already), 400 (not an update),
    // 503 (the database did not commit within its deadline).
    caf::reacts_to<tg_hook_atom, webhook_request>,
    // From the webhook server: how a request was answered (counted, refusals logged).
    caf::reacts_to<tg_hooked_atom, core::webhook_outcome>,
    // From the lifecycle: this instance became the active one. From now on a
    // committed update goes to the poller; before, its commit notifies the
    // active instance instead (a standby handles nothing).
    caf::reacts_to<leader_atom, int64_t>,
    // Counters: requests by status, repeats, acknowledgement latency.
    caf::replies_to<stats_atom>::with<webhook_stats>>;

/// The job registry: background jobs, at most jobs.max-running at once, a
/// bounded queue, and a periodic reaper that keeps finished jobs bounded.
/// With a database, the queue is the jobs table shared by every instance
/// (standbys too): each claims jobs under a lease it renews; the active one
/// tells owners the results.
using job_registry_actor = caf::typed_actor<
    // Creates a job for chat C asked by update U (kind, parameters): its id at
    // once, or "busy". With the shared queue, U asking again (handled again
    // after a failover) answers the job it queued, marked `repeated`.
    caf::replies_to<job_create_atom, int64_t, int64_t, std::string, std::string>::with<job_reply>,
    // Job N as chat C may see it (from memory, else from the database).
    caf::replies_to<job_get_atom, int64_t, int64_t>::with<job_reply>,
    // The newest jobs of chat C.
    caf::replies_to<job_list_atom, int64_t>::with<job_reply>,
    // Cancels job N of chat C (only the owner may).
    caf::replies_to<job_cancel_atom, int64_t, int64_t>::with<job_reply>,
    // From a job worker: job N's progress line.
    caf::reacts_to<job_progress_atom, int64_t, std::string>,
    // From a job worker: job N finished (ok or failed) with its result.
    caf::reacts_to<job_done_atom, int64_t, bool, std::string>,
    // Periodic (jobs.reap-interval): removes finished jobs past jobs.ttl and
    // beyond jobs.max-finished; only the registry's own timer re-arms it.
    caf::reacts_to<reap_atom>,
    // Internal (periodic, a quarter of jobs.timeout): cancels jobs running
    // past jobs.timeout. One timer for all jobs, not one per job.
    caf::reacts_to<job_timeout_atom>,
    // Internal (periodic, jobs.claim-interval; database only): renew the
    // leases of the jobs running here, claim jobs for the free slots, and,
    // when active, send the results not yet sent.
    caf::reacts_to<job_claim_atom>,
    // From the lifecycle: this instance became the active one (with this
    // epoch); from now on it sends the results of jobs run on any instance.
    caf::reacts_to<leader_atom, int64_t>,
    // Counters: queued, running, finished, rejected, reaped.
    caf::replies_to<stats_atom>::with<job_stats>>;

/// The live alerts (issue 17), on the active instance only: while anyone is
/// subscribed, polls fixtures?live=all through the football actor (as
/// background work) every alerts.poll-interval, diffs it with the last poll
/// and fans each alert about a followed team out through the sender's bulk
/// lane, claiming every chat in the database first (each alert once).
using live_alerts_actor = caf::typed_actor<
    // Its own periodic tick: poll unless the last poll's alerts are still being handed out.
    caf::reacts_to<live_tick_atom>,
    // From the lifecycle: this instance became the active one; start polling.
    caf::reacts_to<leader_atom, int64_t>,
    // Counters: polls, errors, alerts, messages sent, edited, failed.
    caf::replies_to<stats_atom>::with<live_stats>>;

/// The memory trimmer: every memory.trim-interval, the allocator's free pages
/// go back to the system (malloc_trim), so RSS falls after a crowd of chats.
using memory_trimmer_actor = caf::typed_actor<
    // Its own periodic tick (only its own re-arms it).
    caf::reacts_to<trim_tick_atom>>;

/// The metrics actor: turns the metrics server's requests into stats requests
/// to every actor (by message, 1 s deadline) and renders the answers.
using metrics_actor = caf::typed_actor<
    // GET /metrics, /healthz or /readyz (else 404); answered through its responder.
    caf::reacts_to<scrape_atom, metrics_request>,
    // Periodic (5 s): a cheap query to the database pool, so that a quiet bot
    // still knows whether the database answers.
    caf::reacts_to<health_ping_atom>,
    // From the leadership actor: this instance's role ("active", "standby",
    // "lost") and epoch, for /metrics and /healthz (a standby does not poll).
    caf::reacts_to<leader_atom, std::string, int64_t>>;

/// Leadership (detached: blocking libpq on a connection of its own): waits
/// for the bot's session advisory lock, raises the epoch when it gets it and
/// tells the lifecycle; then checks the lock's connection every ha.lock-retry
/// and reports its loss.
using leadership_actor = caf::typed_actor<
    // Internal: try for the lock (standby) or check it (active).
    caf::reacts_to<lead_tick_atom>,
    // Orderly stop (after the poller's last writes): close the lock's
    // connection, so that a standby takes over at once; answers true.
    caf::replies_to<resign_atom>::with<bool>>;

/// The inbox listener (webhook mode with ha.leader-lock): a detached actor
/// (blocking libpq) on a connection of its own LISTENs for standbys' commits
/// to the inbox and wakes the poller.
using inbox_listener_actor = caf::typed_actor<
    // Internal: wait up to 250 ms for notifications, wake the poller, again.
    caf::reacts_to<listen_atom>>;

/// The application's root: owns the other actors and the shutdown order.
using lifecycle_actor = caf::typed_actor<
    // Orderly shutdown: stop polling and drain, stop the workers, flush the
    // cache, close the database pool, then quit.
    caf::reacts_to<shutdown_atom>,
    // A part of Phoenix cannot go on (the bot token was rejected): shut down
    // and exit with this code.
    caf::reacts_to<fatal_atom, int>,
    // The poller to stop (and drain) first; spawned after the lifecycle actor
    // because it reports fatal errors to it.
    caf::reacts_to<manage_atom, telegram_poller_actor>,
    // From the leadership actor: this instance is active with this epoch:
    // passed on to the poller, which starts (inbox replay, then polling).
    caf::reacts_to<leader_atom, int64_t>,
    // From the leadership actor (lock connection broken) or the poller (a
    // write refused for an older epoch): another instance leads. Stops the
    // poller and the sender at once, then the rest; exit code 4.
    caf::reacts_to<lead_lost_atom>,
    // The leadership actor, told to resign once the poller stopped.
    caf::reacts_to<manage_atom, leadership_actor>,
    // Webhook mode: the intake, told leader_atom with the poller.
    caf::reacts_to<manage_atom, telegram_webhook_actor>,
    // The live alerts, told leader_atom with the poller (a standby sends none).
    caf::reacts_to<manage_atom, live_alerts_actor>>;

} // namespace phoenix
