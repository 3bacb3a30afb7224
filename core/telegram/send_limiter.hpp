// Outgoing rate limits (Bot FAQ: ~30 messages/s overall, ~1/s per chat,
// 20/min per group) and a per-user command flood guard. Time is passed in,
// so tests and actors control the clock. Memory stays bounded: a chat is
// forgotten once no window can still hold its sends (a second for private
// chats, a minute for groups), a user after a minute idle; with its limits
// off nothing is remembered per chat or user.
#pragma once

#include <chrono>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace phoenix::core {

/// The times of the last few events, oldest first. A vector, not a deque: an
/// empty std::deque already holds ~600 bytes (its map and a first 512-byte
/// block), paid by every chat and user remembered; these logs hold at most a
/// few dozen times (a limit's count), so erasing at the front is cheap.
class time_log {
public:
  using time_point = std::chrono::steady_clock::time_point;

  bool empty() const { return times_.empty(); }
  std::size_t size() const { return times_.size(); }
  time_point front() const { return times_.front(); }
  /// The oldest of the newest `n` times (1 <= n <= size()).
  time_point oldest_of_newest(std::size_t n) const { return times_[times_.size() - n]; }
  void pop_front() { times_.erase(times_.begin()); }
  void push_back(time_point t) { times_.push_back(t); }
  /// Inserts `t` in order and keeps only the newest `limit` times.
  void record(time_point t, std::size_t limit);

private:
  std::vector<time_point> times_;
};

struct send_limits {
  int global_per_second = 30;
  int chat_per_second = 1;
  int group_per_minute = 20; // 0 switches a limit off
  /// Added after a send that got no answer (timeout, reset): it may still
  /// reach Telegram a little later. An answered send arrived before its answer.
  std::chrono::steady_clock::duration jitter_margin = std::chrono::milliseconds{100};
  /// Paid broadcasts (allow_paid_broadcast, telegram.paid-broadcast): their
  /// own global rate instead of global_per_second; per-chat limits still hold.
  int paid_per_second = 1000;
};

/// Of global_per_second, the sends per window that broadcasts (alerts) leave
/// to replies, so a /help asked during a fan-out finds a free slot: one per
/// 30 (1 of 30: a fan-out of 1,000 still takes 35 s, not 40).
int reserved_for_replies(int global_per_second);

/// Sliding-window logs counted as Telegram counts, on arrival. Phoenix cannot
/// see when a send arrives, only that it arrived after it left and before its
/// answer came back. So a send counts from the moment it leaves until its
/// answer plus the window (1 s, 60 s): a send is allowed when fewer than N
/// sends are in flight or were answered within the window before it. Then any
/// window at Telegram holds at most N arrivals, however the network delays or
/// bunches requests and answers (proof in docs/architecture.md, Send).
class send_limiter {
public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit send_limiter(send_limits limits);

  /// The earliest time a message to `chat_id` may go out (`now` if free;
  /// time_point::max() while only an answer can free a slot); `paid`: a paid
  /// broadcast, counted against paid_per_second instead; `bulk`: a broadcast,
  /// which leaves reserved_for_replies slots free and is paced evenly over
  /// the window, so a reply asked during a fan-out finds a slot at once.
  time_point next_slot(int64_t chat_id, bool is_group, time_point now, bool paid = false,
                       bool bulk = false) const;

  /// Records a message leaving at `now` (also when sent before its slot): in
  /// flight until on_answer.
  void on_send(int64_t chat_id, bool is_group, time_point now, bool paid = false,
               bool bulk = false);
  /// Its answer came at `now` (`answered`: an HTTP answer, a 429 included;
  /// otherwise a timeout or network error, which adds the jitter margin).
  void on_answer(int64_t chat_id, bool is_group, time_point now, bool paid = false,
                 bool answered = true);

  /// After a 429: nothing goes out before `until` (later calls only extend).
  void pause_all_until(time_point until);
  /// The end of the current 429 pause (calls that are not messages, such as
  /// answerCallbackQuery, only wait for that).
  time_point paused_until() const { return paused_until_; }

  /// Chats currently remembered (for tests and metrics).
  std::size_t tracked_chats() const { return chats_.size(); }

private:
  struct chat_log {
    time_log last_second; // answer times, at most chat_per_second entries
    time_log last_minute; // groups only; at most group_per_minute
    time_point last_seen; // the last send or answer
    int in_flight = 0;
  };

  void forget_idle_chats(time_point now);
  /// Whether a send to such a chat counts against any per-chat limit.
  bool limits_chat(bool is_group) const;

  send_limits limits_;
  std::chrono::steady_clock::duration second_window_, minute_window_;
  time_log global_; // answer times, at most global_per_second entries
  time_log paid_;   // at most paid_per_second entries
  int global_in_flight_ = 0, paid_in_flight_ = 0;
  time_point last_bulk_{}; // the pacing of broadcasts
  std::unordered_map<int64_t, chat_log> chats_;
  time_point paused_until_{};
  time_point last_cleanup_{};
};

/// Per-user command limit: within any minute a user gets N answered
/// commands; the first one over gets `warn` (one polite notice), the next
/// ones `ignore` until the minute has room again.
class flood_guard {
public:
  using time_point = std::chrono::steady_clock::time_point;
  enum class verdict { allow, warn, ignore };

  explicit flood_guard(int commands_per_minute); // 0: off

  verdict on_command(int64_t user_id, time_point now);
  /// The user's chat overflowed its queue (chat_queue_cap's notice): `warn`
  /// unless the user was warned and has not been calm since (`ignore`); the
  /// user counts as warned after it, so one notice covers both limits.
  verdict on_queue_full(int64_t user_id, time_point now);

  /// Users currently remembered (for tests and metrics).
  std::size_t tracked_users() const { return users_.size(); }

private:
  struct user_log {
    time_log allowed; // at most commands_per_minute entries
    time_point last_seen;
    bool warned = false;
  };

  /// The user's log, marked as seen now (idle users forgotten first).
  user_log& seen(int64_t user_id, time_point now);
  /// `warn` the first time since the user was last allowed, then `ignore`.
  static verdict warn_once(user_log& user);
  void forget_idle_users(time_point now);

  int per_minute_;
  std::unordered_map<int64_t, user_log> users_;
  time_point last_cleanup_{};
};

} // namespace phoenix::core
