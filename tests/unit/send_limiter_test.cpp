#include "core/ops/process_stats.hpp"
#include "core/telegram/send_limiter.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <random>
#include <vector>

using namespace phoenix::core;
using namespace std::chrono_literals;

namespace {

using time_point = send_limiter::time_point;
const time_point t0{std::chrono::hours{1000}};
// Telegram's windows exactly (the default adds a jitter margin).
const send_limits exact_windows{30, 1, 20, 0ms};

struct sent {
  int64_t chat_id;
  bool is_group;
  time_point at;
};

// Most sends in any half-open window [t, t + window) that starts at a send.
std::size_t busiest_window(const std::vector<time_point>& times,
                           std::chrono::steady_clock::duration window) {
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

BOOST_AUTO_TEST_CASE(free_chats_may_send_now_and_then_wait_a_second) {
  send_limiter limiter{exact_windows};
  BOOST_TEST((limiter.next_slot(1, false, t0) == t0));
  limiter.on_send(1, false, t0);
  BOOST_TEST((limiter.next_slot(1, false, t0) == t0 + 1s));
  BOOST_TEST((limiter.next_slot(1, false, t0 + 400ms) == t0 + 1s));
  BOOST_TEST((limiter.next_slot(2, false, t0) == t0)); // other chats are not held up
  BOOST_TEST((limiter.next_slot(1, false, t0 + 1s) == t0 + 1s));
}

BOOST_AUTO_TEST_CASE(groups_get_twenty_per_minute) {
  send_limiter limiter{exact_windows};
  for (int i = 0; i < 20; ++i) {
    const time_point now = t0 + i * 1s;
    BOOST_TEST((limiter.next_slot(-100, true, now) == now));
    limiter.on_send(-100, true, now);
  }
  BOOST_TEST((limiter.next_slot(-100, true, t0 + 20s) == t0 + 60s));
  BOOST_TEST((limiter.next_slot(-100, true, t0 + 60s) == t0 + 60s));
}

BOOST_AUTO_TEST_CASE(global_limit_spreads_bulk_sends) {
  send_limiter limiter{exact_windows};
  for (int chat = 0; chat < 30; ++chat)
    limiter.on_send(chat, false, t0 + chat * 1ms);
  BOOST_TEST((limiter.next_slot(999, false, t0 + 30ms) == t0 + 1s));
  BOOST_TEST((limiter.next_slot(999, false, t0 + 1001ms) == t0 + 1001ms));
}

// Paid broadcasts have a rate of their own: 30 free sends do not hold them,
// 1000 of them do not hold free replies, and each chat keeps its 1/s.
BOOST_AUTO_TEST_CASE(paid_broadcasts_count_against_their_own_rate) {
  send_limits limits = exact_windows;
  limits.paid_per_second = 1000;
  send_limiter limiter{limits};
  for (int chat = 0; chat < 30; ++chat)
    limiter.on_send(chat, false, t0);
  BOOST_TEST((limiter.next_slot(5000, false, t0, true) == t0));
  for (int chat = 1000; chat < 2000; ++chat) {
    BOOST_TEST((limiter.next_slot(chat, false, t0, true) == t0));
    limiter.on_send(chat, false, t0, true);
  }
  BOOST_TEST((limiter.next_slot(5000, false, t0, true) == t0 + 1s));
  BOOST_TEST((limiter.next_slot(1000, false, t0 + 10ms, true) == t0 + 1s)); // the chat's own 1/s
  BOOST_TEST((limiter.next_slot(5000, false, t0 + 1s) == t0 + 1s));         // free: after the 30
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
    limiter.on_send(-5, true, t0);
  BOOST_TEST((limiter.next_slot(-5, true, t0) == t0));
}

BOOST_AUTO_TEST_CASE(a_thousand_sends_never_exceed_any_limit) {
  send_limiter limiter{{}};
  std::mt19937 random(7);
  std::vector<sent> log;
  time_point now = t0;
  // Eager senders: each message waits for its slot, then goes out.
  while (log.size() < 1000) {
    const int pick = static_cast<int>(random() % 100);
    const int64_t chat_id = pick < 30 ? -1 : pick < 40 ? -2 - pick % 5 : pick; // busy group first
    const bool is_group = chat_id < 0;
    now = limiter.next_slot(chat_id, is_group, now);
    limiter.on_send(chat_id, is_group, now);
    log.push_back({chat_id, is_group, now});
    now += std::chrono::milliseconds(random() % 5);
    if (log.size() == 500)
      limiter.pause_all_until(now + 5s); // a 429 in the middle
  }

  std::vector<time_point> all;
  std::map<int64_t, std::vector<time_point>> per_chat;
  for (const sent& s : log) {
    all.push_back(s.at);
    per_chat[s.chat_id].push_back(s.at);
  }
  BOOST_TEST(busiest_window(all, 1s) <= 30u);
  BOOST_TEST(busiest_window(all, 1s) >= 10u); // the test really pushes the limits
  for (const auto& [chat_id, times] : per_chat) {
    BOOST_TEST(busiest_window(times, 1s) <= 1u, chat_id);
    if (chat_id < 0) {
      BOOST_TEST(busiest_window(times, 60s) <= 20u, chat_id);
    }
  }
  BOOST_TEST((log[500].at - log[499].at >= 5s));
  BOOST_TEST(busiest_window(per_chat[-1], 60s) == 20u); // the busy group hit its limit
}

BOOST_AUTO_TEST_CASE(the_jitter_margin_widens_every_window) {
  send_limiter limiter{{}}; // defaults: 100 ms
  limiter.on_send(1, false, t0);
  BOOST_TEST((limiter.next_slot(1, false, t0 + 1s) == t0 + 1100ms));
  for (int chat = 100; chat < 129; ++chat)
    limiter.on_send(chat, false, t0 + 1ms);
  BOOST_TEST((limiter.next_slot(999, false, t0 + 2ms) == t0 + 1100ms)); // 30 in the window
  for (int i = 0; i < 20; ++i)
    limiter.on_send(-100, true, t0 + i * 2s);
  BOOST_TEST((limiter.next_slot(-100, true, t0 + 40s) == t0 + 60100ms));

  send_limiter wide{{30, 1, 20, 1s}};
  wide.on_send(1, false, t0);
  BOOST_TEST((wide.next_slot(1, false, t0) == t0 + 2s));
}

// Telegram counts when a request arrives; the network delays each send by
// 0..100 ms. Sends a window apart then arrive closer than a window unless the
// margin covers the jitter.
BOOST_AUTO_TEST_CASE(jittered_arrivals_keep_telegrams_count_with_the_margin) {
  for (auto margin : {0ms, 100ms}) {
    send_limiter limiter{{30, 1, 20, margin}};
    std::mt19937 random(11);
    std::vector<time_point> all;
    std::map<int64_t, std::vector<time_point>> per_chat;
    time_point now = t0;
    for (int i = 0; i < 600; ++i) {
      const int64_t chat_id = i % 3 == 0 ? 1 : 2 + i; // one busy chat, many others
      now = limiter.next_slot(chat_id, false, now);
      limiter.on_send(chat_id, false, now);
      const time_point arrival = now + std::chrono::milliseconds(random() % 101);
      all.insert(std::upper_bound(all.begin(), all.end(), arrival), arrival);
      auto& chat = per_chat[chat_id];
      chat.insert(std::upper_bound(chat.begin(), chat.end(), arrival), arrival);
    }
    const bool kept = busiest_window(all, 1s) <= 30u && busiest_window(per_chat[1], 1s) <= 1u;
    BOOST_TEST(kept == (margin == 100ms), "margin " << margin.count() << " ms");
  }
}

BOOST_AUTO_TEST_CASE(idle_chats_are_forgotten) {
  send_limiter limiter{{}};
  for (int i = 0; i < 10000; ++i) {
    limiter.on_send(i, i % 2 == 0, t0 + i * 100ms);
    BOOST_TEST_REQUIRE(limiter.tracked_chats() <= 612u); // a minute and a second of chats
  }
  limiter.on_send(-1, true, t0 + 2000s);
  BOOST_TEST(limiter.tracked_chats() == 1u);
}

BOOST_AUTO_TEST_CASE(a_private_chat_is_forgotten_once_its_second_window_is_over) {
  send_limiter limiter{{}}; // 1 s + 100 ms per chat, 60 s + 100 ms per group
  limiter.on_send(1, false, t0);
  limiter.on_send(-2, true, t0);
  BOOST_TEST(limiter.tracked_chats() == 2u);
  limiter.on_send(3, false, t0 + 1100ms); // chat 1 can no longer be limited
  BOOST_TEST(limiter.tracked_chats() == 2u);
  BOOST_TEST((limiter.next_slot(1, false, t0 + 1100ms) == t0 + 1100ms));
  limiter.on_send(4, false, t0 + 60100ms); // the group's minute is over too
  BOOST_TEST(limiter.tracked_chats() == 1u);
}

BOOST_AUTO_TEST_CASE(with_the_per_chat_limits_off_no_chat_is_remembered) {
  send_limiter limiter{{30, 0, 0, 0ms}};
  for (int i = 0; i < 1000; ++i)
    limiter.on_send(i, i % 2 == 0, t0 + i * 1ms);
  BOOST_TEST(limiter.tracked_chats() == 0u);
  // The global limit still holds: 30 went out within the last second.
  BOOST_TEST((limiter.next_slot(5000, false, t0 + 999ms) > t0 + 999ms));
}

// The cost of a chat or user remembered, as the allocator counts it: an
// idle chat must stay well under the 512 bytes issue 18 allows in all.
BOOST_AUTO_TEST_CASE(a_remembered_chat_or_user_costs_little_memory) {
  constexpr int entries = 20000;
  auto before = heap_in_use_bytes();
  {
    send_limiter limiter{{}};
    flood_guard guard{20};
    for (int i = 0; i < entries; ++i) {
      limiter.on_send(i, false, t0);
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
