#include "bench/e2e_scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <thread>

namespace phoenix::bench {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

int64_t next_first_update_id() {
  static int64_t last = 0;
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  last = std::max<int64_t>(now_ms * 100, last + 1000000);
  return last;
}

void stop_gracefully(system_under_test& sut) {
  if (int code = sut.stop_bot(); code != 0)
    std::printf("  warning: phoenix-bot exited with %d after SIGTERM\n", code);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1];
}

std::vector<double> latencies(const std::vector<sent_reply>& replies, const push_times& times) {
  std::vector<double> out;
  for (auto& r : replies)
    if (double ms = times.latency_ms(r); ms >= 0)
      out.push_back(ms);
  return out;
}

void expect_replies(const std::vector<sent_reply>& got, size_t wanted, const char* what) {
  if (got.size() < wanted)
    throw std::runtime_error(std::string(what) + ": " + std::to_string(got.size()) + " of " +
                             std::to_string(wanted) + " replies arrived in time");
}

figure below(std::string name, double value, const char* unit, int decimals, double limit) {
  char target[48];
  std::snprintf(target, sizeof target, "< %g %s", limit, unit);
  return {std::move(name), value, unit, decimals, target, value < limit};
}

void push_times::add(const std::vector<chat_text>& messages, const pushed& p) {
  for (size_t i = 0; i < messages.size(); ++i)
    at_[{messages[i].first, p.message_ids[i]}] = p.at_ns;
}

void push_times::add(int64_t chat_id, const pushed& p) {
  at_[{chat_id, p.message_ids.at(0)}] = p.at_ns;
}

double push_times::latency_ms(const sent_reply& r) const {
  auto found = at_.find({r.chat_id, r.reply_to});
  return found == at_.end() ? -1 : (r.at_ns - found->second) / 1e6;
}

namespace {

std::vector<chat_text> stats_messages(size_t count, int64_t first_chat, size_t chats,
                                      int64_t first_fixture, size_t fixtures) {
  std::vector<chat_text> out;
  for (size_t i = 0; i < count; ++i)
    out.emplace_back(first_chat + static_cast<int64_t>(i % chats),
                     "/stats " +
                         std::to_string(first_fixture + static_cast<int64_t>(i % fixtures)));
  return out;
}

/// Replies [from, from + replies.size()) of the send log that show statistics
/// (render_stats' "Kick-off" line), of those `select` picks; prints the rest's
/// first text. Read after the measured window.
template <class Select>
size_t with_statistics(system_under_test& sut, size_t from, const std::vector<sent_reply>& replies,
                       Select select) {
  auto texts = sut.telegram().texts(from, replies.size());
  size_t good = 0, other = 0;
  std::string first_other;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!select(replies[i]))
      continue;
    if (texts[i].find("Kick-off") != std::string::npos) {
      ++good;
    } else if (other++ == 0) {
      first_other = texts[i].substr(0, 120);
    }
  }
  if (other > 0)
    std::printf("  %zu /stats replies without statistics, e.g. \"%s\"\n", other,
                first_other.c_str());
  return good;
}

size_t with_statistics(system_under_test& sut, size_t from,
                       const std::vector<sent_reply>& replies) {
  return with_statistics(sut, from, replies, [](const sent_reply&) { return true; });
}

double mb(long kb) {
  return kb / 1024.0;
}

figures idle(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  std::this_thread::sleep_for(2s); // start-up work (pool, cache load) settles
  auto before = sut.window_start();
  std::this_thread::sleep_for(2s);
  auto cpu = sut.window_end(before);
  long rss = process_memory_kb(sut.bot_pid(), "VmRSS");
  long hwm = process_memory_kb(sut.bot_pid(), "VmHWM");
  std::printf("  RSS 4 s after the first poll: %.1f MB (VmHWM %.1f MB)\n", mb(rss), mb(hwm));
  std::printf("  %s\n", describe(cpu).c_str());
  stop_gracefully(sut);
  return {below("idle RSS", mb(rss), "MB", 1, 30)};
}

figures responsiveness(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  sut.football().set_latency(2000ms);
  constexpr int64_t help_chat = 1, burst_help_chat = 3;
  constexpr size_t helps = 50;
  auto stats = stats_messages(200, 2001, 200, 2000001, 200);
  // One /help more in the same push, the 201st update: Telegram hands out 100
  // per getUpdates, and the next page may be asked for only once the last is
  // written to the inbox, so it shows what paging a burst costs (not item 2).
  auto burst = stats;
  burst.emplace_back(burst_help_chat, "/help");
  push_times times;
  // Made before the window: a driver's set-up (its TLS context reads the CA
  // store, 15-30 ms of CPU) would compete with the bot for the burst's start.
  telegram_driver own(sut.telegram_url());
  auto before = sut.window_start();
  auto stats_pushed = sut.telegram().push_many(burst);
  times.add(burst, stats_pushed);
  // /help every 100 ms from its own connection while the /stats wait upstream.
  std::vector<pushed> help_pushes;
  std::thread helper([&] {
    auto start = steady::now();
    for (size_t i = 0; i < helps; ++i) {
      std::this_thread::sleep_until(start + (i + 1) * 100ms);
      help_pushes.push_back(own.push(help_chat, "/help"));
    }
  });
  auto replies = sut.telegram().collect(burst.size() + helps, 60s);
  helper.join();
  auto cpu = sut.window_end(before);
  for (auto& p : help_pushes)
    times.add(help_chat, p);
  expect_replies(replies, burst.size() + helps, "responsiveness");

  std::vector<sent_reply> help_replies, stats_replies, burst_help;
  for (auto& r : replies)
    (r.chat_id == help_chat         ? help_replies
     : r.chat_id == burst_help_chat ? burst_help
                                    : stats_replies)
        .push_back(r);
  auto help = latencies(help_replies, times);
  double paged_ms = latencies(burst_help, times).at(0);
  auto stats_ms = latencies(stats_replies, times);
  double all_stats_s = *std::max_element(stats_ms.begin(), stats_ms.end()) / 1000;
  double first_stats_s = *std::min_element(stats_ms.begin(), stats_ms.end()) / 1000;
  std::printf("  /help latency (%zu replies): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", help.size(),
              percentile(help, 50), percentile(help, 99), percentile(help, 100));
  // When the slow ones were asked tells what they waited behind.
  std::string slow;
  for (auto& r : help_replies)
    if (double ms = times.latency_ms(r); ms > 5 && slow.size() < 300) {
      char item[64];
      std::snprintf(item, sizeof item, "%s%.1f ms (asked at %.2f s)", slow.empty() ? "" : ", ", ms,
                    (r.at_ns - ms * 1e6 - stats_pushed.at_ns) / 1e9);
      slow += item;
    }
  if (!slow.empty())
    std::printf("  /help over 5 ms: %s\n", slow.c_str());
  std::printf("  /help pushed with the 200 /stats (update 201, the third page): %.2f ms\n",
              paged_ms);
  std::printf("  200 /stats: first reply %.2f s, all replies %.2f s after the push\n",
              first_stats_s, all_stats_s);
  std::printf("  %s\n", describe(cpu).c_str());
  auto good = with_statistics(sut, 0, replies, [](const sent_reply& r) {
    return r.chat_id != help_chat && r.chat_id != burst_help_chat;
  });
  std::printf("  %zu of 200 /stats replies show the statistics\n", good);
  stop_gracefully(sut);
  return {{"/help p50", percentile(help, 50), "ms", 2, "", false},
          below("/help p99", percentile(help, 99), "ms", 2, 5),
          {"/help max", percentile(help, 100), "ms", 2, "", false},
          {"/help with the burst (paged)", paged_ms, "ms", 2, "", false},
          {"all 200 /stats replied after", all_stats_s, "s", 2, "", false},
          {"/stats with statistics (of 200)", static_cast<double>(good), "", 0, "", false}};
}

figures throughput(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  constexpr int64_t first_fixture = 1000001;
  constexpr size_t fixtures = 50, count = 20000, chats = 1000;
  // Warm the cache: each fixture once, from chats of their own.
  sut.telegram().push_many(stats_messages(fixtures, 1, fixtures, first_fixture, fixtures));
  auto warm = sut.telegram().collect(fixtures, 60s);
  expect_replies(warm, fixtures, "throughput warm-up");
  if (with_statistics(sut, 0, warm) != fixtures)
    throw std::runtime_error("throughput warm-up: not every fixture answered with statistics");
  auto upstream_before = sut.football().total_calls();
  auto polls_before = sut.telegram().calls("getUpdates");

  auto messages = stats_messages(count, 10001, chats, first_fixture, fixtures);
  push_times times;
  auto before = sut.window_start();
  auto p = sut.telegram().push_many(messages);
  times.add(messages, p);
  auto replies = sut.telegram().collect(count, 300s);
  auto cpu = sut.window_end(before);
  expect_replies(replies, count, "throughput");
  long hwm = process_memory_kb(sut.bot_pid(), "VmHWM");
  auto upstream = sut.football().total_calls() - upstream_before;
  auto polls = sut.telegram().calls("getUpdates") - polls_before;

  auto ms = latencies(replies, times);
  double span_s = percentile(ms, 100) / 1000;
  double per_second = static_cast<double>(replies.size()) / span_s;
  double cpu_per_reply = cpu.bot / static_cast<double>(replies.size());
  std::printf("  %zu replies in %.2f s: %.0f replies/s; upstream calls meanwhile: %zu; "
              "getUpdates calls: %zu\n",
              replies.size(), span_s, per_second, upstream, polls);
  std::printf("  bot CPU per reply %.3f ms; peak RSS (VmHWM) %.1f MB\n", cpu_per_reply, mb(hwm));
  std::printf("  reply latency from the push: p50 %.0f ms, p99 %.0f ms (all offered at once)\n",
              percentile(ms, 50), percentile(ms, 99));
  std::printf("  %s\n", describe(cpu).c_str());
  auto good = with_statistics(sut, fixtures, replies);
  if (good != count)
    std::printf("  only %zu of %zu replies show the statistics\n", good, count);
  stop_gracefully(sut);
  figure rate{"throughput", per_second, "replies/s", 0, ">= 2500 replies/s", per_second >= 2500};
  return {rate, below("bot CPU per reply", cpu_per_reply, "ms", 3, 0.3),
          below("peak RSS (VmHWM)", mb(hwm), "MB", 1, 60)};
}

figures coalescing(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  sut.football().set_latency(1000ms);
  constexpr int64_t fixture = 3000001;
  auto messages = stats_messages(500, 30001, 500, fixture, 1);
  push_times times;
  auto before = sut.window_start();
  auto p = sut.telegram().push_many(messages);
  times.add(messages, p);
  auto replies = sut.telegram().collect(messages.size(), 60s);
  auto cpu = sut.window_end(before);
  expect_replies(replies, messages.size(), "coalescing");
  auto calls = sut.football().calls_for_fixture(fixture);
  auto ms = latencies(replies, times);
  std::printf("  upstream calls for the fixture: %zu; every reply %.2f s after the push (first "
              "%.2f s)\n",
              calls, percentile(ms, 100) / 1000, percentile(ms, 0) / 1000);
  std::printf("  %s\n", describe(cpu).c_str());
  auto good = with_statistics(sut, 0, replies);
  std::printf("  %zu of %zu replies show the statistics\n", good, replies.size());
  stop_gracefully(sut);
  return {{"coalescing upstream calls", static_cast<double>(calls), "", 0, "exactly 1", calls == 1},
          {"coalescing: all 500 replied after", percentile(ms, 100) / 1000, "s", 2, "", false}};
}

} // namespace

const std::vector<scenario>& scenarios() {
  static const std::vector<scenario> all{
      {"idle", "RSS after start", idle},
      {"responsiveness",
       "200 chats /stats <distinct id> against a 2 s upstream, one chat /help every 100 ms for 5 s",
       responsiveness},
      {"throughput", "20,000 cache-hot /stats from 1,000 chats over 50 fixtures, offered at once",
       throughput},
      {"coalescing", "500 chats /stats of one fixture at once against a 1 s upstream", coalescing},
      {"kill",
       "3,000 /help from 300 chats at once, sendMessage answered after 50 ms; SIGKILL to the bot "
       "after 1,000 replies, a new bot on the same database",
       kill_and_restart},
      {"flood",
       "one chat sends 600 /help at once while 50 other chats send one /help each, one every "
       "60 ms",
       flood},
      {"failover",
       "two instances on one database: 10 SIGKILLs of the active one under 1,000 /help each "
       "(sendMessage answered after 50 ms), then 5 SIGTERMs under 200",
       failover},
      {"chats",
       "--chats N distinct chats (default 100,000) send one cache-hot /stats each, at once: peak "
       "and settled RSS, bytes per chat",
       many_chats},
      {"alerts",
       "a goal alert to 1,000 subscribers at default limits (the fake Telegram enforcing them), "
       "then to 10,000 with the limits off; 50 chats ask /help meanwhile",
       alerts},
  };
  return all;
}

const scenario* find_scenario(const std::string& name) {
  for (auto& s : scenarios())
    if (name == s.name)
      return &s;
  return nullptr;
}

} // namespace phoenix::bench
