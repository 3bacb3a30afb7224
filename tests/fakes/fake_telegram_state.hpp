// The fake Telegram's mutable state, shared by every connection and by the
// test thread: the update queue and the waiting long poll, chats and their
// messages, callback queries, faults and counters. One mutex guards the data
// (critical sections are a few map updates and one small JSON text); the
// faults have their own. Waiting connections are woken through callbacks that
// post to their strand, always called after the mutex is released; only the
// test thread ever blocks, on the condition variable.
// Included only by fake_telegram.cpp.
#pragma once

#include "tests/fakes/fake_telegram.hpp"
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

// --- faults --------------------------------------------------------------------

struct fault_decision {
  enum class kind { none, reset, fail };
  kind what = kind::none;
  int status = 0, retry_after = 0;
  milliseconds delay{0};
};

/// Pending faults per method (lowercase name, "*" for all).
class fault_table {
public:
  explicit fault_table(unsigned seed) : random_(seed) {}

  static std::string key(const std::string& method) {
    return method.empty() ? "*" : to_lower(method);
  }

  void fail_next(const std::string& method, int n, int status, int retry_after) {
    std::lock_guard lock(mutex_);
    auto& f = table_[key(method)];
    f.fail_n = n;
    f.fail_status = status;
    f.fail_retry_after = retry_after;
  }
  void fail_ratio(const std::string& method, double ratio, int status, int retry_after) {
    std::lock_guard lock(mutex_);
    auto& f = table_[key(method)];
    f.ratio = std::clamp(ratio, 0.0, 1.0);
    f.ratio_status = status;
    f.ratio_retry_after = retry_after;
  }
  void set_latency(const std::string& method, milliseconds fixed, milliseconds jitter) {
    std::lock_guard lock(mutex_);
    auto& f = table_[key(method)];
    f.has_latency = fixed.count() > 0 || jitter.count() > 0 || key(method) == "*";
    f.latency = fixed;
    f.jitter = jitter;
  }
  void reset_next(const std::string& method, int n) {
    std::lock_guard lock(mutex_);
    table_[key(method)].reset_n = n;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    table_.clear();
  }

  /// At most one fault for this call, plus its latency.
  fault_decision take(const std::string& method_lower) {
    std::lock_guard lock(mutex_);
    fault_decision d;
    entry* own = find(method_lower);
    entry* all = find("*");
    const entry* latency = own && own->has_latency ? own : all;
    if (latency) {
      d.delay = latency->latency;
      if (latency->jitter.count() > 0) {
        d.delay += milliseconds(
            std::uniform_int_distribution<long>(0, long(latency->jitter.count()))(random_));
      }
    }
    for (entry* e : {own, all}) {
      if (e && e->reset_n > 0) {
        --e->reset_n;
        d.what = fault_decision::kind::reset;
        return d;
      }
    }
    for (entry* e : {own, all}) {
      if (e && e->fail_n > 0) {
        --e->fail_n;
        d.what = fault_decision::kind::fail;
        d.status = e->fail_status;
        d.retry_after = e->fail_retry_after;
        return d;
      }
    }
    for (entry* e : {own, all}) {
      if (e && e->ratio > 0 && std::uniform_real_distribution<double>(0, 1)(random_) < e->ratio) {
        d.what = fault_decision::kind::fail;
        d.status = e->ratio_status;
        d.retry_after = e->ratio_retry_after;
        return d;
      }
    }
    return d;
  }

  void write(plain_writer& w) const {
    std::lock_guard lock(mutex_);
    w.StartObject();
    for (const auto& [method, f] : table_) {
      write_key(w, method);
      w.StartObject();
      write_key(w, "fail");
      w.Int(f.fail_n);
      write_key(w, "status");
      w.Int(f.fail_status);
      write_key(w, "retry_after");
      w.Int(f.fail_retry_after);
      write_key(w, "fail_ratio");
      w.Double(f.ratio);
      write_key(w, "ratio_status");
      w.Int(f.ratio_status);
      write_key(w, "reset");
      w.Int(f.reset_n);
      write_key(w, "latency_ms");
      w.Int64(f.latency.count());
      write_key(w, "jitter_ms");
      w.Int64(f.jitter.count());
      w.EndObject();
    }
    w.EndObject();
  }

private:
  struct entry {
    int fail_n = 0, fail_status = 500, fail_retry_after = 0;
    double ratio = 0;
    int ratio_status = 500, ratio_retry_after = 0;
    int reset_n = 0;
    bool has_latency = false;
    milliseconds latency{0}, jitter{0};
  };
  entry* find(const std::string& k) {
    auto found = table_.find(k);
    return found == table_.end() ? nullptr : &found->second;
  }

  mutable std::mutex mutex_;
  std::map<std::string, entry> table_;
  std::mt19937 random_;
};

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

/// Lowercase method names of the Bot API the fake serves, to their spelling.
inline const std::map<std::string, std::string>& known_methods() {
  static const std::map<std::string, std::string> names = [] {
    std::map<std::string, std::string> m;
    for (const char* name :
         {"getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
          "sendMessage", "editMessageText", "deleteMessage", "answerCallbackQuery",
          "sendChatAction", "setMyCommands", "getMyCommands", "deleteMyCommands"}) {
      m.emplace(to_lower(name), name);
    }
    return m;
  }();
  return names;
}

inline std::string canonical_method(const std::string& name) {
  auto found = known_methods().find(to_lower(name));
  return found == known_methods().end() ? to_lower(name) : found->second;
}

class server_state {
public:
  server_state(const fake_telegram_options& o, int64_t bot_id)
      : faults(o.random_seed), options_(o), bot_id_(bot_id),
        next_update_id_(o.first_update_id > 0
                            ? o.first_update_id
                            : std::max<int64_t>(1, (unix_now() - 1700000000) * 10)) {}

  fault_table faults;
  /// stop(): Bot API requests on open connections are reset.
  std::atomic<bool> stopped{false};

  int64_t bot_id() const { return bot_id_; }
  const fake_telegram_options& options() const { return options_; }

  // --- users' side ------------------------------------------------------------

  /// `queued_at` (if given) gets the moment the update became visible to
  /// getUpdates (the benchmark's latency starts there).
  int64_t push_message(int64_t chat_id, const std::string& text, const std::string& username,
                       int64_t user_id, steady::time_point* queued_at = nullptr) {
    wake_list wake;
    int64_t update_id = 0;
    {
      std::lock_guard lock(mutex_);
      update_id = queue_message(chat_id, text, username, user_id, wake).first;
      if (queued_at) {
        *queued_at = steady::now();
      }
    }
    wake.run();
    return update_id;
  }

  /// Many user messages (chat id, text) under one lock and one wake-up, so
  /// that a benchmark can offer thousands of updates at once. Returns the
  /// first update_id; `message_ids` gets each message's id in order.
  int64_t push_messages(const std::vector<std::pair<int64_t, std::string>>& batch,
                        std::vector<int64_t>& message_ids, steady::time_point& queued_at) {
    wake_list wake, repeats; // the waiting poll is woken once, not once per message
    int64_t first = 0;
    {
      std::lock_guard lock(mutex_);
      first = next_update_id_;
      for (const auto& [chat_id, text] : batch) {
        wake_list& w = message_ids.empty() ? wake : repeats;
        message_ids.push_back(queue_message(chat_id, text, "user", 0, w).second);
      }
      queued_at = steady::now();
    }
    wake.run();
    return first;
  }

  int64_t last_user_message_id(int64_t chat_id) const {
    std::lock_guard lock(mutex_);
    auto found = chats_.find(chat_id);
    return found == chats_.end() ? 0 : found->second.last_user_message_id;
  }

  int64_t push_callback(int64_t chat_id, int64_t message_id, const std::string& data) {
    wake_list wake;
    int64_t update_id = 0;
    {
      std::lock_guard lock(mutex_);
      chat_info& chat = chats_[chat_id];
      user_info user = chat.last_user;
      if (user.id == 0) {
        user.id = chat_id > 0 ? chat_id : std::llabs(chat_id);
        user.username = "user";
        user.first_name = "User";
      }
      update_id = next_update_id_++;
      const std::string id = std::to_string(callback_base_ + ++callback_seq_);
      callbacks_[id] = {update_id, steady::now(), false, {}};
      callback_by_update_[update_id] = id;
      rapidjson::StringBuffer buffer;
      api_writer w(buffer);
      w.StartObject();
      write_key(w, "update_id");
      w.Int64(update_id);
      write_key(w, "callback_query");
      w.StartObject();
      write_key(w, "id");
      write_string(w, id);
      write_key(w, "from");
      write_user(w, user);
      write_key(w, "message");
      if (auto found = messages_.find({chat_id, message_id}); found != messages_.end()) {
        write_message(w, chat_id, message_id, found->second, true);
      } else {
        // An InaccessibleMessage, as Telegram sends for a message it lost.
        w.StartObject();
        write_key(w, "chat");
        write_chat(w, chat_id);
        write_key(w, "message_id");
        w.Int64(message_id);
        write_key(w, "date");
        w.Int64(0);
        w.EndObject();
      }
      write_key(w, "chat_instance");
      write_string(w,
                   std::to_string(-(1000000000000000000LL + (std::llabs(chat_id) % 1000000007))));
      write_key(w, "data");
      write_string(w, data);
      w.EndObject();
      w.EndObject();
      queue_update(update_id, "callback_query", api_json(buffer), wake);
    }
    wake.run();
    return update_id;
  }

  /// As is; the update_id (and a message's chat and id) read when they parse.
  void push_raw(std::string json) {
    wake_list wake;
    {
      std::lock_guard lock(mutex_);
      rapidjson::Document doc;
      doc.Parse(json.data(), json.size());
      int64_t id = 0;
      if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("update_id") &&
          doc["update_id"].IsInt64()) {
        id = doc["update_id"].GetInt64();
        note_foreign(doc);
        next_update_id_ = std::max(next_update_id_, id + 1);
      } else {
        id = next_update_id_++;
      }
      queue_update(id, "", std::move(json), wake);
    }
    wake.run();
  }

  /// A sample update with a fresh update_id.
  int64_t push_sample(const std::string& json) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    wake_list wake;
    int64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      id = next_update_id_++;
      if (doc.IsObject()) {
        doc.RemoveMember("update_id");
        rapidjson::Value copy(doc, doc.GetAllocator());
        doc.SetObject();
        doc.AddMember("update_id", id, doc.GetAllocator());
        for (auto& member : copy.GetObject()) {
          doc.AddMember(member.name, member.value, doc.GetAllocator());
        }
        note_foreign(doc);
      }
      queue_update(id, "", escape_slashes(to_json<api_writer>(doc)), wake);
    }
    wake.run();
    return id;
  }

  size_t pending_updates() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

  // --- getUpdates -------------------------------------------------------------------

  struct poll_start {
    bool waiting = false; ///< registered: answer after a wake or the timeout
    uint64_t poll_id = 0;
    std::string updates; ///< JSON array, when not waiting
  };

  /// A getUpdates call: ends the waiting one with a conflict, applies the
  /// offset, answers at once when there is something (or no timeout), else
  /// registers to be woken.
  poll_start begin_poll(bool has_offset, int64_t offset, int limit, bool may_wait, waker wake) {
    wake_list to_wake;
    poll_start start;
    {
      std::lock_guard lock(mutex_);
      if (poll_) {
        to_wake.add(poll_->wake, wait_end::conflict);
        poll_.reset();
      }
      if (has_offset) {
        apply_offset(offset);
      }
      if (!queue_.empty() || !may_wait) {
        start.updates = collect(limit);
      } else {
        start.waiting = true;
        start.poll_id = ++poll_seq_;
        poll_ = active_poll{start.poll_id, std::move(wake)};
      }
    }
    to_wake.run();
    return start;
  }

  /// The waiting poll ends: unregistered, and the updates to answer with.
  std::string end_poll(uint64_t poll_id, int limit) {
    std::lock_guard lock(mutex_);
    if (poll_ && poll_->id == poll_id) {
      poll_.reset();
    }
    return collect(limit);
  }

  /// stop(): the waiting poll ends with a reset.
  void abort_poll() {
    wake_list to_wake;
    {
      std::lock_guard lock(mutex_);
      if (poll_) {
        to_wake.add(poll_->wake, wait_end::aborted);
        poll_.reset();
      }
    }
    to_wake.run();
  }

  /// Counts a getUpdates in flight until the returned token is released.
  std::shared_ptr<void> enter_getupdates() {
    const int now = in_flight_.fetch_add(1) + 1;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    return std::shared_ptr<void>(nullptr, [this](void*) { in_flight_.fetch_sub(1); });
  }
  int in_flight() const { return in_flight_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }

  /// Sticky, as Telegram's; an empty list means the default.
  void set_allowed_updates(std::vector<std::string> types) {
    std::lock_guard lock(mutex_);
    allowed_updates_ = std::move(types);
    allowed_set_ = true;
  }

  void set_webhook(bool active, std::string url) {
    std::lock_guard lock(mutex_);
    webhook_active_ = active;
    webhook_url_ = active ? std::move(url) : std::string();
  }
  bool webhook_active() const {
    std::lock_guard lock(mutex_);
    return webhook_active_;
  }
  std::string webhook_info_json() const {
    std::lock_guard lock(mutex_);
    rapidjson::StringBuffer buffer;
    api_writer w(buffer);
    w.StartObject();
    write_key(w, "url");
    write_string(w, webhook_url_);
    write_key(w, "has_custom_certificate");
    w.Bool(false);
    write_key(w, "pending_update_count");
    w.Uint64(queue_.size());
    if (allowed_set_ && !allowed_updates_.empty()) {
      write_key(w, "allowed_updates");
      w.StartArray();
      for (const auto& type : allowed_updates_) {
        write_string(w, type);
      }
      w.EndArray();
    }
    w.EndObject();
    return api_json(buffer);
  }
  void drop_pending_updates() {
    std::lock_guard lock(mutex_);
    queue_.clear();
  }

  // --- the bot's messages -------------------------------------------------------------

  void block(int64_t chat_id, bool on) {
    std::lock_guard lock(mutex_);
    if (on) {
      blocked_.insert(chat_id);
    } else {
      blocked_.erase(chat_id);
    }
  }
  void unblock_all() {
    std::lock_guard lock(mutex_);
    blocked_.clear();
  }
  bool blocked(int64_t chat_id) const {
    std::lock_guard lock(mutex_);
    return blocked_.count(chat_id) != 0;
  }

  bool message_exists(int64_t chat_id, int64_t message_id) const {
    std::lock_guard lock(mutex_);
    return messages_.count({chat_id, message_id}) != 0;
  }

  /// Records a sendMessage; returns the Message JSON.
  std::string send(outgoing o) {
    std::string json;
    wake_list wake;
    {
      std::lock_guard lock(mutex_);
      chat_info& chat = chats_[o.chat_id];
      const int64_t message_id = ++chat.last_message_id;
      stored_message m;
      m.from_bot = true;
      m.date = unix_now();
      m.content = std::move(o.content);
      m.markup_json = o.markup_json;
      m.link_preview_json = std::move(o.link_preview_json);
      m.reply_to = o.reply_to;
      m.sent_index = sent_.size();
      sent_message s;
      s.chat_id = o.chat_id;
      s.message_id = message_id;
      s.text = std::move(o.raw_text);
      s.parse_mode = std::move(o.parse_mode);
      s.reply_markup_json = std::move(o.record_markup);
      s.reply_to_message_id = o.reply_to;
      s.at = steady::now();
      s.plain_text = m.content.text;
      sent_.push_back(std::move(s));
      ++sent_per_chat_[o.chat_id];
      json = message_json(o.chat_id, message_id, m);
      messages_[{o.chat_id, message_id}] = std::move(m);
      wake.take_all(sent_watchers_);
    }
    changed_.notify_all();
    wake.run();
    return json;
  }

  /// editMessageText; `json` gets the edited Message.
  edit_verdict edit(outgoing o, std::string& json) {
    wake_list wake;
    {
      std::lock_guard lock(mutex_);
      auto found = messages_.find({o.chat_id, o.message_id});
      if (found == messages_.end()) {
        return edit_verdict::not_found;
      }
      stored_message& m = found->second;
      if (!m.from_bot) {
        return edit_verdict::not_bot;
      }
      if (m.content.text == o.content.text && same_entities(m.content, o.content) &&
          m.markup_json == o.markup_json) {
        return edit_verdict::not_modified;
      }
      m.content = std::move(o.content);
      m.markup_json = std::move(o.markup_json);
      m.link_preview_json = std::move(o.link_preview_json);
      m.edit_date = unix_now();
      sent_message& s = sent_[m.sent_index];
      s.text = std::move(o.raw_text);
      s.parse_mode = std::move(o.parse_mode);
      s.reply_markup_json = std::move(o.record_markup);
      s.plain_text = m.content.text;
      ++s.edits;
      json = message_json(o.chat_id, o.message_id, m);
      wake.take_all(sent_watchers_);
    }
    changed_.notify_all();
    wake.run();
    return edit_verdict::ok;
  }

  /// deleteMessage: false when there is no such message.
  bool erase_message(int64_t chat_id, int64_t message_id) {
    std::lock_guard lock(mutex_);
    return messages_.erase({chat_id, message_id}) != 0;
  }

  answer_verdict answer_callback(const std::string& id, const std::string& text) {
    {
      std::lock_guard lock(mutex_);
      auto found = callbacks_.find(id);
      if (found == callbacks_.end() || found->second.answered) {
        return answer_verdict::invalid;
      }
      if (steady::now() - found->second.issued > std::chrono::seconds(15)) {
        return answer_verdict::too_old;
      }
      found->second.answered = true;
      found->second.text = text;
      ++answered_callbacks_;
    }
    changed_.notify_all();
    return answer_verdict::ok;
  }

  std::optional<std::string> callback_answer(int64_t update_id) const {
    std::lock_guard lock(mutex_);
    auto id = callback_by_update_.find(update_id);
    if (id == callback_by_update_.end()) {
      return std::nullopt;
    }
    const callback_info& c = callbacks_.at(id->second);
    return c.answered ? std::optional<std::string>(c.text) : std::nullopt;
  }

  void set_commands(std::string json) {
    std::lock_guard lock(mutex_);
    commands_json_ = std::move(json);
  }
  std::string commands() const {
    std::lock_guard lock(mutex_);
    return commands_json_;
  }

  /// The bot's User object (getMe's has the capability flags too).
  std::string bot_user_json(bool full) const {
    rapidjson::StringBuffer buffer;
    api_writer w(buffer);
    write_bot(w, full);
    return api_json(buffer);
  }

  // --- watching sent messages (GET /__sent?wait_ms=) -----------------------------------

  uint64_t watch_sent(waker wake) {
    std::lock_guard lock(mutex_);
    const uint64_t id = ++watch_seq_;
    sent_watchers_.emplace(id, std::move(wake));
    return id;
  }
  void unwatch_sent(uint64_t id) {
    std::lock_guard lock(mutex_);
    sent_watchers_.erase(id);
  }

  /// The fake is going away: drop every callback into the io_context.
  void forget_waiters() {
    std::lock_guard lock(mutex_);
    poll_.reset();
    sent_watchers_.clear();
  }

  // --- observations ----------------------------------------------------------------------

  std::vector<sent_message> sent(int64_t chat_id) const {
    std::lock_guard lock(mutex_);
    return sent_in(chat_id);
  }
  std::vector<sent_message> all_sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  /// Messages (and edits) of the chat (0: all) with a message_id above `after`.
  std::vector<sent_message> sent_after(int64_t chat_id, int64_t after) const {
    std::lock_guard lock(mutex_);
    std::vector<sent_message> out;
    for (const sent_message& s : sent_) {
      if ((chat_id == 0 || s.chat_id == chat_id) && s.message_id > after) {
        out.push_back(s);
      }
    }
    return out;
  }

  /// The bot's messages from position `since` of the send log on (every chat,
  /// in send order), at most `max`; without `with_text` only ids, reply and
  /// time are copied (a benchmark reading thousands of replies).
  std::vector<sent_message> sent_since(size_t since, size_t max, bool with_text) const {
    std::lock_guard lock(mutex_);
    std::vector<sent_message> out;
    for (size_t i = since; i < sent_.size() && out.size() < max; ++i) {
      if (with_text) {
        out.push_back(sent_[i]);
        continue;
      }
      sent_message s;
      s.chat_id = sent_[i].chat_id;
      s.message_id = sent_[i].message_id;
      s.reply_to_message_id = sent_[i].reply_to_message_id;
      s.at = sent_[i].at;
      s.edits = sent_[i].edits;
      out.push_back(std::move(s));
    }
    return out;
  }

  std::vector<sent_message> wait_for_messages(int64_t chat_id, size_t count,
                                              milliseconds deadline) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, deadline, [&] {
      auto found = sent_per_chat_.find(chat_id);
      return found != sent_per_chat_.end() && found->second >= count;
    });
    return sent_in(chat_id);
  }
  size_t wait_for_total_sent(size_t n, milliseconds deadline) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, deadline, [&] { return sent_.size() >= n; });
    return sent_.size();
  }
  size_t wait_for_calls(const std::string& method, size_t n, milliseconds deadline) {
    const std::string key = to_lower(method);
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, deadline, [&] { return count_of(key) >= n; });
    return count_of(key);
  }

  // --- counters -------------------------------------------------------------------------

  void record_call(const std::string& method_lower) {
    {
      std::lock_guard lock(mutex_);
      ++total_calls_;
      ++calls_[method_lower];
    }
    changed_.notify_all();
  }
  void count_unauthorized() {
    std::lock_guard lock(mutex_);
    ++unauthorized_;
  }
  void count_deprecated(size_t n) {
    std::lock_guard lock(mutex_);
    deprecated_ += n;
  }
  void count_confirmed(int64_t offset) {
    std::lock_guard lock(mutex_);
    confirmed_offset_ = std::max(confirmed_offset_, offset);
  }
  void count_connection() { connections_.fetch_add(1); }

  size_t calls(const std::string& method) const {
    std::lock_guard lock(mutex_);
    return count_of(to_lower(method));
  }
  size_t total_calls() const {
    std::lock_guard lock(mutex_);
    return total_calls_;
  }
  size_t sent_count() const {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }
  int64_t confirmed_offset() const {
    std::lock_guard lock(mutex_);
    return confirmed_offset_;
  }
  size_t answered_callbacks() const {
    std::lock_guard lock(mutex_);
    return answered_callbacks_;
  }
  size_t deprecated_parameters() const {
    std::lock_guard lock(mutex_);
    return deprecated_;
  }
  size_t connections_accepted() const { return connections_.load(); }

  /// The most messages sent within any window of 1 s (two pointers over the
  /// send times, which only grow).
  double max_per_second(int64_t chat_id) const {
    std::lock_guard lock(mutex_);
    std::vector<steady::time_point> times;
    for (const sent_message& s : sent_) {
      if (chat_id == 0 || s.chat_id == chat_id) {
        times.push_back(s.at);
      }
    }
    size_t best = 0;
    for (size_t first = 0, last = 0; last < times.size(); ++last) {
      while (times[last] - times[first] >= std::chrono::seconds(1)) {
        ++first;
      }
      best = std::max(best, last - first + 1);
    }
    return static_cast<double>(best);
  }

  void reset_counters() {
    std::lock_guard lock(mutex_);
    total_calls_ = unauthorized_ = deprecated_ = answered_callbacks_ = 0;
    calls_.clear();
    confirmed_offset_ = 0;
    connections_.store(0);
    max_in_flight_.store(in_flight_.load());
  }

  void write_stats(plain_writer& w) const {
    const double rate = max_per_second(0);
    std::lock_guard lock(mutex_);
    write_key(w, "total_calls");
    w.Uint64(total_calls_);
    write_key(w, "calls");
    w.StartObject();
    for (const auto& [name, n] : std::map<std::string, size_t>(calls_.begin(), calls_.end())) {
      write_key(w, canonical_method(name));
      w.Uint64(n);
    }
    w.EndObject();
    write_key(w, "unauthorized");
    w.Uint64(unauthorized_);
    write_key(w, "sent_count");
    w.Uint64(sent_.size());
    write_key(w, "getupdates_in_flight");
    w.Int(in_flight_.load());
    write_key(w, "max_concurrent_getupdates");
    w.Int(max_in_flight_.load());
    write_key(w, "confirmed_offset");
    w.Int64(confirmed_offset_);
    write_key(w, "next_update_id");
    w.Int64(next_update_id_);
    write_key(w, "pending_updates");
    w.Uint64(queue_.size());
    write_key(w, "answered_callbacks");
    w.Uint64(answered_callbacks_);
    write_key(w, "deprecated_parameters");
    w.Uint64(deprecated_);
    write_key(w, "max_messages_per_second");
    w.Double(rate);
    write_key(w, "connections_accepted");
    w.Uint64(connections_.load());
    write_key(w, "webhook_active");
    w.Bool(webhook_active_);
    write_key(w, "allowed_updates");
    if (allowed_set_) {
      w.StartArray();
      for (const auto& type : allowed_updates_) {
        write_string(w, type);
      }
      w.EndArray();
    } else {
      w.Null();
    }
    write_key(w, "blocked");
    w.StartArray();
    for (int64_t chat : blocked_) {
      w.Int64(chat);
    }
    w.EndArray();
  }

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

  static std::string first_name_of(const std::string& username) {
    if (username.empty()) {
      return "User";
    }
    std::string name = username;
    if (name[0] >= 'a' && name[0] <= 'z') {
      name[0] = static_cast<char>(name[0] - 'a' + 'A');
    }
    return name;
  }

  /// "/start" or "/start@bot" at the very beginning: its UTF-16 length.
  static int64_t command_length(std::string_view text) {
    if (text.size() < 2 || text[0] != '/') {
      return 0;
    }
    auto word = [](char c) { return markup::is_alnum(c) || c == '_'; };
    size_t i = 1;
    while (i < text.size() && i <= 32 && word(text[i])) {
      ++i;
    }
    if (i == 1) {
      return 0;
    }
    if (i < text.size() && text[i] == '@') {
      size_t j = i + 1;
      while (j < text.size() && word(text[j])) {
        ++j;
      }
      if (j > i + 1) {
        i = j;
      }
    }
    return int64_t(i); // ASCII only: bytes are code units
  }

  /// Default allowed updates: all but chat_member and the reactions.
  bool allowed(const std::string& type) const {
    if (type.empty()) {
      return true;
    }
    if (!allowed_set_ || allowed_updates_.empty()) {
      return type != "chat_member" && type != "message_reaction" &&
             type != "message_reaction_count";
    }
    return std::find(allowed_updates_.begin(), allowed_updates_.end(), type) !=
           allowed_updates_.end();
  }

  /// Under the mutex: a user's text message as an update; returns its
  /// update_id and message_id.
  std::pair<int64_t, int64_t> queue_message(int64_t chat_id, const std::string& text,
                                            const std::string& username, int64_t user_id,
                                            wake_list& wake) {
    chat_info& chat = chats_[chat_id];
    user_info user;
    user.id = user_id != 0 ? user_id : chat_id > 0 ? chat_id : std::llabs(chat_id);
    user.username = username;
    user.first_name = first_name_of(username);
    chat.last_user = user;
    stored_message m;
    m.from = user;
    m.date = unix_now();
    m.content.text = text;
    if (const int64_t n = command_length(text); n > 0) {
      m.content.entities.push_back(make_entity("bot_command", 0, n));
    }
    const int64_t message_id = ++chat.last_message_id;
    chat.last_user_message_id = message_id;
    rapidjson::StringBuffer buffer;
    api_writer w(buffer);
    const int64_t update_id = next_update_id_++;
    w.StartObject();
    write_key(w, "update_id");
    w.Int64(update_id);
    write_key(w, "message");
    write_message(w, chat_id, message_id, m, false);
    w.EndObject();
    messages_[{chat_id, message_id}] = std::move(m);
    queue_update(update_id, "message", api_json(buffer), wake);
    return {update_id, message_id};
  }

  // Under the mutex.
  void queue_update(int64_t id, const std::string& type, std::string json, wake_list& wake) {
    if (!allowed(type)) {
      return; // Telegram does not even store it
    }
    queue_.push_back({id, std::move(json)});
    if (poll_) {
      wake.add(poll_->wake, wait_end::woken); // stays registered until it answers
    }
  }

  void apply_offset(int64_t offset) {
    if (offset < 0) {
      // The last -offset updates; all previous ones are forgotten.
      const size_t keep = static_cast<size_t>(-(offset + 1)) + 1;
      while (queue_.size() > keep) {
        queue_.pop_front();
      }
      return;
    }
    confirmed_offset_ = std::max(confirmed_offset_, offset);
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                                [offset](const queued_update& u) { return u.id < offset; }),
                 queue_.end());
  }

  std::string collect(int limit) const {
    std::string out = "[";
    int n = 0;
    for (const queued_update& u : queue_) {
      if (n++ == limit) {
        break;
      }
      if (out.size() > 1) {
        out += ',';
      }
      out += u.json;
    }
    return out + "]";
  }

  /// A raw or sample update's message: its chat's ids go on from there.
  void note_foreign(const rapidjson::Value& update) {
    for (const char* type : {"message", "edited_message", "channel_post"}) {
      if (!update.HasMember(type) || !update[type].IsObject()) {
        continue;
      }
      const auto& m = update[type];
      if (m.HasMember("chat") && m["chat"].IsObject() && m["chat"].HasMember("id") &&
          m["chat"]["id"].IsInt64() && m.HasMember("message_id") && m["message_id"].IsInt64()) {
        const int64_t chat_id = m["chat"]["id"].GetInt64();
        const int64_t id = m["message_id"].GetInt64();
        chat_info& chat = chats_[chat_id];
        chat.last_message_id = std::max(chat.last_message_id, id);
        chat.last_user_message_id = id;
        stored_message stored;
        stored.date = unix_now();
        if (m.HasMember("text") && m["text"].IsString()) {
          stored.content.text = m["text"].GetString();
        }
        messages_[{chat_id, id}] = std::move(stored);
      }
    }
  }

  static bool same_entities(const formatted_text& a, const formatted_text& b) {
    if (a.entities.size() != b.entities.size()) {
      return false;
    }
    for (size_t i = 0; i < a.entities.size(); ++i) {
      const entity &x = a.entities[i], &y = b.entities[i];
      if (x.type != y.type || x.offset != y.offset || x.length != y.length || x.url != y.url ||
          x.language != y.language || x.custom_emoji_id != y.custom_emoji_id) {
        return false;
      }
    }
    return true;
  }

  std::vector<sent_message> sent_in(int64_t chat_id) const {
    std::vector<sent_message> out;
    for (const sent_message& s : sent_) {
      if (s.chat_id == chat_id) {
        out.push_back(s);
      }
    }
    return out;
  }

  size_t count_of(const std::string& key) const {
    auto found = calls_.find(key);
    return found == calls_.end() ? 0 : found->second;
  }

  // --- Bot API objects ---------------------------------------------------------------

  template <class Writer> void write_bot(Writer& w, bool full) const {
    w.StartObject();
    write_key(w, "id");
    w.Int64(bot_id_);
    write_key(w, "is_bot");
    w.Bool(true);
    write_key(w, "first_name");
    write_string(w, options_.bot_first_name);
    write_key(w, "username");
    write_string(w, options_.bot_username);
    if (full) {
      for (const char* flag :
           {"can_join_groups", "can_read_all_group_messages", "supports_inline_queries",
            "can_connect_to_business", "has_main_web_app"}) {
        write_key(w, flag);
        w.Bool(std::string_view(flag) == "can_join_groups");
      }
    }
    w.EndObject();
  }

  template <class Writer> static void write_user(Writer& w, const user_info& u) {
    w.StartObject();
    write_key(w, "id");
    w.Int64(u.id);
    write_key(w, "is_bot");
    w.Bool(false);
    write_key(w, "first_name");
    write_string(w, u.first_name);
    if (!u.username.empty()) {
      write_key(w, "username");
      write_string(w, u.username);
    }
    write_key(w, "language_code");
    w.String("en");
    w.EndObject();
  }

  template <class Writer> void write_chat(Writer& w, int64_t chat_id) const {
    w.StartObject();
    write_key(w, "id");
    w.Int64(chat_id);
    if (chat_id > 0) {
      user_info user;
      if (auto found = chats_.find(chat_id); found != chats_.end()) {
        user = found->second.last_user;
      }
      write_key(w, "first_name");
      write_string(w, user.first_name.empty() ? "User" : user.first_name);
      if (!user.username.empty()) {
        write_key(w, "username");
        write_string(w, user.username);
      }
      write_key(w, "type");
      w.String("private");
    } else {
      const bool super = chat_id <= -1000000000000LL;
      write_key(w, "title");
      write_string(w, super ? "Phoenix test supergroup" : "Phoenix test group");
      write_key(w, "type");
      w.String(super ? "supergroup" : "group");
    }
    w.EndObject();
  }

  template <class Writer>
  void write_message(Writer& w, int64_t chat_id, int64_t message_id, const stored_message& m,
                     bool with_reply) const {
    w.StartObject();
    write_key(w, "message_id");
    w.Int64(message_id);
    write_key(w, "from");
    if (m.from_bot) {
      write_bot(w, false);
    } else {
      write_user(w, m.from);
    }
    write_key(w, "chat");
    write_chat(w, chat_id);
    write_key(w, "date");
    w.Int64(m.date);
    if (with_reply && m.reply_to != 0) {
      if (auto found = messages_.find({chat_id, m.reply_to}); found != messages_.end()) {
        write_key(w, "reply_to_message");
        write_message(w, chat_id, m.reply_to, found->second, false);
      }
    }
    if (m.edit_date != 0) {
      write_key(w, "edit_date");
      w.Int64(m.edit_date);
    }
    write_key(w, "text");
    write_string(w, m.content.text);
    if (!m.content.entities.empty()) {
      write_key(w, "entities");
      write_entities(w, m.content.entities);
    }
    if (!m.link_preview_json.empty()) {
      write_key(w, "link_preview_options");
      write_raw(w, m.link_preview_json, rapidjson::kObjectType);
    }
    if (!m.markup_json.empty()) {
      write_key(w, "reply_markup");
      write_raw(w, m.markup_json, rapidjson::kObjectType);
    }
    w.EndObject();
  }

  std::string message_json(int64_t chat_id, int64_t message_id, const stored_message& m) const {
    rapidjson::StringBuffer buffer;
    api_writer w(buffer);
    write_message(w, chat_id, message_id, m, true);
    return api_json(buffer);
  }

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
  std::string webhook_url_;

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
  std::atomic<size_t> connections_{0};
};

} // namespace phoenix::fakes::telegram_detail
