// The cache's memory: key -> value with a TTL per entry, LRU eviction at an
// entry count and a byte budget. Time is passed in by the caller, so tests
// (and the actor, under virtual time) control the clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace phoenix::core {

using steady_time = std::chrono::steady_clock::time_point;

/// One stored value. Immutable once stored: a put replaces the whole entry,
/// which lets snapshots share entries with the store instead of copying them.
struct cache_entry {
  std::string key;
  std::string value;
  steady_time stored_at;
  steady_time expires_at;
};

using cache_entry_ptr = std::shared_ptr<const cache_entry>;

/// Entries owned by the caller (a loaded snapshot file).
using entry_list = std::vector<cache_entry_ptr>;

/// Every entry of the store at one instant, taken in O(n) memcpy time: plain
/// pointers (no reference count touched per entry, which costs a cache miss
/// each) plus a keep-alive that receives whatever the store erases while the
/// snapshot lives. Safe to read on another thread while the store goes on.
struct store_snapshot {
  std::vector<const cache_entry*> entries;
  std::shared_ptr<const void> keep_alive;
};

struct store_limits {
  size_t max_entries = 100000;
  size_t max_bytes = 64u << 20;
  /// Expired entries stay this long, to be served (marked stale) when the
  /// source fails; 0 removes them at the first lookup after expiry.
  std::chrono::nanoseconds stale_for{0};
};

struct store_counters {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;   ///< removed to respect max_entries / max_bytes
  uint64_t expirations = 0; ///< removed because their TTL ran out
};

class ttl_lru_store {
public:
  explicit ttl_lru_store(store_limits limits);

  /// The entry under `key`, or nullptr when absent or expired (expired
  /// entries are removed). A hit makes the entry the most recently used.
  cache_entry_ptr get(std::string_view key, steady_time now);

  /// Like get, but also returns an entry that expired less than stale_for ago.
  cache_entry_ptr get_stale(std::string_view key, steady_time now);

  /// Stores `value` under `key` for `ttl`, replacing any previous entry, then
  /// evicts least recently used entries until both limits hold. A value larger
  /// than the whole byte budget is not stored. Returns whether it was stored.
  bool put(std::string key, std::string value, std::chrono::nanoseconds ttl, steady_time now);

  /// Inserts an entry as the most recently used one (snapshot loading).
  void restore(cache_entry_ptr entry);

  /// Every stored entry (expired ones included; encoders skip them), in no
  /// particular order. The entries stay valid as long as the snapshot lives.
  store_snapshot snapshot();

  ~ttl_lru_store();
  ttl_lru_store(ttl_lru_store&&) = default;
  ttl_lru_store& operator=(ttl_lru_store&& other) noexcept;

  size_t size() const { return index_.size(); }
  size_t bytes() const { return bytes_; }
  const store_counters& counters() const { return counters_; }

  /// Memory charged for one entry: its strings plus bookkeeping.
  static size_t charge(const cache_entry& entry);

private:
  using lru_list = std::list<cache_entry_ptr>;
  using graveyard = std::vector<cache_entry_ptr>;

  struct node {
    lru_list::iterator lru;
    size_t slot; ///< position in slots_
  };
  using index_map = std::unordered_map<std::string_view, node>; // keys point into entries

  void insert_front(cache_entry_ptr entry);
  void erase(index_map::iterator pos);
  void enforce_limits();
  void release_all();

  store_limits limits_;
  lru_list lru_; // front: most recently used
  index_map index_;
  std::vector<const cache_entry*> slots_; // contiguous copy source for snapshots
  std::weak_ptr<graveyard> graveyard_;    // alive while a snapshot is
  size_t bytes_ = 0;
  store_counters counters_;
};

} // namespace phoenix::core
