#include "core/ops/process_stats.hpp"
#include "core/telegram/send_limiter.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {

using time_point = send_limiter::time_point;
const time_point t0{std::chrono::hours{1000}};
// Telegram's limits, no margin after unanswered sends.
const send_limits exact_windows{30, 1, 20, 0ms};

// A send that leaves at `at` and is answered `latency` later.
void send(send_limiter& limiter, int64_t chat, bool is_group, time_point at,
          std::chrono::milliseconds latency = 0ms, bool paid = false, bool bulk = false) {
  limiter.on_send(chat, is_group, at, paid, bulk);
  limiter.on_answer(chat, is_group, at + latency, paid);
}

// Most times in any half-open window [t, t + window) that starts at one.
std::size_t busiest_window(std::vector<time_point> times,
                           std::chrono::steady_clock::duration window) {
  std::sort(times.begin(), times.end());
  std::size_t most = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    std::size_t count = 0;
    for (std::size_t j = i; j < times.size() && times[j] < times[i] + window; ++j)
      ++count;
    most = std::max(most, count);
  }
  return most;
}

} // namespace

BOOST_AUTO_TEST_SUITE(send_limiter_tests)

BOOST_AUTO_TEST_CASE(free_chats_may_send_now_and_then_wait_a_second_after_the_answer) {
  send_limiter limiter{exact_windows};
  BOOST_TEST((limiter.next_slot(1, false, t0) == t0));
  limiter.on_send(1, false, t0);
  // In flight: it may arrive at any moment, so only its answer frees the slot.
  BOOST_TEST((limiter.next_slot(1, false, t0 + 5s) == time_point::max()));
  BOOST_TEST((limiter.next_slot(2, false, t0) == t0)); // other chats are not held up
  limiter.on_answer(1, false, t0 + 300ms);
  BOOST_TEST((limiter.next_slot(1, false, t0 + 400ms) == t0 + 1300ms));
  BOOST_TEST((limiter.next_slot(1, false, t0 + 1300ms) == t0 + 1300ms));
}

BOOST_AUTO_TEST_CASE(groups_get_twenty_per_minute) {
  send_limiter limiter{exact_windows};
  for (int i = 0; i < 20; ++i) {
    const time_point now = t0 + i * 1s;
    BOOST_TEST((limiter.next_slot(-100, true, now) == now));
    send(limiter, -100, true, now);
  }
  BOOST_TEST((limiter.next_slot(-100, true, t0 + 20s) == t0 + 60s));
  BOOST_TEST((limiter.next_slot(-100, true, t0 + 60s) == t0 + 60s));
}

BOOST_AUTO_TEST_CASE(global_limit_counts_sends_in_flight_and_answered_within_a_second) {
  send_limiter limiter{exact_windows};
  for (int chat = 0; chat < 30; ++chat)
    limiter.on_send(chat, false, t0 + chat * 1ms); // all 30 in flight
  BOOST_TEST((limiter.next_slot(999, false, t0 + 30ms) == time_point::max()));
  limiter.on_answer(0, false, t0 + 400ms); // it arrived by then: a second from there
  BOOST_TEST((limiter.next_slot(999, false, t0 + 400ms) == t0 + 1400ms));
  BOOST_TEST((limiter.next_slot(999, false, t0 + 1400ms) == t0 + 1400ms));
}

// An answer that never came (timeout, reset): the send may still arrive a
// little later, so the margin is added to it.
BOOST_AUTO_TEST_CASE(an_unanswered_send_counts_a_margin_longer) {
  send_limiter limiter{{30, 1, 20, 100ms}};
  limiter.on_send(1, false, t0);
  limiter.on_answer(1, false, t0 + 10s, false, false);
  BOOST_TEST((limiter.next_slot(1, false, t0 + 10s) == t0 + 11100ms));
  send(limiter, 2, false, t0, 10s); // answered: no margin
  BOOST_TEST((limiter.next_slot(2, false, t0 + 10s) == t0 + 11s));
}

// Paid broadcasts have a rate of their own: 30 free sends do not hold them,
// 1000 of them do not hold free replies, and each chat keeps its 1/s.
BOOST_AUTO_TEST_CASE(paid_broadcasts_count_against_their_own_rate) {
  send_limits limits = exact_windows;
  limits.paid_per_second = 1000;
  send_limiter limiter{limits};
  for (int chat = 0; chat < 30; ++chat)
    send(limiter, chat, false, t0);
  BOOST_TEST((limiter.next_slot(5000, false, t0, true) == t0));
  for (int chat = 1000; chat < 2000; ++chat) {
    BOOST_TEST((limiter.next_slot(chat, false, t0, true) == t0));
    send(limiter, chat, false, t0, 0ms, true);
  }
  BOOST_TEST((limiter.next_slot(5000, false, t0, true) == t0 + 1s));
  BOOST_TEST((limiter.next_slot(1000, false, t0 + 10ms, true) == t0 + 1s)); // the chat's own 1/s
  BOOST_TEST((limiter.next_slot(5000, false, t0 + 1s) == t0 + 1s));         // free: after the 30
}

// A fan-out takes at most 29 of the 30 sends a second, spread evenly: a
// reply asked in the middle of it finds a slot at once, and Telegram's 30 hold.
BOOST_AUTO_TEST_CASE(broadcasts_are_paced_and_leave_a_slot_to_replies) {
  BOOST_TEST(reserved_for_replies(30) == 1);
  BOOST_TEST(reserved_for_replies(60) == 2);
  BOOST_TEST(reserved_for_replies(1) == 0);
  send_limiter limiter{exact_windows};
  const auto pace = std::chrono::duration_cast<std::chrono::steady_clock::duration>(1s) / 29;
  time_point now = t0;
  std::vector<time_point> broadcasts;
  while (now < t0 + 3s) {
    now = limiter.next_slot(static_cast<int64_t>(broadcasts.size()), false, now, false, true);
    send(limiter, static_cast<int64_t>(broadcasts.size()), false, now, 2ms, false, true);
    broadcasts.push_back(now);
  }
  BOOST_TEST((broadcasts[1] - broadcasts[0] == pace)); // not 29 at once, then a second's wait
  BOOST_TEST(busiest_window(broadcasts, 1s) <= 29u);
  BOOST_TEST(broadcasts.size() >= 85u);                     // about 29 a second
  BOOST_TEST((limiter.next_slot(9000, false, now) == now)); // a reply goes at once
  send(limiter, 9000, false, now);
  BOOST_TEST((limiter.next_slot(9001, false, now) > now)); // the next one waits a slot
}

BOOST_AUTO_TEST_CASE(a_429_pauses_everyone) {
  send_limiter limiter{{}};
  limiter.pause_all_until(t0 + 35s);
  limiter.pause_all_until(t0 + 5s); // a shorter pause must not cut the longer one
  BOOST_TEST((limiter.next_slot(1, false, t0) == t0 + 35s));
  BOOST_TEST((limiter.next_slot(-7, true, t0 + 10s) == t0 + 35s));
  BOOST_TEST((limiter.next_slot(1, false, t0 + 40s) == t0 + 40s));
}

BOOST_AUTO_TEST_CASE(zero_switches_limits_off) {
  send_limiter limiter{{0, 0, 0}};
  for (int i = 0; i < 100; ++i)
    limiter.on_send(-5, true, t0); // never answered
  BOOST_TEST((limiter.next_slot(-5, true, t0) == t0));
}

// Telegram counts each request when it arrives, which Phoenix never sees:
// somewhere between the send and its answer. Whatever the network does in
// between (here up to 300 ms each way, answers bunched), no sliding second at
// Telegram holds more than 30 arrivals, 1 per chat, 20 a minute per group.
BOOST_AUTO_TEST_CASE(arrivals_anywhere_between_send_and_answer_keep_telegrams_count) {
  send_limiter limiter{{}};
  std::mt19937 random(7);
  std::multimap<time_point, std::pair<int64_t, bool>> answers; // due, chat
  std::vector<time_point> all;
  std::map<int64_t, std::vector<time_point>> per_chat;
  std::set<int64_t> busy; // one send in flight per chat, as the sender keeps it
  auto answer_due = [&](time_point until) {
    while (!answers.empty() && answers.begin()->first <= until) {
      auto [chat, group] = answers.begin()->second;
      limiter.on_answer(chat, group, answers.begin()->first);
      busy.erase(chat);
      answers.erase(answers.begin());
    }
  };
  time_point now = t0;
  std::size_t sent = 0;
  while (sent < 1500) {
    const int pick = static_cast<int>(random() % 100);
    const int64_t chat = pick < 3   ? -1 // one busy group, a few quieter ones, many private chats
                         : pick < 8 ? -2 - pick % 5
                                    : 100 + static_cast<int64_t>(random() % 2000);
    const bool is_group = chat < 0;
    for (;;) {
      answer_due(now);
      auto slot = busy.count(chat) ? time_point::max() : limiter.next_slot(chat, is_group, now);
      if (slot == now)
        break;
      now = std::min(slot, answers.empty() ? slot : answers.begin()->first);
    }
    limiter.on_send(chat, is_group, now);
    busy.insert(chat);
    const auto latency = std::chrono::milliseconds(random() % 301);
    const auto arrival = now + std::chrono::milliseconds(random() % (latency.count() + 1));
    // Answers land together: many at one instant.
    answers.emplace(latency.count() > 250 ? now + 300ms : now + latency,
                    std::make_pair(chat, is_group));
    all.push_back(arrival);
    per_chat[chat].push_back(arrival);
    ++sent;
    if (sent == 700)
      limiter.pause_all_until(now + 5s); // a 429 in the middle
  }
  BOOST_TEST(busiest_window(all, 1s) <= 30u);
  BOOST_TEST(busiest_window(all, 1s) >= 20u); // the test really pushes the limits
  for (const auto& [chat, times] : per_chat) {
    BOOST_TEST(busiest_window(times, 1s) <= 1u, chat);
    if (chat < 0) {
      BOOST_TEST(busiest_window(times, 60s) <= 20u, chat);
    }
  }
  BOOST_TEST(busiest_window(per_chat[-1], 60s) == 20u); // the busy group hit its limit
}

BOOST_AUTO_TEST_CASE(idle_chats_are_forgotten) {
  send_limiter limiter{{}};
  for (int i = 0; i < 10000; ++i) {
    send(limiter, i, i % 2 == 0, t0 + i * 100ms);
    BOOST_TEST_REQUIRE(limiter.tracked_chats() <= 612u); // a minute and a second of chats
  }
  send(limiter, -1, true, t0 + 2000s);
  BOOST_TEST(limiter.tracked_chats() == 1u);
}

BOOST_AUTO_TEST_CASE(a_chat_is_forgotten_once_its_window_is_over_and_nothing_is_in_flight) {
  send_limiter limiter{{}}; // 1 s per chat, 60 s per group, from the answer
  send(limiter, 1, false, t0);
  send(limiter, -2, true, t0);
  limiter.on_send(5, false, t0); // never answered yet
  BOOST_TEST(limiter.tracked_chats() == 3u);
  send(limiter, 3, false, t0 + 1s); // chat 1 can no longer be limited
  BOOST_TEST(limiter.tracked_chats() == 3u);
  BOOST_TEST((limiter.next_slot(1, false, t0 + 1s) == t0 + 1s));
  send(limiter, 4, false, t0 + 60s);         // the group's minute is over too
  BOOST_TEST(limiter.tracked_chats() == 2u); // 4, and 5 still in flight
  BOOST_TEST((limiter.next_slot(5, false, t0 + 60s) == time_point::max()));
}

BOOST_AUTO_TEST_CASE(with_the_per_chat_limits_off_no_chat_is_remembered) {
  send_limiter limiter{{30, 0, 0, 0ms}};
  for (int i = 0; i < 1000; ++i)
    send(limiter, i, i % 2 == 0, t0 + i * 1ms);
  BOOST_TEST(limiter.tracked_chats() == 0u);
  // The global limit still holds: 30 were answered within the last second.
  BOOST_TEST((limiter.next_slot(5000, false, t0 + 999ms) > t0 + 999ms));
}

BOOST_AUTO_TEST_CASE(a_remembered_chat_or_user_costs_little_memory) {
  constexpr int entries = 20000;
  auto before = heap_in_use_bytes();
  {
    send_limiter limiter{{}};
    flood_guard guard{20};
    for (int i = 0; i < entries; ++i) {
      send(limiter, i, false, t0);
      guard.on_command(i, t0);
    }
    BOOST_TEST_REQUIRE(limiter.tracked_chats() == static_cast<std::size_t>(entries));
    BOOST_TEST_REQUIRE(guard.tracked_users() == static_cast<std::size_t>(entries));
    double per_entry = static_cast<double>(heap_in_use_bytes() - before) / entries;
    BOOST_TEST_MESSAGE("limiter chat + flood guard user: " << per_entry << " bytes");
    BOOST_TEST(per_entry <= 320.0);
  }
}

BOOST_AUTO_TEST_CASE(flood_guard_allows_warns_once_then_ignores) {
  flood_guard guard{3};
  using v = flood_guard::verdict;
  BOOST_TEST((guard.on_command(1, t0) == v::allow));
  BOOST_TEST((guard.on_command(1, t0 + 1s) == v::allow));
  BOOST_TEST((guard.on_command(1, t0 + 2s) == v::allow));
  BOOST_TEST((guard.on_command(1, t0 + 3s) == v::warn));
  BOOST_TEST((guard.on_command(1, t0 + 4s) == v::ignore));
  BOOST_TEST((guard.on_command(1, t0 + 59s) == v::ignore));
  BOOST_TEST((guard.on_command(2, t0 + 5s) == v::allow)); // others are not affected

  // The first command leaves the window: room for one again.
  BOOST_TEST((guard.on_command(1, t0 + 60s) == v::allow));
  BOOST_TEST((guard.on_command(1, t0 + 60500ms) == v::warn)); // a new burst, a new notice
  BOOST_TEST((guard.on_command(1, t0 + 61s) == v::allow));    // the second one left
  BOOST_TEST((guard.on_command(1, t0 + 62s) == v::allow));
  BOOST_TEST((guard.on_command(1, t0 + 63s) == v::warn));
}

BOOST_AUTO_TEST_CASE(a_full_queue_and_the_command_limit_share_one_notice) {
  using v = flood_guard::verdict;
  flood_guard guard{2};
  guard.on_command(1, t0);
  guard.on_command(1, t0);
  BOOST_TEST((guard.on_command(1, t0) == v::warn));
  BOOST_TEST((guard.on_queue_full(1, t0) == v::ignore)); // warned already
  BOOST_TEST((guard.on_queue_full(2, t0) == v::warn));   // a user not warned yet
  BOOST_TEST((guard.on_command(2, t0) == v::allow));     // the notice is no command
  BOOST_TEST((guard.on_command(2, t0) == v::allow));
  BOOST_TEST((guard.on_command(2, t0) == v::warn)); // allowed ones in between: a new notice
  flood_guard off{0};
  BOOST_TEST((off.on_queue_full(1, t0) == v::warn));
  BOOST_TEST((off.on_queue_full(1, t0) == v::warn)); // the queue cap sends one per episode
}

BOOST_AUTO_TEST_CASE(flood_guard_off_and_memory_bounded) {
  flood_guard off{0};
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST_REQUIRE((off.on_command(1, t0) == flood_guard::verdict::allow));
  BOOST_TEST(off.tracked_users() == 0u);

  flood_guard guard{5};
  for (int i = 0; i < 10000; ++i) {
    guard.on_command(i, t0 + i * 50ms);
    BOOST_TEST_REQUIRE(guard.tracked_users() <= 1221u);
  }
  guard.on_command(7, t0 + 5000s);
  BOOST_TEST(guard.tracked_users() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
