// chats: N distinct chats (--chats, default 100,000) send one cache-hot
// /stats each, offered at once, to a bot with its shipped defaults and the
// Telegram limits off. What grows with the number of chats: peak RSS, bytes
// per chat, and whether the memory comes back once the chats are idle.
#include "bench/e2e_scenarios.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace phoenix::bench {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr int64_t first_fixture = 4000001;
constexpr size_t fixtures = 50;

double mb(long kb) {
  return kb / 1024.0;
}

std::vector<chat_text> one_stats_per_chat(size_t chats, int64_t first_chat) {
  std::vector<chat_text> out;
  out.reserve(chats);
  for (size_t i = 0; i < chats; ++i)
    out.emplace_back(first_chat + static_cast<int64_t>(i),
                     "/stats " +
                         std::to_string(first_fixture + static_cast<int64_t>(i % fixtures)));
  return out;
}

// Every chat got exactly one reply: none lost, none repeated.
void expect_one_reply_per_chat(const std::vector<sent_reply>& replies, size_t chats) {
  std::unordered_map<int64_t, int> per_chat;
  for (auto& r : replies)
    ++per_chat[r.chat_id];
  size_t repeated = 0;
  for (auto& [chat, n] : per_chat)
    repeated += n > 1 ? 1 : 0;
  if (per_chat.size() != chats || repeated != 0)
    throw std::runtime_error("chats: " + std::to_string(per_chat.size()) + " of " +
                             std::to_string(chats) + " chats answered, " +
                             std::to_string(repeated) + " more than once");
}

// RSS once the chats are idle: sampled until it is within 20 % of `idle_kb`
// or `deadline` passed (the last sample then). Returns (kB, seconds taken).
std::pair<long, double> settled_rss(pid_t bot, long idle_kb, std::chrono::seconds deadline) {
  auto start = steady::now();
  long rss = process_memory_kb(bot, "VmRSS");
  while (rss > idle_kb * 1.2 && steady::now() - start < deadline) {
    std::this_thread::sleep_for(250ms);
    rss = process_memory_kb(bot, "VmRSS");
  }
  return {rss, std::chrono::duration<double>(steady::now() - start).count()};
}

struct rss_split {
  long anon_kb = 0;
  long file_kb = 0;
};

rss_split rss_parts(pid_t bot) {
  return {process_memory_kb(bot, "RssAnon"), process_memory_kb(bot, "RssFile")};
}

} // namespace

figures many_chats(const bench_options& o, const std::string& dir) {
  const size_t chats = static_cast<size_t>(o.chats);
  system_under_test sut(o, dir, next_first_update_id());
  // Warm the cache: each fixture once, from chats of their own.
  auto warm_messages = one_stats_per_chat(fixtures, 1);
  sut.telegram().push_many(warm_messages);
  expect_replies(sut.telegram().collect(fixtures, 60s), fixtures, "chats warm-up");
  std::this_thread::sleep_for(2s); // the warm-up's conversations and buffers settle
  long idle_kb = process_memory_kb(sut.bot_pid(), "VmRSS");
  auto idle_parts = rss_parts(sut.bot_pid());

  auto messages = one_stats_per_chat(chats, 100000001);
  push_times times;
  auto before = sut.window_start();
  times.add(messages, sut.telegram().push_many(messages));
  auto replies = sut.telegram().collect(chats, 600s);
  auto cpu = sut.window_end(before);
  expect_replies(replies, chats, "chats");
  expect_one_reply_per_chat(replies, chats);
  long peak_kb = process_memory_kb(sut.bot_pid(), "VmHWM");
  auto [settled_kb, settle_s] = settled_rss(sut.bot_pid(), idle_kb, 90s);
  auto settled_parts = rss_parts(sut.bot_pid());

  auto ms = latencies(replies, times);
  double span_s = percentile(ms, 100) / 1000;
  double per_second = static_cast<double>(replies.size()) / span_s;
  double cpu_per_reply = cpu.bot / static_cast<double>(replies.size());
  double bytes_per_chat = (peak_kb - idle_kb) * 1024.0 / static_cast<double>(chats);
  double settled_ratio = static_cast<double>(settled_kb) / static_cast<double>(idle_kb);
  std::printf("  %zu chats answered once each in %.2f s: %.0f replies/s; bot CPU per reply "
              "%.3f ms\n",
              replies.size(), span_s, per_second, cpu_per_reply);
  std::printf("  RSS idle %.1f MB, peak (VmHWM) %.1f MB, settled %.1f MB after %.1f s (%.0f %% of "
              "idle); (peak - idle) / chats = %.0f bytes\n",
              mb(idle_kb), mb(peak_kb), mb(settled_kb), settle_s, settled_ratio * 100,
              bytes_per_chat);
  // Anonymous memory is what the chats cost; file pages are the program's
  // code and libraries, read in as the load reaches new paths.
  std::printf("  of which anonymous: idle %.1f MB, settled %.1f MB (%.0f %%); file-backed (code): "
              "idle %.1f MB, settled %.1f MB\n",
              mb(idle_parts.anon_kb), mb(settled_parts.anon_kb),
              100.0 * settled_parts.anon_kb / std::max(1L, idle_parts.anon_kb),
              mb(idle_parts.file_kb), mb(settled_parts.file_kb));
  std::printf("  reply latency from the push: p50 %.0f ms, p99 %.0f ms (all offered at once)\n",
              percentile(ms, 50), percentile(ms, 99));
  std::printf("  %s\n", describe(cpu).c_str());
  stop_gracefully(sut);
  figure rate{"chats: throughput", per_second,        "replies/s", 0,
              ">= 3000 replies/s", per_second >= 3000};
  figure settled{"chats: settled RSS / idle RSS",
                 settled_ratio * 100,
                 "%",
                 0,
                 "<= 120 %",
                 settled_ratio <= 1.2};
  return {rate,
          below("chats: bot CPU per reply", cpu_per_reply, "ms", 3, 0.3),
          below("chats: peak RSS (VmHWM)", mb(peak_kb), "MB", 1, 120),
          {"chats: settled RSS", mb(settled_kb), "MB", 1, "", false},
          settled,
          {"chats: (peak - idle RSS) per chat", bytes_per_chat, "bytes", 0, "", false}};
}

} // namespace phoenix::bench
