// The database's typed operations and their answers. Actors send these (never
// SQL text); core/db/db_operations.cpp runs each as a prepared statement.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace phoenix::core::db {

/// A Telegram user as Phoenix remembers them.
struct user_row {
  int64_t chat_id = 0;
  std::string username;
  std::string language;
  int64_t first_seen = 0; ///< unix seconds
  int64_t last_seen = 0;
  int64_t request_count = 0;
  bool active = true;
};

/// One handled command, for the request log.
struct request_row {
  int64_t chat_id = 0;
  std::string command;
  std::string arguments;
  int64_t latency_ms = 0;
  std::string outcome; ///< ok, error, busy, ...
};

/// A background job (the job registry's durable copy).
struct job_row {
  int64_t id = 0; ///< 0 on insert: the database assigns it
  int64_t owner_chat = 0;
  std::string kind;
  std::string parameters;
  std::string status; ///< queued, running, done, failed, cancelled
  std::string progress;
  std::string result;
  int64_t created = 0; ///< unix seconds; 0: not yet
  int64_t started = 0;
  int64_t finished = 0;
};

// --- operations -------------------------------------------------------------

/// A user seen in an update.
struct user_seen {
  int64_t chat_id = 0;
  std::string username;
  std::string language;
};
/// Inserts or refreshes users in one round trip: last_seen = now, active
/// again, request_count + 1 per row (a chat seen twice counts twice; its last
/// row's name and language win).
struct upsert_users {
  std::vector<user_seen> users;
};
/// Marks a user (in)active, e.g. after Telegram's 403 "blocked by the user".
struct set_user_active {
  int64_t chat_id = 0;
  bool active = true;
};
struct load_user {
  int64_t chat_id = 0;
};
/// Appends many request log rows in one round trip.
struct log_requests {
  std::vector<request_row> rows;
};
/// Count 1 when new, 0 when the chat is subscribed already (it keeps its row
/// and its name), -1 when the chat has `max_per_chat` subscriptions already.
struct subscribe {
  int64_t chat_id = 0;
  int64_t team_id = 0;
  std::string team_name;    ///< as the user chose it, for /subscriptions
  int64_t max_per_chat = 0; ///< alerts.max-subscriptions; 0: no cap
};
struct unsubscribe {
  int64_t chat_id = 0;
  int64_t team_id = 0;
};
/// The chat's teams: ids ascending, their names in `bodies`.
struct list_subscriptions {
  int64_t chat_id = 0;
};
// The commands' settings (issue 17, core/db/db_settings.cpp).

/// /unsubscribe <name>: deletes the chat's subscription named `name` (letter
/// case ignored), or else the only one whose name holds it: count 1, its id
/// and name in ids and bodies. None or several: count 0, the candidates
/// (ids, names in bodies) for the user to choose from.
struct unsubscribe_team {
  int64_t chat_id = 0;
  std::string name;
};
/// /timezone: the user's zone ("" : football.timezone), a users row if new.
struct set_timezone {
  int64_t user_id = 0;
  std::string zone;
};
/// The user's choices: their zone in bodies[0] ("": the default), the chat's
/// subscription count in count.
struct load_settings {
  int64_t user_id = 0;
  int64_t chat_id = 0;
};
/// Inserts (id 0) or updates a job; answers its id.
struct save_job {
  job_row job;
};
struct load_job {
  int64_t id = 0;
};
/// The newest jobs of one chat.
struct list_jobs {
  int64_t owner_chat = 0;
  int64_t limit = 10;
};
/// The highest job id used so far (0 if none; jobs are numbered by the table's sequence).
struct max_job_id {};

// The job queue shared by every instance: jobs are numbered by the database,
// claimed with FOR UPDATE SKIP LOCKED under a lease that the runner renews,
// and a job whose lease ran out (its instance died) is claimed again.

/// Queues a job; answers its id in `count`, or 0 when `queue_max` jobs wait already.
struct enqueue_job {
  int64_t owner_chat = 0;
  std::string kind;
  std::string parameters;
  int64_t queue_max = 100;
  /// The update that asked (0: none). Asked again by the same update (a
  /// replay after a failover), it answers the job queued then, `repeated`.
  int64_t source_update = 0;
};
/// Claims up to `limit` jobs for `owner` (queued ones, and running ones whose
/// lease ran out), oldest first, each with a lease of `lease_ms` and one more
/// attempt; answers them in `jobs`. First, expired jobs that had
/// `max_attempts` already become failed with `exhausted_result` (count).
struct claim_jobs {
  std::string owner;
  int64_t limit = 1;
  int64_t lease_ms = 30000;
  int64_t max_attempts = 3;
  std::string exhausted_result;
};
/// Extends the leases of `owner`'s running jobs; answers the ids still theirs
/// (a missing id was cancelled or claimed by another instance).
struct renew_leases {
  std::string owner;
  std::vector<int64_t> ids;
  int64_t lease_ms = 30000;
};
/// A running job's progress line, written only while `owner` holds its lease.
struct set_job_progress {
  std::string owner;
  int64_t id = 0;
  std::string progress;
};
/// Ends a job `owner` holds the lease of (status done, failed or cancelled):
/// count 1; 0 when the lease was lost (the result is refused).
struct finish_job {
  std::string owner;
  int64_t id = 0;
  std::string status;
  std::string result;
};
/// Cancels job `id` of chat `owner_chat` if queued or running: count 1 if
/// the job exists (for that chat), ids = {id} if it was cancelled now.
struct cancel_job {
  int64_t id = 0;
  int64_t owner_chat = 0;
  std::string result;
};
/// Finished jobs whose owner was not told yet, oldest first.
struct unnotified_jobs {
  int64_t limit = 10;
};
/// The owner was told how job `id` ended (after Telegram accepted the message).
struct mark_notified {
  int64_t id = 0;
};
// Update state is kept per bot (its numeric id, from getMe): a database
// reused with another token starts clean instead of skipping that bot's
// updates as repeats.

/// The last offset confirmed to Telegram (0 if none yet). For operators only:
/// the poller never sends a stored offset (Telegram may renumber its ids).
struct get_offset {
  int64_t bot_id = 0;
};
// The poller's writes carry its leadership epoch: refused (errc::fenced) once
// the database stores a newer one for the bot. 0: not fenced (no leadership).

struct set_offset {
  int64_t bot_id = 0;
  int64_t offset = 0;
  int64_t epoch = 0;
};
/// Records many handled update ids in one round trip (the dedupe window) and
/// removes them from the inbox.
struct mark_processed {
  int64_t bot_id = 0;
  std::vector<int64_t> update_ids;
  int64_t epoch = 0;
};
/// Keeps received updates (id, encoded update) until they are handled.
struct store_updates {
  int64_t bot_id = 0;
  std::vector<int64_t> update_ids;
  std::vector<std::string> bodies;
  int64_t epoch = 0;
};
/// One update a webhook delivered, kept in the inbox unless it was handled
/// already: count 1 when it is work (new, or in the inbox and not yet
/// handled), 0 when it was handled (a repeat delivery).
struct keep_pushed_update {
  int64_t bot_id = 0;
  int64_t update_id = 0;
  std::string body;
  /// Kept by a standby: the commit also notifies the active instance
  /// (NOTIFY on inbox_channel, payload the bot id), which takes it from the inbox.
  bool notify = false;
};
/// The channel of keep_pushed_update's notifications.
inline constexpr const char* inbox_channel = "phoenix_inbox";
/// The active instance takes the updates standbys kept (keep_pushed_update
/// with notify) and not taken before, in update id order; handled ones are left out.
struct take_standby_updates {
  int64_t bot_id = 0;
};
/// The updates received but not handled before (a restart's work), oldest first.
struct load_inbox {
  int64_t bot_id = 0;
};
/// Which of these update ids were handled already.
struct filter_processed {
  int64_t bot_id = 0;
  std::vector<int64_t> update_ids;
};
/// The highest update id recorded as handled (0 if none): read at start, so
/// that later ids, which this process is the first to see, skip filter_processed.
struct max_processed {
  int64_t bot_id = 0;
};
/// Retention: deletes what is older than these. Inbox rows go once their
/// update is done (its id in processed_updates) or older than
/// inbox_max_age_s (handlers.max-update-age: never handled any more); jobs
/// once finished (done, failed, cancelled) more than jobs_keep_days ago
/// (jobs.keep-days; the newest job always stays, job numbers go on from it).
struct prune {
  int64_t request_log_days = 30;
  int64_t processed_updates_days = 2;
  int64_t inbox_max_age_s = 3600;
  int64_t jobs_keep_days = 30;
};
// Goal alerts (issue 17). An alert key (core/football/live_diff.hpp) is
// claimed per chat before the alert is sent and gets its message id after.

/// The chats subscribed to any of these teams (ids, ascending, each once).
struct list_subscribers {
  std::vector<int64_t> team_ids;
};
/// Claims `alert_key` for these chats and answers (ids) the chats it is still
/// to be sent to: newly claimed, or claimed before and not yet sent (a
/// restart's remaining work). A chat whose alert was sent is never answered.
struct claim_alert {
  std::string alert_key;
  std::vector<int64_t> chat_ids;
};
/// The alert went out as Telegram message `message_id` in `chat_id`.
struct record_alert_sent {
  std::string alert_key;
  int64_t chat_id = 0;
  int64_t message_id = 0;
};
/// Every team someone is subscribed to (ids, ascending): the live engine
/// polls only while there is one, and alerts only about their matches.
struct subscribed_teams {};
/// Removes every subscription of the chat (it blocked the bot: 403); count: rows.
struct drop_subscriptions {
  int64_t chat_id = 0;
};
/// Where the alert was sent: chats (ids) and their message ids (message_ids),
/// for editMessageText when the alert changes (a scorer named late).
struct load_alert_messages {
  std::string alert_key;
};

/// Health check; `sleep_ms` > 0 holds the connection that long (tests, diagnostics).
struct ping {
  int64_t sleep_ms = 0;
};

using operation =
    std::variant<upsert_users, set_user_active, load_user, log_requests, subscribe, unsubscribe,
                 list_subscriptions, save_job, load_job, list_jobs, max_job_id, enqueue_job,
                 claim_jobs, renew_leases, set_job_progress, finish_job, cancel_job,
                 unnotified_jobs, mark_notified, get_offset, set_offset, store_updates,
                 keep_pushed_update, take_standby_updates, load_inbox, mark_processed,
                 filter_processed, max_processed, prune, ping, list_subscribers, claim_alert,
                 record_alert_sent, load_alert_messages, unsubscribe_team, set_timezone,
                 load_settings, subscribed_teams, drop_subscriptions>;

/// The epoch a write carries (0: none), with the bot it is fenced for.
struct fence {
  int64_t bot_id = 0;
  int64_t epoch = 0;
};
fence fence_of(const operation& op);

/// Whether the operation may run twice without harm (then a call that met a
/// broken connection is retried once on a fresh one).
bool is_idempotent(const operation& op);

/// The operation's name, for logs and stats.
const char* name_of(const operation& op);

/// Statements the operation runs (each may take up to the statement timeout).
int64_t statement_count(const operation& op);

/// How long a worker may take to answer `op` before the pool gives it up as
/// lost: statement_timeout per statement plus `margin` (connecting,
/// preparing, the round trips).
std::chrono::nanoseconds answer_deadline(const operation& op,
                                         std::chrono::nanoseconds statement_timeout,
                                         std::chrono::nanoseconds margin);

/// Whether rows of this operation may join others of its kind in one
/// statement: users seen, request log rows, processed update ids.
bool is_batchable(const operation& op);

/// Whether the operation only keeps records (users seen, request log rows):
/// when the database falls behind, such rows beyond db.bookkeeping-backlog are
/// dropped and counted rather than held without bound.
bool is_bookkeeping(const operation& op);

/// Rows a batchable operation carries (users, log rows, update ids); 1 for others.
size_t batch_rows(const operation& op);

/// Whether the operation is a step of the update intake (inbox writes, a
/// webhook's commit, the check for updates handled before a restart, offsets,
/// the inbox at start):
/// every update waits for these, so the pool runs them first.
bool is_intake(const operation& op);

/// Appends the rows of `more` to `batch` when both are the same batchable
/// kind, and says whether it did.
bool append_batch(operation& batch, operation&& more);

// --- answers ----------------------------------------------------------------

/// How an operation failed.
enum class errc : uint8_t {
  none,
  busy,        ///< pool and queue full, or no connection within db.acquire-timeout
  unavailable, ///< no connection to the server (down, restarting, refused)
  statement,   ///< the statement failed (constraint, bad value): not retried
  fenced,      ///< a newer leadership epoch is stored: this instance is no longer the leader
};

struct reply {
  errc error = errc::none;
  std::string message; ///< for logs; user-facing text is the caller's choice
  int64_t count = 0;   ///< rows affected, ids returned, offset, ...
  std::vector<int64_t> ids;
  std::optional<user_row> user;
  std::vector<job_row> jobs;
  std::vector<std::string> bodies;  ///< load_inbox: the encoded updates, as `ids`
  std::vector<int64_t> message_ids; ///< load_alert_messages: per chat of `ids`
  /// keep_pushed_update on the active instance: updates standbys kept that
  /// it has not taken yet (take_standby_updates first, for each chat's order).
  int64_t waiting = 0;
  /// enqueue_job: the update had queued its job before (`count` is its id).
  bool repeated = false;

  bool ok() const { return error == errc::none; }
};

} // namespace phoenix::core::db
