// Decoded API-Football answers kept beside the cache's text, so that a cache
// hit does not parse the same 10-45 KB of JSON again (it was the largest cost
// of a cache-hot reply). Each decoded answer remembers the stored entry it
// came from: a newer put under the same key is another entry, so stale data
// is never served; the cache's TTL and stale rules still decide on the entry.
#pragma once

#include "core/cache/ttl_lru_store.hpp"
#include "core/football/football_payload.hpp"

#include <list>
#include <memory>
#include <string>
#include <unordered_map>

namespace phoenix::core {

using payload_ptr = std::shared_ptr<const football_payload>;

class decoded_answers {
public:
  /// At most `max_entries` answers, least recently used out first; 0 keeps none.
  explicit decoded_answers(size_t max_entries) : max_entries_(max_entries) {}

  /// The decoded form of exactly this stored entry, or nullptr (never seen,
  /// pushed out, or decoded from an entry the key no longer holds).
  payload_ptr find(const cache_entry_ptr& source);

  /// Keeps `data` as the decoded form of `source` (replacing the key's older one).
  void keep(const cache_entry_ptr& source, payload_ptr data);

  size_t size() const { return index_.size(); }

private:
  struct answer {
    std::string key;
    std::weak_ptr<const cache_entry> source; // identity; does not keep the text alive
    payload_ptr data;
  };
  using lru_list = std::list<answer>;

  size_t max_entries_;
  lru_list lru_; // front: most recently used
  std::unordered_map<std::string, lru_list::iterator> index_;
};

} // namespace phoenix::core
