// A fake Telegram Bot API server on 127.0.0.1 for tests, the demo and
// benchmarks. It speaks the Bot API as api.telegram.org does (POST
// /bot<TOKEN>/<method>, JSON or form bodies, GET query strings, the
// {"ok":...} envelope and Telegram's error texts) for the methods a polling bot
// uses: getMe, getUpdates (long polling on timers, confirmation by offset,
// 409 for a second poller), webhook delivery after setWebhook (POSTs with the
// secret header, one at a time per chat, retried after non-2xx), sendMessage (HTML/MarkdownV2
// parsed like Telegram, lengths in UTF-16 code units, inline keyboards checked), editMessageText,
// answerCallbackQuery, sendChatAction, the webhook and command methods.
//
// The test plays the users (push_message, push_callback), waits for the bot's
// answers on a condition variable, injects faults per method (HTTP errors,
// 429 with retry_after, latency, dropped connections, blocked users, refused
// connections) and reads counters. Everything is also reachable over HTTP
// without the token (GET /__control (also enforce_limits=0/1, arrival_jitter_ms=J
// with method=M), /__stats, /__push, POST /__push_many,
// /__callback, /__sent; not counted), so a terminal demo or a benchmark can
// drive a separate process.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace phoenix::fakes {

struct fake_telegram_options {
  std::string token = "123456:TEST-token-for-the-fake-telegram-0001";
  unsigned short port = 0; ///< 0 = any free port
  int threads = 1;         ///< threads running the io_context
  std::string bot_username = "phoenix_test_bot";
  std::string bot_first_name = "Phoenix Test";
  /// sample-updates.json (update shapes, for push_sample). Empty: env
  /// PHOENIX_TELEGRAM_SAMPLES, else the build's PHOENIX_TELEGRAM_SAMPLES
  /// (tests/fakes/data/telegram/sample-updates.json);
  /// unreadable: push_sample knows no sample, everything else works.
  std::string samples_file;
  /// The first update_id. 0: derived from the clock, so that a restarted fake
  /// keeps ids above the offset a bot has stored (as Telegram's grow).
  std::int64_t first_update_id = 0;
  /// Stricter than Telegram, to catch bot bugs early: getUpdates limit or
  /// timeout out of range is a 400 (Telegram clamps to 1-100 and 0-50), and a
  /// bare '&' or '>' in HTML text is a 400 (Telegram keeps it as text).
  bool strict = true;
  unsigned random_seed = 20240611; ///< fail_ratio and latency jitter
};

/// One message the bot sent (sendMessage), as it stands now.
struct sent_message {
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::string text;                         ///< as the bot sent it, markup included
  std::string parse_mode;                   ///< "" when none
  std::string reply_markup_json;            ///< compact JSON, "" when none
  std::int64_t reply_to_message_id = 0;     ///< from reply_parameters (or the deprecated field)
  std::chrono::steady_clock::time_point at; ///< when sendMessage was answered
  std::string plain_text;                   ///< what the user sees: text after entity parsing
  int edits = 0; ///< successful editMessageText calls; text etc. are the latest
};

/// Starts serving in the constructor (throws std::runtime_error when the port
/// cannot be bound); the destructor stops and joins. All methods are
/// thread-safe; the wait_* helpers block the calling (test) thread only.
class fake_telegram {
public:
  explicit fake_telegram(fake_telegram_options options = {});
  ~fake_telegram();
  fake_telegram(const fake_telegram&) = delete;
  fake_telegram& operator=(const fake_telegram&) = delete;

  unsigned short port() const;
  /// "http://127.0.0.1:PORT": the bot's telegram.api-url.
  std::string base_url() const;
  const std::string& token() const;
  /// The bot's user id (the token's digits before ':').
  std::int64_t bot_id() const;

  // --- users ------------------------------------------------------------------
  // Updates are queued until getUpdates confirms them; a waiting long poll
  // answers at once. Updates of a type left out of the bot's allowed_updates
  // are dropped, as Telegram does (push_raw_update and push_sample excepted).

  /// A text message from a user: private chat when chat_id > 0, a group when
  /// < 0 (a supergroup from -1000000000000 down). user_id 0: the chat id (in a
  /// group, its absolute value). A leading /command gets a bot_command entity.
  /// Returns the update_id.
  std::int64_t push_message(std::int64_t chat_id, std::string text, std::string username = "user",
                            std::int64_t user_id = 0);
  /// Many messages (chat id, text) at once, as push_message each: the next
  /// getUpdates sees them all. Returns the last update_id.
  std::int64_t push_messages(const std::vector<std::pair<std::int64_t, std::string>>& batch);
  /// The message id the last push_message in this chat got (0 if none).
  std::int64_t last_user_message_id(std::int64_t chat_id) const;
  /// A press on an inline button of message_id (the bot's message, echoed
  /// with its text and keyboard). Returns the update_id.
  std::int64_t push_callback(std::int64_t chat_id, std::int64_t message_id, std::string data);
  /// Queued as it is, malformed or not; update_id comes from the JSON when it
  /// has one (it orders the confirmation), else the update counts as the next id.
  void push_raw_update(std::string json);
  /// A sample from sample-updates.json ("message_bot_command_start", ...) with
  /// a fresh update_id. Returns it; throws std::invalid_argument if unknown.
  std::int64_t push_sample(const std::string& name);
  std::size_t pending_updates() const;
  /// Waits until at most `at_most` updates are queued (webhook mode: until
  /// the bot acknowledged the rest); returns how many are.
  std::size_t wait_for_pending(std::size_t at_most, std::chrono::milliseconds deadline);
  /// Telegram's renumbering: the next update gets `next_id`, which may be
  /// below every id so far (as after a week without updates) or far above.
  /// An offset above the new ids then confirms and drops them, as Telegram does.
  void renumber_updates(std::int64_t next_id);

  // --- what the bot did ---------------------------------------------------------
  /// Waits until `count` messages were sent to the chat or the deadline
  /// passes; returns the chat's messages so far (maybe fewer, maybe more).
  std::vector<sent_message> wait_for_messages(std::int64_t chat_id, std::size_t count,
                                              std::chrono::milliseconds deadline);
  /// Waits for n sent messages in all; returns how many there are.
  std::size_t wait_for_total_sent(std::size_t n, std::chrono::milliseconds deadline);
  /// Waits until `method` was called n times (answered or not); returns the count.
  std::size_t wait_for_calls(const std::string& method, std::size_t n,
                             std::chrono::milliseconds deadline);
  std::vector<sent_message> sent(std::int64_t chat_id) const;
  std::vector<sent_message> all_sent() const;
  /// The text the bot answered the callback of this push_callback update with
  /// ("" for an answer without text); nullopt while unanswered.
  std::optional<std::string> callback_answer(std::int64_t update_id) const;

  // --- fault injection ----------------------------------------------------------
  // `method` is a Bot API method name (case-insensitive) or "*" / "" for every
  // method. Per request one fault is taken: the method's own before the "*" one;
  // reset_next before fail_next before fail_ratio.

  /// The next n calls answer `status`: 429 "Too Many Requests: retry after N"
  /// with parameters.retry_after, 502/503/504 an nginx HTML page, 403 "Forbidden:
  /// bot was blocked by the user", 409 the getUpdates conflict, 401
  /// "Unauthorized", 400/404/500 Telegram's texts.
  void fail_next(std::string method, int n, int status, int retry_after = 0);
  /// Each call fails with this probability (seeded random); ratio 0 turns it off.
  void fail_ratio(std::string method, double ratio, int status, int retry_after = 0);
  /// Delay before each answer: fixed + uniform [0, jitter]. A long poll's
  /// wait comes first. The method's own latency replaces the "*" one.
  void set_latency(std::string method, std::chrono::milliseconds fixed,
                   std::chrono::milliseconds jitter = std::chrono::milliseconds(0));
  /// The next n calls: read the request, then reset the TCP connection.
  void reset_next(std::string method, int n);
  /// No pending faults, no latency, nobody blocked, accepting.
  void clear_faults();
  /// Refuse new connections, reset requests on open ones and end a waiting
  /// long poll with a reset (the control plane keeps answering on open
  /// connections) / accept again on the same port.
  void stop();
  void resume();
  /// sendMessage, editMessageText and sendChatAction to this chat answer 403
  /// "Forbidden: bot was blocked by the user" (a group: "...bot was kicked...").
  void block_user(std::int64_t chat_id);
  void unblock_user(std::int64_t chat_id);
  /// As setWebhook / deleteWebhook do: getUpdates answers 409 while set.
  void set_webhook(bool active);
  /// Webhook POSTs answered 2xx, and those answered otherwise or failed
  /// (each retried after a backoff, in order per chat).
  std::size_t webhook_deliveries() const;
  std::size_t webhook_failures() const;
  /// getWebhookInfo's result (url, pending_update_count, last_error_message).
  std::string webhook_info() const;

  // --- Telegram's rate limits ------------------------------------------------------
  /// Counts sendMessage, editMessageText and sendChatAction as Telegram does:
  /// on arrival, over any sliding window, 1 per chat per second, 20 per group
  /// per minute, 30 per second in all. Over a limit: 429 "Too Many Requests:
  /// retry after N" (N: seconds until the window has room, at least 1), not
  /// counted. Off by default.
  void enforce_limits(bool on);
  /// Each request of `method` ("*": all) arrives (is counted and answered)
  /// a seeded random 0..jitter later, at most 10 s: the network between a
  /// bot and Telegram. 0 turns it off.
  void set_arrival_jitter(std::string method, std::chrono::milliseconds jitter);
  /// 429s answered by the enforced limits (not the injected ones).
  std::size_t rate_limited() const;
  /// From the first to the last message counted by the enforced limits.
  std::chrono::milliseconds rate_limited_span() const;

  // --- counters: Bot API requests only (not /__control and friends) -------------
  std::size_t calls(const std::string& method) const; ///< any case, e.g. "getUpdates"
  std::size_t total_calls() const;
  std::size_t sent_count() const; ///< successful sendMessage calls
  int getupdates_in_flight() const;
  int max_concurrent_getupdates() const; ///< 2+ means two pollers overlapped
  /// getUpdates long polls ended with 409 Conflict by a newer getUpdates (two
  /// pollers); a poll whose client closed its connection ends without one.
  std::size_t getupdates_conflicts() const;
  std::int64_t confirmed_offset() const; ///< the highest getUpdates offset seen
  std::size_t answered_callbacks() const;
  /// reply_to_message_id, disable_web_page_preview, allow_sending_without_reply
  /// (top level) seen in requests.
  std::size_t deprecated_parameters() const;
  /// The most sent messages within any 1 s window (chat 0: all chats).
  double max_messages_per_second(std::int64_t chat_id = 0) const;
  std::size_t connections_accepted() const;
  /// Zeroes the counters (not the messages, updates or faults).
  void reset_counters();

private:
  class impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::fakes
