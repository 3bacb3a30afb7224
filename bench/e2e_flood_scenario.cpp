// The flood scenario of the end-to-end benchmark: one chat sends 600 /help in
// one burst while 50 other chats send one /help each, one every 60 ms. What
// the others see of it (their /help latency, push to sendMessage) and what
// the flooding chat gets (its replies, and how many of them are notices that
// it sends too quickly).
#include "bench/e2e_scenarios.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace phoenix::bench {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

constexpr int64_t flood_chat = 1, first_other_chat = 50001;
constexpr size_t flood_size = 600, other_chats = 50;
constexpr milliseconds other_every{60};
// The burst comes 1 s in: the others' 17th /help follows it by 20 ms.
constexpr milliseconds flood_at{1000};
// An update that Telegram holds behind the burst waits until the bot paged
// through it, 100 updates per getUpdates (concurrent polls are a 409): the
// others asked within this long after the burst are also shown apart.
constexpr milliseconds paging_window{100};

/// The replies sent until none came for `quiet` (or `deadline` passed).
std::vector<sent_reply> collect_until_quiet(telegram_driver& telegram, milliseconds quiet,
                                            milliseconds deadline) {
  std::vector<sent_reply> out;
  auto until = steady::now() + deadline;
  while (steady::now() < until) {
    auto got = telegram.collect(1, quiet);
    if (got.empty())
      break;
    out.insert(out.end(), got.begin(), got.end());
  }
  return out;
}

} // namespace

figures flood(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  const std::vector<chat_text> burst(flood_size, {flood_chat, "/help"});
  telegram_driver own(sut.telegram_url()); // set up outside the window (see responsiveness)
  auto before = sut.window_start();
  auto start = steady::now() + 10ms;
  std::vector<pushed> other_pushes;
  std::thread others([&] {
    for (size_t i = 0; i < other_chats; ++i) {
      std::this_thread::sleep_until(start + i * other_every);
      other_pushes.push_back(own.push(first_other_chat + static_cast<int64_t>(i), "/help"));
    }
  });
  std::this_thread::sleep_until(start + flood_at);
  auto burst_pushed = sut.telegram().push_many(burst);
  others.join();
  auto replies = collect_until_quiet(sut.telegram(), 1s, 60s);
  auto cpu = sut.window_end(before);

  push_times times;
  times.add(burst, burst_pushed);
  for (size_t i = 0; i < other_pushes.size(); ++i)
    times.add(first_other_chat + static_cast<int64_t>(i), other_pushes[i]);
  auto texts = sut.telegram().texts(0, replies.size());
  std::vector<sent_reply> other_replies;
  size_t flood_replies = 0, notices = 0;
  double flood_last_ms = 0;
  for (size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].chat_id != flood_chat) {
      other_replies.push_back(replies[i]);
      continue;
    }
    ++flood_replies;
    flood_last_ms = std::max(flood_last_ms, times.latency_ms(replies[i]));
    if (i < texts.size() && texts[i].find("quickly") != std::string::npos)
      ++notices;
  }
  expect_replies(other_replies, other_chats, "flood: the other chats");
  auto ms = latencies(other_replies, times);
  std::printf("  other chats' /help latency (%zu replies): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              ms.size(), percentile(ms, 50), percentile(ms, 99), percentile(ms, 100));
  // When a reply's /help was asked, in ms after the burst (negative: before it).
  auto asked_after_burst = [&](const sent_reply& r) {
    return (r.at_ns - times.latency_ms(r) * 1e6 - burst_pushed.at_ns) / 1e6;
  };
  std::vector<double> not_behind; // asked before the burst or after the paging window
  for (auto& r : other_replies)
    if (double asked = asked_after_burst(r);
        asked < 0 || asked >= static_cast<double>(paging_window.count()))
      not_behind.push_back(times.latency_ms(r));
  std::printf("  asked outside [burst, burst + %lld ms) (%zu replies): p99 %.2f ms\n",
              static_cast<long long>(paging_window.count()), not_behind.size(),
              percentile(not_behind, 99));
  // When the slow ones were asked, relative to the burst, tells what they waited behind.
  std::string slow;
  for (auto& r : other_replies)
    if (double latency = times.latency_ms(r); latency > 5 && slow.size() < 300) {
      char item[64];
      std::snprintf(item, sizeof item, "%s%.1f ms (asked %+.0f ms)", slow.empty() ? "" : ", ",
                    latency, asked_after_burst(r));
      slow += item;
    }
  if (!slow.empty())
    std::printf("  over 5 ms, asked relative to the burst: %s\n", slow.c_str());
  std::printf("  flooding chat: %zu replies to %zu /help, %zu of them notices; its last reply "
              "%.0f ms after the burst\n",
              flood_replies, flood_size, notices, flood_last_ms);
  std::printf("  %s\n", describe(cpu).c_str());
  stop_gracefully(sut);
  return {
      {"others' /help p50", percentile(ms, 50), "ms", 2, "", false},
      below("others' /help p99", percentile(ms, 99), "ms", 2, 5),
      {"others' p99, not behind the burst", percentile(not_behind, 99), "ms", 2, "", false},
      {"flooding chat's replies", static_cast<double>(flood_replies), "", 0, "", false},
      {"flooding chat's notices", static_cast<double>(notices), "", 0, "exactly 1", notices == 1}};
}

} // namespace phoenix::bench
