#include "core/football/quota_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace phoenix::core {

bool quota_tracker::day_spent(time_point now) const {
  return day_remaining_ && *day_remaining_ <= in_flight_ &&
         now < day_blocked_since_ + day_probe_interval;
}

quota_tracker::time_point quota_tracker::next_call_at(time_point now) const {
  if (now < minute_blocked_until_)
    return minute_blocked_until_;
  // Calls in flight may each use one unit of the minute budget we know of.
  if (minute_remaining_ && *minute_remaining_ <= in_flight_)
    return time_point::max();
  return now;
}

void quota_tracker::on_call(time_point) {
  ++in_flight_;
}

void quota_tracker::on_answer(time_point now, std::optional<int64_t> day_remaining,
                              std::optional<int64_t> minute_remaining) {
  in_flight_ = std::max<int64_t>(0, in_flight_ - 1);
  if (day_remaining) {
    if (*day_remaining <= 0)
      day_blocked_since_ = now;
    day_remaining_ = day_remaining;
  }
  if (minute_remaining) {
    minute_remaining_ = minute_remaining;
    // Spent: the next call waits for the window to turn over. Afterwards the
    // next answer's headers tell the new budget.
    if (*minute_remaining <= 0)
      on_rate_limited(now);
  }
}

void quota_tracker::on_rate_limited(time_point now) {
  minute_blocked_until_ = now + minute_window_;
  minute_remaining_.reset();
}

void quota_tracker::on_day_spent(time_point now) {
  day_remaining_ = 0;
  day_blocked_since_ = now;
}

std::chrono::milliseconds full_jitter_backoff(int attempt, std::chrono::milliseconds base,
                                              std::chrono::milliseconds cap, double unit_random) {
  auto ceiling = static_cast<double>(base.count()) * std::pow(2.0, std::max(0, attempt));
  ceiling = std::min(ceiling, static_cast<double>(cap.count()));
  return std::chrono::milliseconds{
      static_cast<int64_t>(ceiling * std::clamp(unit_random, 0.0, 1.0))};
}

} // namespace phoenix::core
