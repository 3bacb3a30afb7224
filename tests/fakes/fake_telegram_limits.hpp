// The fake Telegram's rate limits, counted as Telegram counts them: when a
// request arrives, over any sliding window (1 message per chat per second, 20
// per group per minute, 30 per second in all); a request over a limit gets 429
// and is not counted. Off by default (tests send bursts). Also the arrival
// jitter: a seeded random delay before a request is read, as the network adds
// between a bot's clock and Telegram's. Its own mutex; included only by the
// fake Telegram's state.
#pragma once

#include "tests/fakes/fake_telegram_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

namespace phoenix::fakes::telegram_detail {

class rate_limits {
public:
  using clock = std::chrono::steady_clock;
  using milliseconds = std::chrono::milliseconds;
  static constexpr int per_second = 30, chat_per_second = 1, group_per_minute = 20;
  /// Bounds a test's jitter: a request is never held longer than this.
  static constexpr milliseconds max_jitter{10000};

  explicit rate_limits(unsigned seed) : random_(seed) {}

  /// sendMessage, editMessageText and sendChatAction count (lowercase names).
  static bool counted(const std::string& method_lower) {
    return method_lower == "sendmessage" || method_lower == "editmessagetext" ||
           method_lower == "sendchataction";
  }

  void enforce(bool on) {
    std::lock_guard lock(mutex_);
    enforced_ = on;
  }

  /// Each request of `method` ("*": all) arrives 0..jitter ms late (0: off).
  void set_arrival_jitter(const std::string& method, milliseconds jitter) {
    std::lock_guard lock(mutex_);
    jitter_[method.empty() ? "*" : to_lower(method)] =
        std::clamp(jitter, milliseconds(0), max_jitter);
  }

  milliseconds arrival_delay(const std::string& method_lower) {
    std::lock_guard lock(mutex_);
    auto found = jitter_.find(method_lower);
    if (found == jitter_.end())
      found = jitter_.find("*");
    if (found == jitter_.end() || found->second.count() <= 0)
      return milliseconds(0);
    return milliseconds(
        std::uniform_int_distribution<long>(0, long(found->second.count()))(random_));
  }

  /// Counts a message to `chat` arriving now; nullopt when allowed, else the
  /// retry_after (seconds until every window has room, at least 1).
  std::optional<int> admit(int64_t chat) {
    std::lock_guard lock(mutex_);
    if (!enforced_)
      return std::nullopt;
    const auto now = clock::now();
    using std::chrono::seconds;
    forget_idle(now);
    chat_log& log = chats_[chat];
    clock::time_point room = now;
    room = std::max(room, room_at(global_, per_second, seconds(1), now));
    room = std::max(room, room_at(log.second, chat_per_second, seconds(1), now));
    if (chat < 0)
      room = std::max(room, room_at(log.minute, group_per_minute, seconds(60), now));
    if (room > now) {
      ++rejected_;
      const auto wait = std::chrono::ceil<seconds>(room - now).count();
      return std::max<int>(1, int(wait));
    }
    global_.push_back(now);
    log.second.push_back(now);
    if (chat < 0)
      log.minute.push_back(now);
    if (!first_)
      first_ = now;
    last_ = now;
    ++admitted_;
    return std::nullopt;
  }

  size_t rejected() const {
    std::lock_guard lock(mutex_);
    return rejected_;
  }
  size_t admitted() const {
    std::lock_guard lock(mutex_);
    return admitted_;
  }
  /// From the first to the last counted arrival since the counters were reset.
  milliseconds span() const {
    std::lock_guard lock(mutex_);
    return first_ ? std::chrono::duration_cast<milliseconds>(last_ - *first_) : milliseconds(0);
  }

  void reset_counters() {
    std::lock_guard lock(mutex_);
    rejected_ = admitted_ = 0;
    first_.reset();
  }

  void write(plain_writer& w) const {
    std::lock_guard lock(mutex_);
    w.StartObject();
    write_key(w, "enforced");
    w.Bool(enforced_);
    write_key(w, "answered_429");
    w.Uint64(rejected_);
    write_key(w, "admitted");
    w.Uint64(admitted_);
    write_key(w, "span_ms");
    w.Int64(first_ ? std::chrono::duration_cast<milliseconds>(last_ - *first_).count() : 0);
    write_key(w, "arrival_jitter_ms");
    w.StartObject();
    for (const auto& [method, jitter] : jitter_) {
      write_key(w, method);
      w.Int64(jitter.count());
    }
    w.EndObject();
    w.EndObject();
  }

private:
  struct chat_log {
    std::deque<clock::time_point> second, minute;
  };

  /// Drops arrivals that left the window (a request exactly `window` later
  /// is in a new window); when the log is full, the window has room once
  /// enough of the oldest leave.
  static clock::time_point room_at(std::deque<clock::time_point>& log, size_t limit,
                                   clock::duration window, clock::time_point now) {
    while (!log.empty() && log.front() <= now - window)
      log.pop_front();
    if (log.size() < limit)
      return now;
    return log[log.size() - limit] + window;
  }

  // Chats with nothing in their last minute cannot matter: keeps memory bounded.
  void forget_idle(clock::time_point now) {
    if (now - last_sweep_ < std::chrono::seconds(1))
      return;
    last_sweep_ = now;
    for (auto it = chats_.begin(); it != chats_.end();) {
      const auto& log = it->second;
      const auto latest = std::max(log.second.empty() ? clock::time_point{} : log.second.back(),
                                   log.minute.empty() ? clock::time_point{} : log.minute.back());
      it = now - latest >= std::chrono::seconds(60) ? chats_.erase(it) : std::next(it);
    }
  }

  mutable std::mutex mutex_;
  bool enforced_ = false;
  std::map<std::string, milliseconds> jitter_;
  std::mt19937 random_;
  std::deque<clock::time_point> global_;
  std::unordered_map<int64_t, chat_log> chats_;
  clock::time_point last_sweep_{};
  size_t rejected_ = 0, admitted_ = 0;
  std::optional<clock::time_point> first_;
  clock::time_point last_{};
};

} // namespace phoenix::fakes::telegram_detail
