#include "core/telegram/inbox_sweeps.hpp"

#include <algorithm>
#include <utility>

namespace phoenix::core {

bool inbox_sweeps::wake() {
  if (running_) {
    again_ = true;
    return false;
  }
  running_ = true;
  ++started_;
  return true;
}

std::vector<telegram_update> inbox_sweeps::push(telegram_update update) {
  if (!running_ && pending_.empty()) {
    std::vector<telegram_update> now;
    now.push_back(std::move(update));
    return now;
  }
  // Woken during this sweep: its standby rows may be newer than the read.
  // None running (a read failed): the next one.
  pending_.push_back({std::move(update), running_ && !again_ ? started_ : started_ + 1});
  return {};
}

void inbox_sweeps::failed() {
  running_ = false;
  again_ = false;
  // Nothing was read: every waiting push waits for a read that works.
  for (auto& p : pending_)
    p.after_sweep = std::max(p.after_sweep, started_ + 1);
}

inbox_sweeps::ended inbox_sweeps::end(std::vector<telegram_update> rows) {
  running_ = false;
  for (auto& u : rows)
    pending_.push_back({std::move(u), 0});
  std::stable_sort(pending_.begin(), pending_.end(), [](const pending& a, const pending& b) {
    return a.update.update_id < b.update.update_id;
  });
  // Everything before the first push that waits for a later sweep goes.
  auto stop = std::find_if(pending_.begin(), pending_.end(),
                           [this](const pending& p) { return p.after_sweep > started_; });
  ended out;
  for (auto it = pending_.begin(); it != stop; ++it)
    out.going.push_back(std::move(it->update));
  pending_.erase(pending_.begin(), stop);
  out.sweep_again = std::exchange(again_, false) || !pending_.empty();
  if (out.sweep_again) {
    running_ = true;
    ++started_;
  }
  return out;
}

} // namespace phoenix::core
