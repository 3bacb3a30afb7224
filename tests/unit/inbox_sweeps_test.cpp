#include "core/telegram/inbox_sweeps.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;

namespace {

telegram_update update(int64_t id) {
  telegram_update u;
  u.update_id = id;
  u.chat_id = 60;
  return u;
}

std::vector<int64_t> ids(const std::vector<telegram_update>& updates) {
  std::vector<int64_t> out;
  for (auto& u : updates)
    out.push_back(u.update_id);
  return out;
}

std::vector<telegram_update> rows(std::initializer_list<int64_t> list) {
  std::vector<telegram_update> out;
  for (auto id : list)
    out.push_back(update(id));
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(inbox_sweeps_tests)

BOOST_AUTO_TEST_CASE(without_a_sweep_a_push_goes_at_once) {
  inbox_sweeps s;
  BOOST_TEST(ids(s.push(update(5))) == (std::vector<int64_t>{5}));
}

BOOST_AUTO_TEST_CASE(a_push_waits_for_the_running_sweep_and_goes_in_id_order) {
  inbox_sweeps s;
  BOOST_TEST(s.wake());
  BOOST_TEST(s.push(update(9)).empty());
  auto ended = s.end(rows({8, 10}));
  BOOST_TEST(ids(ended.going) == (std::vector<int64_t>{8, 9, 10}));
  BOOST_TEST(!ended.sweep_again);
  BOOST_TEST(!s.running());
}

// The race seen with two processes: a read began before a standby's update
// 8 was committed; push 9 came (its commit saw 8 waiting) and woke another
// read. Push 9 must wait for that second read, which takes 8.
BOOST_AUTO_TEST_CASE(a_push_woken_during_a_read_waits_for_the_next_one) {
  inbox_sweeps s;
  BOOST_TEST(s.wake());  // read 1 runs
  BOOST_TEST(!s.wake()); // push 9's wake: read 2 follows
  BOOST_TEST(s.push(update(9)).empty());
  auto first = s.end(rows({6}));
  BOOST_TEST(ids(first.going) == (std::vector<int64_t>{6}));
  BOOST_TEST(first.sweep_again);
  BOOST_TEST(s.running());
  BOOST_TEST(s.waiting() == 1u);
  auto second = s.end(rows({8, 10}));
  BOOST_TEST(ids(second.going) == (std::vector<int64_t>{8, 9, 10}));
  BOOST_TEST(!second.sweep_again);
}

BOOST_AUTO_TEST_CASE(a_failed_read_lets_nothing_overtake_and_starts_no_read_by_itself) {
  inbox_sweeps s;
  BOOST_TEST(s.wake());
  BOOST_TEST(!s.wake());
  BOOST_TEST(s.push(update(3)).empty());
  s.failed();
  BOOST_TEST(!s.running()); // no read in a loop: the next comes with the caller's retry
  BOOST_TEST(s.push(update(7)).empty()); // behind 3, which waits for a read that works
  BOOST_TEST(s.waiting() == 2u);
  BOOST_TEST(s.wake());
  auto ended = s.end(rows({2, 5}));
  BOOST_TEST(ids(ended.going) == (std::vector<int64_t>{2, 3, 5, 7}));
  BOOST_TEST(!ended.sweep_again);
}

BOOST_AUTO_TEST_SUITE_END()
