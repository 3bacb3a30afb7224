#include "core/football/decoded_answers.hpp"

namespace phoenix::core {

namespace {

// Same stored entry: a live weak_ptr keeps its control block, so the address
// of that block cannot be reused by a newer entry while we compare.
bool same_entry(const std::weak_ptr<const cache_entry>& kept, const cache_entry_ptr& entry) {
  return !kept.owner_before(entry) && !entry.owner_before(kept);
}

} // namespace

payload_ptr decoded_answers::find(const cache_entry_ptr& source) {
  if (!source)
    return nullptr;
  auto pos = index_.find(source->key);
  if (pos == index_.end())
    return nullptr;
  if (!same_entry(pos->second->source, source)) {
    lru_.erase(pos->second); // decoded from an older entry: of no use any more
    index_.erase(pos);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, pos->second);
  return pos->second->data;
}

void decoded_answers::keep(const cache_entry_ptr& source, payload_ptr data) {
  if (max_entries_ == 0 || !source || !data)
    return;
  if (auto pos = index_.find(source->key); pos != index_.end()) {
    lru_.erase(pos->second);
    index_.erase(pos);
  }
  lru_.push_front(answer{source->key, source, std::move(data)});
  index_.emplace(source->key, lru_.begin());
  while (index_.size() > max_entries_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

} // namespace phoenix::core
