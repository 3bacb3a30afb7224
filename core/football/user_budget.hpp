// Per-user budget of upstream calls (limits.user-upstream-per-minute): one
// user asking for many different dates or fixtures must not spend the whole
// API-Football plan. Time is passed in, so tests drive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>

namespace phoenix::core {

/// At most N counted calls per user within a window (a minute) that opens with
/// the user's first counted call; beyond that the user is refused until the
/// window closes. Only users with an open window are remembered, and windows
/// close oldest first, so memory follows the users active within the last
/// window (each of whom made a call upstream), not every user ever seen.
class user_budget {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// `per_window`: calls per user and window (0: off, nobody is refused).
  explicit user_budget(int64_t per_window,
                       std::chrono::nanoseconds window = std::chrono::minutes{1})
      : per_window_(per_window), window_(window) {}

  /// Counts one call for `user` if the budget has room. False: refused, nothing counted.
  /// User 0 (nobody's request) is never counted nor refused.
  bool try_spend(int64_t user, time_point now);

  /// Users remembered now (open windows).
  std::size_t tracked_users() const { return users_.size(); }

private:
  struct window_state {
    time_point opened;
    int64_t spent = 0;
  };

  void close_windows(time_point now);

  int64_t per_window_;
  std::chrono::nanoseconds window_;
  std::unordered_map<int64_t, window_state> users_;
  std::deque<std::pair<time_point, int64_t>> opened_; ///< (opened, user), oldest first
};

} // namespace phoenix::core
