#include "actors/db_pool.hpp"

#include <algorithm>

namespace phoenix {

db_connection_slot* db_pool_state::free_slot(bool intake) {
  db_connection_slot* other = nullptr;
  for (auto& s : slots) {
    if (s.busy)
      continue;
    if (s.intake == intake)
      return &s;
    if (!other && (!intake || s.warm))
      other = &s;
  }
  return intake || slots.size() >= config.pool_max ? other : nullptr;
}

bool db_pool_state::has_intake_slot() const {
  return std::any_of(slots.begin(), slots.end(), [](auto& s) { return s.intake; });
}

bool db_pool_state::waits_for_its_batch(const core::db::operation& op) const {
  return core::db::is_batchable(op) && batches_running.count(op.index()) != 0;
}

bool db_pool_state::idle() const {
  return queue.empty() && std::none_of(slots.begin(), slots.end(), [](auto& s) { return s.busy; });
}

} // namespace phoenix
