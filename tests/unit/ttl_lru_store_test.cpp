#include "core/cache/ttl_lru_store.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {

const steady_time t0{std::chrono::hours{1000}};

std::vector<std::string> keys_of(const std::vector<const cache_entry*>& entries) {
  std::vector<std::string> keys;
  for (auto& e : entries)
    keys.push_back(e->key);
  return keys;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ttl_lru_store_tests)

BOOST_AUTO_TEST_CASE(put_then_get_returns_value_and_age) {
  ttl_lru_store store{{}};
  BOOST_TEST(store.get("k", t0) == nullptr);
  BOOST_TEST(store.put("k", "v", 10s, t0));
  auto e = store.get("k", t0 + 3s);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->value == "v");
  BOOST_TEST((t0 + 3s - e->stored_at == 3s));
  BOOST_TEST(store.counters().hits == 1u);
  BOOST_TEST(store.counters().misses == 1u);
}

BOOST_AUTO_TEST_CASE(expired_entries_are_misses_and_leave) {
  ttl_lru_store store{{}};
  store.put("k", "v", 10s, t0);
  BOOST_TEST(store.get("k", t0 + 9999ms) != nullptr);
  BOOST_TEST(store.get("k", t0 + 10s) == nullptr);
  BOOST_TEST(store.size() == 0u);
  BOOST_TEST(store.bytes() == 0u);
  BOOST_TEST(store.counters().expirations == 1u);
}

BOOST_AUTO_TEST_CASE(least_recently_used_goes_first_at_max_entries) {
  ttl_lru_store store{{3, 1 << 20}};
  store.put("a", "1", 1h, t0);
  store.put("b", "2", 1h, t0);
  store.put("c", "3", 1h, t0);
  store.get("a", t0); // a is now the most recent; b the least
  store.put("d", "4", 1h, t0);
  BOOST_TEST(store.size() == 3u);
  BOOST_TEST(store.get("b", t0) == nullptr);
  BOOST_TEST(store.get("a", t0) != nullptr);
  BOOST_TEST(store.counters().evictions == 1u);
}

BOOST_AUTO_TEST_CASE(byte_budget_evicts_and_oversized_values_are_refused) {
  auto one = ttl_lru_store::charge(cache_entry{"k0", std::string(100, 'x'), {}, {}});
  ttl_lru_store store{{1000, 3 * one}};
  for (int i = 0; i < 5; ++i)
    store.put("k" + std::to_string(i), std::string(100, 'x'), 1h, t0);
  BOOST_TEST(store.size() == 3u);
  BOOST_TEST(store.bytes() <= 3 * one);
  BOOST_TEST(store.get("k0", t0) == nullptr);
  BOOST_TEST(store.get("k4", t0) != nullptr);
  BOOST_TEST(!store.put("huge", std::string(4 * one, 'x'), 1h, t0));
  BOOST_TEST(store.get("huge", t0) == nullptr);
  BOOST_TEST(store.size() == 3u);
}

BOOST_AUTO_TEST_CASE(replacing_a_key_keeps_one_entry_and_exact_bytes) {
  ttl_lru_store store{{}};
  store.put("k", "short", 1h, t0);
  store.put("k", "a longer value", 1h, t0);
  BOOST_TEST(store.size() == 1u);
  BOOST_TEST(store.bytes() ==
             ttl_lru_store::charge(cache_entry{"k", "a longer value", t0, t0 + 1h}));
  BOOST_TEST(store.get("k", t0)->value == "a longer value");
}

BOOST_AUTO_TEST_CASE(snapshot_holds_every_entry) {
  ttl_lru_store store{{}};
  store.put("a", "1", 1h, t0);
  store.put("b", "2", 1h, t0);
  store.put("c", "3", 1h, t0);
  auto snap = store.snapshot();
  auto keys = keys_of(snap.entries);
  std::sort(keys.begin(), keys.end());
  BOOST_TEST((keys == std::vector<std::string>{"a", "b", "c"}));
}

BOOST_AUTO_TEST_CASE(snapshot_entries_outlive_erasure_and_the_store) {
  auto store = std::make_unique<ttl_lru_store>(store_limits{2, 1 << 20});
  store->put("a", "1", 1h, t0);
  store->put("b", "2", 1h, t0);
  auto snap = store->snapshot();
  store->put("a", "changed", 1h, t0); // replaces a
  store->put("c", "3", 1h, t0);       // evicts b
  store->get("a", t0 + 2h);           // expires a
  BOOST_TEST(store->size() == 1u);
  auto second = store->snapshot(); // shares the keep-alive with the first
  store.reset();                   // the store is gone, the snapshots are not
  auto keys = keys_of(snap.entries);
  std::sort(keys.begin(), keys.end());
  BOOST_TEST((keys == std::vector<std::string>{"a", "b"}));
  for (auto* e : snap.entries)
    BOOST_TEST((e->value == "1" || e->value == "2"));
  BOOST_REQUIRE(second.entries.size() == 1u);
  BOOST_TEST(second.entries[0]->value == "3");
}

BOOST_AUTO_TEST_CASE(restore_inserts_as_most_recent) {
  ttl_lru_store store{{2, 1 << 20}};
  store.restore(std::make_shared<const cache_entry>(cache_entry{"a", "1", t0, t0 + 1h}));
  store.restore(std::make_shared<const cache_entry>(cache_entry{"b", "2", t0, t0 + 1h}));
  store.put("c", "3", 1h, t0); // a was restored first: least recent
  BOOST_TEST(store.get("a", t0) == nullptr);
  BOOST_TEST(store.get("b", t0) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
