#include "core/football/decoded_answers.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;

namespace {

cache_entry_ptr stored(const std::string& key, const std::string& value = "{}") {
  return std::make_shared<const cache_entry>(cache_entry{key, value, {}, {}});
}

payload_ptr decoded_status(int64_t requests_today) {
  api_status status;
  status.requests_current = requests_today;
  return std::make_shared<const football_payload>(status);
}

} // namespace

BOOST_AUTO_TEST_SUITE(decoded_answers_tests)

BOOST_AUTO_TEST_CASE(a_kept_answer_is_found_for_the_same_entry_only) {
  decoded_answers answers{8};
  auto entry = stored("fixture:1");
  BOOST_TEST(!answers.find(entry));
  auto data = decoded_status(7);
  answers.keep(entry, data);
  BOOST_TEST(answers.find(entry) == data);
  // A newer put under the key is another entry, even with the same text.
  auto newer = stored("fixture:1");
  BOOST_TEST(!answers.find(newer));
  BOOST_TEST(answers.size() == 0u); // the old decoded form is dropped
  BOOST_TEST(!answers.find(entry));
  BOOST_TEST(!answers.find(nullptr));
}

BOOST_AUTO_TEST_CASE(a_freed_entry_never_matches_a_later_one) {
  decoded_answers answers{8};
  auto entry = stored("fixture:2");
  answers.keep(entry, decoded_status(1));
  entry.reset(); // the cache evicted it; a new entry may reuse the memory
  for (int i = 0; i < 100; ++i)
    BOOST_TEST(!answers.find(stored("fixture:2")));
}

BOOST_AUTO_TEST_CASE(least_recently_used_go_first_at_the_limit) {
  decoded_answers answers{2};
  auto a = stored("a"), b = stored("b"), c = stored("c"), d = stored("d");
  answers.keep(a, decoded_status(1));
  answers.keep(b, decoded_status(2));
  answers.keep(c, decoded_status(3));
  BOOST_TEST(answers.size() == 2u);
  BOOST_TEST(!answers.find(a));
  BOOST_TEST(answers.find(b)); // b is now the most recently used
  answers.keep(d, decoded_status(4));
  BOOST_TEST(!answers.find(c));
  BOOST_TEST(answers.find(b));
  BOOST_TEST(answers.find(d));
}

BOOST_AUTO_TEST_CASE(keeping_again_replaces_and_zero_keeps_none) {
  decoded_answers answers{4};
  auto first = stored("k");
  answers.keep(first, decoded_status(1));
  auto second = stored("k");
  auto data = decoded_status(2);
  answers.keep(second, data);
  BOOST_TEST(answers.size() == 1u);
  BOOST_TEST(answers.find(second) == data);
  decoded_answers none{0};
  none.keep(first, decoded_status(1));
  BOOST_TEST(none.size() == 0u);
  BOOST_TEST(!none.find(first));
}

BOOST_AUTO_TEST_SUITE_END()
