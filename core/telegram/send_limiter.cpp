#include "core/telegram/send_limiter.hpp"

#include <algorithm>

namespace phoenix::core {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

// The flood guard's window: after this much idle time a user has no history
// that could still matter.
constexpr auto idle_after = 60s;
// Scanning for idle entries at most this often keeps the cost amortized.
constexpr auto cleanup_every = 1s;

// Sends still in flight count until their answer (time_point::max(): only an
// answer frees their slot); of the rest, the one answered `limit - in_flight`
// sends ago leaving its window frees the next slot.
time_point window_slot(const time_log& log, int in_flight, int limit,
                       std::chrono::steady_clock::duration window, time_point now) {
  if (limit <= 0)
    return now;
  if (in_flight >= limit)
    return time_point::max();
  const auto answered = static_cast<std::size_t>(limit - in_flight);
  if (log.size() < answered)
    return now;
  return std::max(now, log.oldest_of_newest(answered) + window);
}

void record(time_log& log, int limit, time_point answered) {
  if (limit > 0)
    log.record(answered, static_cast<std::size_t>(limit));
}

} // namespace

void time_log::record(time_point t, std::size_t limit) {
  // Sorted even if answers are reported out of order, so the front is the oldest.
  times_.insert(std::upper_bound(times_.begin(), times_.end(), t), t);
  if (times_.size() > limit)
    times_.erase(times_.begin(), times_.end() - static_cast<std::ptrdiff_t>(limit));
}

int reserved_for_replies(int global_per_second) {
  return global_per_second <= 1 ? 0 : std::max(1, global_per_second / 30);
}

send_limiter::send_limiter(send_limits limits)
    : limits_(limits), second_window_(1s), minute_window_(60s) {}

bool send_limiter::limits_chat(bool is_group) const {
  return limits_.chat_per_second > 0 || (is_group && limits_.group_per_minute > 0);
}

send_limiter::time_point send_limiter::next_slot(int64_t chat_id, bool is_group, time_point now,
                                                 bool paid, bool bulk) const {
  time_point slot = std::max(now, paused_until_);
  auto limit = paid ? limits_.paid_per_second : limits_.global_per_second;
  if (bulk && !paid && limit > 0)
    limit -= reserved_for_replies(limit);
  slot = std::max(slot, paid ? window_slot(paid_, paid_in_flight_, limit, second_window_, now)
                             : window_slot(global_, global_in_flight_, limit, second_window_, now));
  if (bulk && limit > 0) // evenly spread: a window never fills in one burst
    slot = std::max(slot, last_bulk_ + second_window_ / limit);
  auto found = chats_.find(chat_id);
  if (found != chats_.end()) {
    const chat_log& chat = found->second;
    slot = std::max(slot, window_slot(chat.last_second, chat.in_flight, limits_.chat_per_second,
                                      second_window_, now));
    if (is_group)
      slot = std::max(slot, window_slot(chat.last_minute, chat.in_flight, limits_.group_per_minute,
                                        minute_window_, now));
  }
  return slot;
}

void send_limiter::on_send(int64_t chat_id, bool is_group, time_point now, bool paid, bool bulk) {
  forget_idle_chats(now);
  ++(paid ? paid_in_flight_ : global_in_flight_);
  if (bulk)
    last_bulk_ = now;
  if (!limits_chat(is_group))
    return; // nothing to remember: 100,000 chats cost nothing here
  chat_log& chat = chats_[chat_id];
  chat.last_seen = now;
  ++chat.in_flight;
}

void send_limiter::on_answer(int64_t chat_id, bool is_group, time_point now, bool paid,
                             bool answered) {
  auto at = answered ? now : now + limits_.jitter_margin;
  auto& in_flight = paid ? paid_in_flight_ : global_in_flight_;
  in_flight = std::max(0, in_flight - 1);
  if (paid)
    record(paid_, limits_.paid_per_second, at);
  else
    record(global_, limits_.global_per_second, at);
  auto found = chats_.find(chat_id);
  if (found == chats_.end())
    return; // limits off for such chats
  chat_log& chat = found->second;
  chat.last_seen = std::max(chat.last_seen, at);
  chat.in_flight = std::max(0, chat.in_flight - 1);
  record(chat.last_second, limits_.chat_per_second, at);
  if (is_group)
    record(chat.last_minute, limits_.group_per_minute, at);
}

void send_limiter::pause_all_until(time_point until) {
  paused_until_ = std::max(paused_until_, until);
}

void send_limiter::forget_idle_chats(time_point now) {
  if (now - last_cleanup_ < cleanup_every)
    return;
  last_cleanup_ = now;
  for (auto it = chats_.begin(); it != chats_.end();) {
    // Only a group's minute log outlives the second window; a send in
    // flight is remembered until its answer.
    auto keep = it->second.last_minute.empty() ? second_window_ : minute_window_;
    if (it->second.in_flight == 0 && now - it->second.last_seen >= keep)
      it = chats_.erase(it);
    else
      ++it;
  }
}

flood_guard::flood_guard(int commands_per_minute) : per_minute_(commands_per_minute) {}

flood_guard::user_log& flood_guard::seen(int64_t user_id, time_point now) {
  forget_idle_users(now);
  user_log& user = users_[user_id];
  user.last_seen = now;
  return user;
}

flood_guard::verdict flood_guard::warn_once(user_log& user) {
  if (user.warned)
    return verdict::ignore;
  user.warned = true;
  return verdict::warn;
}

flood_guard::verdict flood_guard::on_command(int64_t user_id, time_point now) {
  if (per_minute_ <= 0)
    return verdict::allow;
  user_log& user = seen(user_id, now);
  while (!user.allowed.empty() && now - user.allowed.front() >= 60s)
    user.allowed.pop_front();
  if (user.allowed.size() < static_cast<std::size_t>(per_minute_)) {
    user.allowed.push_back(now);
    user.warned = false; // calm again: a later burst earns a new notice
    return verdict::allow;
  }
  return warn_once(user);
}

flood_guard::verdict flood_guard::on_queue_full(int64_t user_id, time_point now) {
  if (per_minute_ <= 0)
    return verdict::warn;
  return warn_once(seen(user_id, now));
}

void flood_guard::forget_idle_users(time_point now) {
  if (now - last_cleanup_ < cleanup_every)
    return;
  last_cleanup_ = now;
  for (auto it = users_.begin(); it != users_.end();) {
    if (now - it->second.last_seen >= idle_after)
      it = users_.erase(it);
    else
      ++it;
  }
}

} // namespace phoenix::core
