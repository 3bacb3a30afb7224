#include "core/ops/process_stats.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>

using phoenix::core::tunables_without_thread_cache;

BOOST_AUTO_TEST_SUITE(process_stats_tests)

BOOST_AUTO_TEST_CASE(the_thread_cache_goes_off_once_and_other_tunables_stay) {
  BOOST_TEST(tunables_without_thread_cache(nullptr).value() == "glibc.malloc.tcache_count=0");
  BOOST_TEST(tunables_without_thread_cache("").value() == "glibc.malloc.tcache_count=0");
  BOOST_TEST(tunables_without_thread_cache("glibc.malloc.arena_max=2").value() ==
             "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=0");
  // Set already: by the restart itself, or by the operator (kept as it is).
  BOOST_TEST(!tunables_without_thread_cache("glibc.malloc.tcache_count=0").has_value());
  BOOST_TEST(!tunables_without_thread_cache("glibc.malloc.tcache_count=7").has_value());
}

// The tests run with glibc's defaults (scripts/test sets no tunables): the
// cache is on. (The bot's start, with it off: phoenix_bot_tests.)
BOOST_AUTO_TEST_CASE(the_probe_sees_the_thread_cache_of_glibcs_defaults) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr)
    return; // someone runs the tests with tunables of their own
  BOOST_TEST(phoenix::core::thread_cache_in_use());
}

BOOST_AUTO_TEST_SUITE_END()
