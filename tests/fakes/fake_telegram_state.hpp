// The fake Telegram's mutable state, shared by every connection and by the
// test thread: the update queue and the waiting long poll, chats and their
// messages, callback queries, faults and counters. One mutex guards the data
// (critical sections are a few map updates and one small JSON text); the
// faults have their own. Waiting connections are woken through callbacks that
// post to their strand, always called after the mutex is released; only the
// test thread ever blocks, on the condition variable.
// Included only by the fake Telegram's own sources (fake_telegram*.cpp).
#pragma once

#include "tests/fakes/fake_telegram.hpp"
#include "tests/fakes/fake_telegram_faults.hpp"
#include "tests/fakes/fake_telegram_limits.hpp"
#include "tests/fakes/fake_telegram_methods.hpp"
#include "tests/fakes/fake_telegram_text.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace phoenix::fakes::telegram_detail {

using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

/// Why a waiting request (long poll, /__sent?wait_ms) ends.
enum class wait_end {
  woken,     ///< something to answer with arrived
  timed_out, ///< its timeout passed
  conflict,  ///< another getUpdates came
  aborted,   ///< stop(): reset the connection
  gone,      ///< the client closed the connection
};

/// Thread-safe: posts to the waiting connection's strand.
using waker = std::function<void(wait_end)>;

inline int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// --- chats, messages, updates ------------------------------------------------------

struct user_info {
  int64_t id = 0;
  std::string username, first_name;
};

struct chat_info {
  int64_t last_message_id = 0;
  int64_t last_user_message_id = 0;
  user_info last_user; ///< who wrote last (callbacks come from them)
};

struct stored_message {
  bool from_bot = false;
  user_info from; ///< when not from the bot
  int64_t date = 0, edit_date = 0;
  formatted_text content;
  std::string markup_json;       ///< inline keyboard (compact JSON), "" if none
  std::string link_preview_json; ///< "" if none
  int64_t reply_to = 0;          ///< message id, 0 if none
  size_t sent_index = SIZE_MAX;  ///< into sent_, for the bot's messages
};

/// What sendMessage / editMessageText hand to the state once checked.
struct outgoing {
  int64_t chat_id = 0, message_id = 0; ///< message_id: for an edit
  std::string raw_text, parse_mode;
  formatted_text content;
  std::string markup_json;   ///< the inline keyboard the message shows (API JSON), or ""
  std::string record_markup; ///< any reply_markup, compact, for sent_message
  std::string link_preview_json;
  int64_t reply_to = 0;
};

enum class edit_verdict { ok, not_found, not_bot, not_modified };
enum class answer_verdict { ok, invalid, too_old };

class server_state {
public:
  server_state(const fake_telegram_options& o, int64_t bot_id)
      : faults(o.random_seed), limits(o.random_seed + 1), options_(o), bot_id_(bot_id),
        next_update_id_(o.first_update_id > 0
                            ? o.first_update_id
                            : std::max<int64_t>(1, (unix_now() - 1700000000) * 10)) {}

  fault_table faults;
  rate_limits limits;
  /// stop(): Bot API requests on open connections are reset.
  std::atomic<bool> stopped{false};

  int64_t bot_id() const { return bot_id_; }
  const fake_telegram_options& options() const { return options_; }

  // --- users' side ------------------------------------------------------------

  /// `queued_at` (if given) gets the moment the update became visible to
  /// getUpdates (the benchmark's latency starts there).
  int64_t push_message(int64_t chat_id, const std::string& text, const std::string& username,
                       int64_t user_id, steady::time_point* queued_at = nullptr);

  /// Many user messages (chat id, text) under one lock and one wake-up, so
  /// that a benchmark can offer thousands of updates at once. Returns the
  /// first update_id; `message_ids` gets each message's id in order.
  int64_t push_messages(const std::vector<std::pair<int64_t, std::string>>& batch,
                        std::vector<int64_t>& message_ids, steady::time_point& queued_at);

  int64_t last_user_message_id(int64_t chat_id) const;

  int64_t push_callback(int64_t chat_id, int64_t message_id, const std::string& data);

  /// As is; the update_id (and a message's chat and id) read when they parse.
  void push_raw(std::string json);

  /// A sample update with a fresh update_id.
  int64_t push_sample(const std::string& json);

  size_t pending_updates() const;

  // --- getUpdates -------------------------------------------------------------------

  struct poll_start {
    bool waiting = false; ///< registered: answer after a wake or the timeout
    uint64_t poll_id = 0;
    std::string updates; ///< JSON array, when not waiting
  };

  /// A getUpdates call: ends the waiting one with a conflict, applies the
  /// offset, answers at once when there is something (or no timeout), else
  /// registers to be woken.
  poll_start begin_poll(bool has_offset, int64_t offset, int limit, bool may_wait, waker wake);

  /// The waiting poll ends: unregistered, and the updates to answer with.
  std::string end_poll(uint64_t poll_id, int limit);

  /// stop(): the waiting poll ends with a reset.
  void abort_poll();

  /// Counts a getUpdates in flight until the returned token is released.
  std::shared_ptr<void> enter_getupdates();
  int in_flight() const { return in_flight_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }
  /// Long polls ended by a newer getUpdates (409 "terminated by other getUpdates request").
  size_t conflicts() const { return conflicts_.load(); }

  /// Sticky, as Telegram's; an empty list means the default.
  void set_allowed_updates(std::vector<std::string> types);

  /// The next update gets this id, lower or higher than the last (Telegram
  /// picks a random one after a week without updates).
  void renumber_updates(int64_t next_id);
  void set_webhook(bool active, std::string url, std::string secret = {}, int max_connections = 40);
  bool webhook_active() const;
  // Webhook delivery (fake_telegram_webhook.cpp): what to POST where.
  struct webhook_target {
    bool active = false;
    std::string url, secret;
    int max_connections = 40;
  };
  webhook_target webhook() const;
  /// The queued updates (id, JSON) in order, while a webhook is set.
  std::vector<std::pair<int64_t, std::string>> webhook_pending() const;
  /// Answered 2xx: Telegram forgets it.
  void webhook_delivered(int64_t id);
  /// Waits until at most `at_most` updates are queued (webhook deliveries
  /// wake it); returns how many are.
  size_t wait_for_pending(size_t at_most, milliseconds deadline);
  /// Not delivered: getWebhookInfo's last_error_message.
  void webhook_failed(std::string message);
  std::string webhook_info_json() const;
  void drop_pending_updates();

  // --- the bot's messages -------------------------------------------------------------

  void block(int64_t chat_id, bool on);
  void unblock_all();
  bool blocked(int64_t chat_id) const;

  bool message_exists(int64_t chat_id, int64_t message_id) const;

  /// Records a sendMessage; returns the Message JSON.
  std::string send(outgoing o);

  /// editMessageText; `json` gets the edited Message.
  edit_verdict edit(outgoing o, std::string& json);

  /// deleteMessage: false when there is no such message.
  bool erase_message(int64_t chat_id, int64_t message_id);

  answer_verdict answer_callback(const std::string& id, const std::string& text);

  std::optional<std::string> callback_answer(int64_t update_id) const;

  void set_commands(std::string json);
  std::string commands() const;

  /// The bot's User object (getMe's has the capability flags too).
  std::string bot_user_json(bool full) const;

  // --- watching sent messages (GET /__sent?wait_ms=) -----------------------------------

  uint64_t watch_sent(waker wake);
  void unwatch_sent(uint64_t id);

  /// The fake is going away: drop every callback into the io_context.
  void forget_waiters();

  // --- observations ----------------------------------------------------------------------

  std::vector<sent_message> sent(int64_t chat_id) const;
  std::vector<sent_message> all_sent() const;
  /// Messages (and edits) of the chat (0: all) with a message_id above `after`.
  std::vector<sent_message> sent_after(int64_t chat_id, int64_t after) const;

  /// The bot's messages from position `since` of the send log on (every chat,
  /// in send order), at most `max`; without `with_text` only ids, reply and
  /// time are copied (a benchmark reading thousands of replies).
  std::vector<sent_message> sent_since(size_t since, size_t max, bool with_text) const;

  std::vector<sent_message> wait_for_messages(int64_t chat_id, size_t count, milliseconds deadline);
  size_t wait_for_total_sent(size_t n, milliseconds deadline);
  size_t wait_for_calls(const std::string& method, size_t n, milliseconds deadline);

  // --- counters -------------------------------------------------------------------------

  void record_call(const std::string& method_lower);
  void count_unauthorized();
  void count_deprecated(size_t n);
  void count_confirmed(int64_t offset);
  void count_connection() { connections_.fetch_add(1); }

  size_t calls(const std::string& method) const;
  size_t total_calls() const;
  size_t sent_count() const;
  int64_t confirmed_offset() const;
  size_t answered_callbacks() const;
  size_t deprecated_parameters() const;
  size_t connections_accepted() const { return connections_.load(); }

  /// The most messages sent within any window of 1 s (two pointers over the
  /// send times, which only grow).
  double max_per_second(int64_t chat_id) const;

  void reset_counters();

  void write_stats(plain_writer& w) const;

private:
  /// Wakers to call once the mutex is released.
  class wake_list {
  public:
    void add(waker w, wait_end how) { items_.emplace_back(std::move(w), how); }
    void take_all(std::map<uint64_t, waker>& watchers) {
      for (auto& [id, w] : watchers) {
        add(std::move(w), wait_end::woken);
      }
      watchers.clear();
    }
    void run() {
      for (auto& [w, how] : items_) {
        if (w) {
          w(how);
        }
      }
    }

  private:
    std::vector<std::pair<waker, wait_end>> items_;
  };

  struct active_poll {
    uint64_t id;
    waker wake;
  };
  struct queued_update {
    int64_t id;
    std::string json;
  };
  struct callback_info {
    int64_t update_id = 0;
    steady::time_point issued;
    bool answered = false;
    std::string text;
  };
  struct pair_hash {
    size_t operator()(const std::pair<int64_t, int64_t>& p) const {
      return std::hash<int64_t>()(p.first) * 1000003u ^ std::hash<int64_t>()(p.second);
    }
  };

  static std::string first_name_of(const std::string& username);

  /// "/start" or "/start@bot" at the very beginning: its UTF-16 length.
  static int64_t command_length(std::string_view text);

  /// Default allowed updates: all but chat_member and the reactions.
  bool allowed(const std::string& type) const;

  /// Under the mutex: a user's text message as an update; returns its
  /// update_id and message_id.
  std::pair<int64_t, int64_t> queue_message(int64_t chat_id, const std::string& text,
                                            const std::string& username, int64_t user_id,
                                            wake_list& wake);

  // Under the mutex.
  void queue_update(int64_t id, const std::string& type, std::string json, wake_list& wake);

  void apply_offset(int64_t offset);

  std::string collect(int limit) const;

  /// A raw or sample update's message: its chat's ids go on from there.
  void note_foreign(const rapidjson::Value& update);

  static bool same_entities(const formatted_text& a, const formatted_text& b);

  std::vector<sent_message> sent_in(int64_t chat_id) const;

  size_t count_of(const std::string& key) const;

  // --- Bot API objects ---------------------------------------------------------------

  template <class Writer> void write_bot(Writer& w, bool full) const;

  template <class Writer> static void write_user(Writer& w, const user_info& u);

  template <class Writer> void write_chat(Writer& w, int64_t chat_id) const;

  template <class Writer>
  void write_message(Writer& w, int64_t chat_id, int64_t message_id, const stored_message& m,
                     bool with_reply) const;

  std::string message_json(int64_t chat_id, int64_t message_id, const stored_message& m) const;

  const fake_telegram_options options_;
  const int64_t bot_id_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;

  std::deque<queued_update> queue_;
  int64_t next_update_id_;
  std::optional<active_poll> poll_;
  uint64_t poll_seq_ = 0;
  bool allowed_set_ = false;
  std::vector<std::string> allowed_updates_;
  bool webhook_active_ = false;
  std::string webhook_url_, webhook_secret_, webhook_error_;
  int webhook_max_connections_ = 40;
  int64_t webhook_error_date_ = 0;

  std::unordered_map<int64_t, chat_info> chats_;
  std::unordered_map<std::pair<int64_t, int64_t>, stored_message, pair_hash> messages_;
  std::vector<sent_message> sent_;
  std::unordered_map<int64_t, size_t> sent_per_chat_;
  std::set<int64_t> blocked_;
  std::map<uint64_t, waker> sent_watchers_;
  uint64_t watch_seq_ = 0;
  std::string commands_json_ = "[]";

  static constexpr int64_t callback_base_ = 4382000000000000000LL;
  int64_t callback_seq_ = 0;
  std::unordered_map<std::string, callback_info> callbacks_;
  std::unordered_map<int64_t, std::string> callback_by_update_;

  size_t total_calls_ = 0, unauthorized_ = 0, deprecated_ = 0, answered_callbacks_ = 0;
  std::unordered_map<std::string, size_t> calls_;
  int64_t confirmed_offset_ = 0;
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
  std::atomic<size_t> conflicts_{0};
  std::atomic<size_t> connections_{0};
};

} // namespace phoenix::fakes::telegram_detail
