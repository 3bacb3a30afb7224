// API-Football's budgets: calls per minute and per day. The tracker learns the
// remaining budgets from response headers and rate-limit errors, counts calls
// in flight against them, and says when the next call may go out. Time is
// passed in, so tests drive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace phoenix::core {

class quota_tracker {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// `minute_window`: how long a spent minute budget waits (the API's minute;
  /// tests shorten it).
  explicit quota_tracker(std::chrono::nanoseconds minute_window = std::chrono::seconds{60})
      : minute_window_(minute_window) {}

  /// How often a spent day budget is probed again (the API resets it daily;
  /// its answers tell when the budget is back).
  static constexpr std::chrono::minutes day_probe_interval{10};

  /// Whether the daily budget is known to be spent (calls would fail until tomorrow).
  bool day_spent(time_point now) const;

  /// Earliest time a call may go out; `now` when one may go right away;
  /// time_point::max() when calls in flight hold the rest of the minute
  /// budget (the next answer tells more).
  time_point next_call_at(time_point now) const;

  /// A call goes out now (counts against both budgets until its answer arrives).
  void on_call(time_point now);

  /// The answer to a call arrived, with the budgets the headers announced (if any).
  void on_answer(time_point now, std::optional<int64_t> day_remaining,
                 std::optional<int64_t> minute_remaining);

  /// The API said the minute budget is spent (errors.rateLimit or HTTP 429).
  void on_rate_limited(time_point now);

  /// The API said the day budget is spent (errors.requests).
  void on_day_spent(time_point now);

  std::optional<int64_t> day_remaining() const { return day_remaining_; }
  std::optional<int64_t> minute_remaining() const { return minute_remaining_; }

private:
  std::chrono::nanoseconds minute_window_;
  std::optional<int64_t> day_remaining_;
  std::optional<int64_t> minute_remaining_;
  int64_t in_flight_ = 0;
  time_point minute_blocked_until_{};
  time_point day_blocked_since_{};
};

/// Exponential backoff with full jitter: a uniform draw from [0, min(cap, base * 2^attempt)].
/// `unit_random` is a draw from [0, 1).
std::chrono::milliseconds full_jitter_backoff(int attempt, std::chrono::milliseconds base,
                                              std::chrono::milliseconds cap, double unit_random);

} // namespace phoenix::core
