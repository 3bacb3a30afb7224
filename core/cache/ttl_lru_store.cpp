#include "core/cache/ttl_lru_store.hpp"

namespace phoenix::core {

namespace {

// Approximate cost of a list node, a hash node and the shared_ptr control block.
constexpr size_t bookkeeping_bytes = 128;

} // namespace

ttl_lru_store::ttl_lru_store(store_limits limits) : limits_(limits) {
  if (limits_.max_entries == 0)
    limits_.max_entries = 1;
}

size_t ttl_lru_store::charge(const cache_entry& entry) {
  return entry.key.size() + entry.value.size() + sizeof(cache_entry) + bookkeeping_bytes;
}

cache_entry_ptr ttl_lru_store::get(std::string_view key, steady_time now) {
  auto pos = index_.find(key);
  if (pos == index_.end()) {
    ++counters_.misses;
    return nullptr;
  }
  if ((*pos->second.lru)->expires_at <= now) {
    if ((*pos->second.lru)->expires_at + limits_.stale_for <= now) {
      erase(pos);
      ++counters_.expirations;
    }
    ++counters_.misses;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, pos->second.lru);
  ++counters_.hits;
  return *pos->second.lru;
}

cache_entry_ptr ttl_lru_store::get_stale(std::string_view key, steady_time now) {
  auto pos = index_.find(key);
  if (pos == index_.end() || (*pos->second.lru)->expires_at + limits_.stale_for <= now)
    return nullptr;
  return *pos->second.lru;
}

bool ttl_lru_store::put(std::string key, std::string value, std::chrono::nanoseconds ttl,
                        steady_time now) {
  if (auto pos = index_.find(key); pos != index_.end())
    erase(pos);
  auto entry = std::make_shared<const cache_entry>(
      cache_entry{std::move(key), std::move(value), now, now + ttl});
  if (ttl <= std::chrono::nanoseconds::zero() || charge(*entry) > limits_.max_bytes)
    return false;
  insert_front(std::move(entry));
  enforce_limits();
  return true;
}

void ttl_lru_store::restore(cache_entry_ptr entry) {
  if (auto pos = index_.find(entry->key); pos != index_.end())
    erase(pos);
  if (charge(*entry) > limits_.max_bytes)
    return;
  insert_front(std::move(entry));
  enforce_limits();
}

ttl_lru_store::~ttl_lru_store() {
  release_all();
}

ttl_lru_store& ttl_lru_store::operator=(ttl_lru_store&& other) noexcept {
  release_all();
  limits_ = other.limits_;
  lru_ = std::move(other.lru_);
  index_ = std::move(other.index_);
  slots_ = std::move(other.slots_);
  graveyard_ = std::move(other.graveyard_);
  bytes_ = other.bytes_;
  counters_ = other.counters_;
  return *this;
}

store_snapshot ttl_lru_store::snapshot() {
  // Two snapshots alive at once share one keep-alive, so neither loses entries.
  auto keep = graveyard_.lock();
  if (!keep) {
    keep = std::make_shared<graveyard>();
    graveyard_ = keep;
  }
  return store_snapshot{slots_, std::move(keep)};
}

void ttl_lru_store::insert_front(cache_entry_ptr entry) {
  bytes_ += charge(*entry);
  slots_.push_back(entry.get());
  lru_.push_front(std::move(entry));
  index_.emplace(std::string_view{lru_.front()->key}, node{lru_.begin(), slots_.size() - 1});
}

void ttl_lru_store::erase(index_map::iterator pos) {
  auto [lru_pos, slot] = pos->second;
  bytes_ -= charge(**lru_pos);
  // Swap-remove from the slots; the moved entry learns its new slot.
  if (slot + 1 != slots_.size()) {
    slots_[slot] = slots_.back();
    index_.find(std::string_view{slots_[slot]->key})->second.slot = slot;
  }
  slots_.pop_back();
  index_.erase(pos); // before the entry (which owns the key's characters) goes
  if (auto keep = graveyard_.lock())
    keep->push_back(std::move(*lru_pos)); // a snapshot may still read it
  lru_.erase(lru_pos);
}

void ttl_lru_store::release_all() {
  if (auto keep = graveyard_.lock())
    for (auto& entry : lru_)
      keep->push_back(std::move(entry));
}

void ttl_lru_store::enforce_limits() {
  while (!lru_.empty() && (index_.size() > limits_.max_entries || bytes_ > limits_.max_bytes)) {
    erase(index_.find(std::string_view{lru_.back()->key}));
    ++counters_.evictions;
  }
}

} // namespace phoenix::core
