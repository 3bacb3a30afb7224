// Project atoms. They live in namespace phoenix so that `using namespace caf`
// elsewhere cannot make them ambiguous with caf::get_atom, caf::flush_atom, ...
#pragma once

#include <caf/atom.hpp>

namespace phoenix {

/// Looks a key up in the cache.
using cache_get_atom = caf::atom_constant<caf::atom("cache_get")>;
/// Looks a key up, accepting an expired entry (served when the source fails).
using cache_get_stale_atom = caf::atom_constant<caf::atom("cache_old")>;
/// Stores a key/value pair in the cache (memory only).
using cache_put_atom = caf::atom_constant<caf::atom("cache_put")>;
/// The cache's periodic flush timer.
using flush_tick_atom = caf::atom_constant<caf::atom("flush_tick")>;
/// Asks the cache to put its data on disk now and answer when it is there.
using flush_now_atom = caf::atom_constant<caf::atom("flush_now")>;
/// Hands a snapshot to the cache writer.
using write_atom = caf::atom_constant<caf::atom("write")>;
/// Asks the football front for data.
using football_get_atom = caf::atom_constant<caf::atom("fb_get")>;
/// The football front's timer: calls held for the minute budget may go.
using quota_tick_atom = caf::atom_constant<caf::atom("fb_quota")>;
/// Asks a fetcher to call API-Football.
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
/// Asks a fetcher to decode a cached answer.
using decode_atom = caf::atom_constant<caf::atom("decode")>;
/// Asks a network edge for one HTTP exchange.
using http_atom = caf::atom_constant<caf::atom("http")>;
/// An HTTP exchange finished (sent from an io thread).
using http_done_atom = caf::atom_constant<caf::atom("http_done")>;
/// A fetcher's backoff before the next attempt ended.
using retry_atom = caf::atom_constant<caf::atom("retry")>;
/// Asks the db_pool to run a typed operation.
using db_atom = caf::atom_constant<caf::atom("db")>;
/// Asks a db worker to run an operation on its connection.
using db_run_atom = caf::atom_constant<caf::atom("db_run")>;
/// Asks a db worker to open its connection now.
using db_connect_atom = caf::atom_constant<caf::atom("db_connect")>;
/// A db worker re-opened a lost connection.
using db_reconnected_atom = caf::atom_constant<caf::atom("db_recon")>;
/// A queued db request's acquire deadline passed.
using db_expire_atom = caf::atom_constant<caf::atom("db_expire")>;
/// The db_pool's maintenance timer (idle and lifetime limits).
using db_tick_atom = caf::atom_constant<caf::atom("db_tick")>;
/// Asks the sender to make a Bot API call.
using tg_send_atom = caf::atom_constant<caf::atom("tg_send")>;
/// The sender's timer: the next rate-limit slot is due.
using tg_tick_atom = caf::atom_constant<caf::atom("tg_tick")>;
/// The sender's once-a-second look for exchanges the edge never answered.
using tg_watch_atom = caf::atom_constant<caf::atom("tg_watch")>;
/// The poller's own "poll again" (after a backoff or a free slot).
using tg_poll_atom = caf::atom_constant<caf::atom("tg_poll")>;
/// From the webhook intake to the poller: an update committed to the inbox.
using tg_push_atom = caf::atom_constant<caf::atom("tg_push")>;
/// From the webhook server to the intake: one POSTed update to commit.
using tg_hook_atom = caf::atom_constant<caf::atom("tg_hook")>;
/// From the webhook server to the intake: how a request was answered.
using tg_hooked_atom = caf::atom_constant<caf::atom("tg_hooked")>;
/// The poller calls setWebhook (again, after a failure).
using tg_sethook_atom = caf::atom_constant<caf::atom("tg_sethook")>;
/// An update on its way to its conversation.
using tg_update_atom = caf::atom_constant<caf::atom("tg_update")>;
/// An update is handled (its reply is sent): it may be confirmed.
using tg_done_atom = caf::atom_constant<caf::atom("tg_done")>;
/// Orderly stop of the poller: drain, confirm, answer.
using tg_stop_atom = caf::atom_constant<caf::atom("tg_stop")>;
/// The poller's drain deadline passed.
using tg_drain_atom = caf::atom_constant<caf::atom("tg_drain")>;
/// The poller reads the database inbox again (it did not answer before).
using tg_inbox_atom = caf::atom_constant<caf::atom("tg_inbox")>;
/// Another instance kept webhook updates in the inbox: the active poller takes them.
using tg_wake_atom = caf::atom_constant<caf::atom("tg_wake")>;
/// The inbox listener's own loop: wait for the next notification.
using listen_atom = caf::atom_constant<caf::atom("inbox_lsn")>;
/// A conversation's idle timer.
using idle_atom = caf::atom_constant<caf::atom("conv_idle")>;
/// A fatal condition: stop Phoenix with this exit code.
using fatal_atom = caf::atom_constant<caf::atom("fatal")>;
/// Hands the lifecycle actor the poller it stops first at shutdown.
using manage_atom = caf::atom_constant<caf::atom("manage")>;
/// The bot's @username, learnt from getMe (commands may be addressed to it).
using bot_name_atom = caf::atom_constant<caf::atom("bot_name")>;
/// Job registry: create a job / look one up / list a chat's jobs / cancel one.
using job_create_atom = caf::atom_constant<caf::atom("job_new")>;
using job_get_atom = caf::atom_constant<caf::atom("job_get")>;
using job_list_atom = caf::atom_constant<caf::atom("job_list")>;
using job_cancel_atom = caf::atom_constant<caf::atom("job_cancel")>;
/// From a job worker: progress line / result.
using job_progress_atom = caf::atom_constant<caf::atom("job_prog")>;
using job_done_atom = caf::atom_constant<caf::atom("job_done")>;
/// The registry's timers: reap finished jobs / a job's deadline.
using reap_atom = caf::atom_constant<caf::atom("reap")>;
using job_timeout_atom = caf::atom_constant<caf::atom("job_tmo")>;
/// The registry's tick of the shared job queue: renew leases, claim jobs, send results.
using job_claim_atom = caf::atom_constant<caf::atom("job_claim")>;
/// Asks the db_pool to answer once every queued and running operation ended.
using db_drain_atom = caf::atom_constant<caf::atom("db_drain")>;
/// Asks any actor for its counters.
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// From the metrics server: a request for /metrics, /healthz or /readyz.
using scrape_atom = caf::atom_constant<caf::atom("scrape")>;
/// The metrics actor's timer: ping the database so that /healthz knows it answers.
using health_ping_atom = caf::atom_constant<caf::atom("hping")>;
/// Starts the orderly shutdown sequence.
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
/// Leadership: this instance became the active one (with its epoch), or
/// (to the metrics actor) its role changed.
using leader_atom = caf::atom_constant<caf::atom("leader")>;
/// Leadership: the lock (or a fenced write) says another instance leads now.
using lead_lost_atom = caf::atom_constant<caf::atom("lead_lost")>;
/// Leadership's own loop: try for the lock, or check the held one.
using lead_tick_atom = caf::atom_constant<caf::atom("lead_tick")>;
/// Orderly stop: release the lock (close its connection) and stop trying.
using resign_atom = caf::atom_constant<caf::atom("resign")>;
/// The live alerts' own poll tick (alerts.poll-interval).
using live_tick_atom = caf::atom_constant<caf::atom("live_tick")>;
/// The memory trimmer's own tick (memory.trim-interval).
using trim_tick_atom = caf::atom_constant<caf::atom("trim_tick")>;

} // namespace phoenix
