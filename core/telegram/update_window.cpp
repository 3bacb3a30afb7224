#include "core/telegram/update_window.hpp"

#include <algorithm>

namespace phoenix::core {

bool update_window::is_repeat(int64_t id) const {
  return in_flight_.count(id) != 0 || done_above_.count(id) != 0 || unconfirmed_.count(id) != 0;
}

update_window::arrival update_window::arrive(int64_t id) {
  if (is_repeat(id))
    return arrival::repeat;
  auto result = arrival::fresh;
  // Telegram never sends a confirmed update again, and its ids only grow
  // within one numbering: a new id below the highest one seen starts another.
  if (next_update_ > 0 && id < next_update_) {
    for (auto held : in_flight_)
      outside_.insert(held); // still handled, but no longer part of the offset
    not_durable_.clear();
    done_above_.clear();
    unconfirmed_.clear();
    confirmed_.reset();
    next_update_ = id;
    ++renumberings_;
    result = arrival::renumbered;
  }
  in_flight_.insert(id);
  not_durable_.insert(id);
  next_update_ = std::max(next_update_, id + 1);
  return result;
}

void update_window::replay(int64_t id) {
  in_flight_.insert(id);
  outside_.insert(id);
}

void update_window::keep_durable(int64_t id) {
  not_durable_.erase(id);
}

bool update_window::finish(int64_t id) {
  if (in_flight_.erase(id) == 0)
    return false;
  not_durable_.erase(id);
  if (outside_.erase(id) != 0)
    return true;
  done_above_.insert(id);
  auto watermark = low_watermark();
  auto below = done_above_.lower_bound(watermark);
  for (auto it = done_above_.begin(); it != below; ++it)
    if (!confirmed_ || *it >= *confirmed_)
      unconfirmed_.insert(*it);
  done_above_.erase(done_above_.begin(), below);
  return true;
}

void update_window::skip(int64_t id) {
  next_update_ = std::max(next_update_, id + 1);
  if (!confirmed_ || id >= *confirmed_)
    unconfirmed_.insert(id);
}

int64_t update_window::low_watermark() const {
  return not_durable_.empty() ? next_update_ : *not_durable_.begin();
}

std::optional<int64_t> update_window::offset_to_send() const {
  auto watermark = low_watermark();
  if (watermark == 0 || (confirmed_ && watermark <= *confirmed_))
    return std::nullopt;
  return watermark;
}

size_t update_window::repeats_ahead() const {
  auto watermark = low_watermark();
  auto repeats = done_above_.size();
  for (auto it = in_flight_.lower_bound(watermark); it != in_flight_.end(); ++it)
    if (outside_.count(*it) == 0)
      ++repeats;
  return repeats;
}

void update_window::confirmed(int64_t offset) {
  if (confirmed_ && offset <= *confirmed_)
    return;
  confirmed_ = offset;
  unconfirmed_.erase(unconfirmed_.begin(), unconfirmed_.lower_bound(offset));
}

} // namespace phoenix::core
