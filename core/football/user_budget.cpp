#include "core/football/user_budget.hpp"

namespace phoenix::core {

bool user_budget::try_spend(int64_t user, time_point now) {
  if (per_window_ <= 0 || user == 0)
    return true;
  close_windows(now);
  auto [pos, opened] = users_.try_emplace(user, window_state{now, 0});
  if (opened)
    opened_.emplace_back(now, user);
  if (pos->second.spent >= per_window_)
    return false;
  ++pos->second.spent;
  return true;
}

// Windows open in time order, so the ones to close are at the front: each
// window costs O(1) to open and to close.
void user_budget::close_windows(time_point now) {
  while (!opened_.empty() && now - opened_.front().first >= window_) {
    auto [opened, user] = opened_.front();
    opened_.pop_front();
    if (auto pos = users_.find(user); pos != users_.end() && pos->second.opened == opened)
      users_.erase(pos);
  }
}

} // namespace phoenix::core
