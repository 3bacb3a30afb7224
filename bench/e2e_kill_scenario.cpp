// The kill scenario of the end-to-end benchmark: a crash (SIGKILL) of the bot
// while its sendMessage calls are in flight, then a new bot on the same
// database and fake Telegram. What users see of it: replies lost, replies
// repeated, and how long the restart kept them waiting.
#include "bench/e2e_scenarios.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace phoenix::bench {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

constexpr size_t message_count = 3000, chat_count = 300, kill_after = 1000;
constexpr int64_t first_chat = 40001;
// The fake answers each sendMessage after 50-100 ms: sends are in flight at
// the kill, their answers never reach the bot.
constexpr milliseconds send_latency{50}, send_jitter{50};
// Bounds of the collection after the restart.
constexpr milliseconds answer_deadline{120s}, late_repeat_window{1s};
// The bot's default net.max-connections-per-host: at most that many sends
// can be in flight, so at most that many can be repeated.
constexpr size_t max_connections_per_host = 32;

/// steady_clock in ns: CLOCK_MONOTONIC, the clock of the fake's at_ns.
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

std::vector<chat_text> help_messages() {
  std::vector<chat_text> out;
  for (size_t i = 0; i < message_count; ++i)
    out.emplace_back(first_chat + static_cast<int64_t>(i % chat_count), "/help");
  return out;
}

/// Replies per pushed message, matched by the message they quote (reply_to).
class reply_tally {
public:
  reply_tally(const std::vector<chat_text>& messages, const pushed& p)
      : unanswered_(messages.size()) {
    for (size_t i = 0; i < messages.size(); ++i)
      replies_[{messages[i].first, p.message_ids[i]}] = 0;
  }

  void add(const std::vector<sent_reply>& replies) {
    for (auto& r : replies) {
      auto found = replies_.find({r.chat_id, r.reply_to});
      if (found == replies_.end()) {
        ++strays_;
      } else if (found->second++ == 0) {
        --unanswered_;
      } else {
        ++repeated_;
      }
    }
  }

  size_t unanswered() const { return unanswered_; }
  /// Replies beyond the first to one message.
  size_t repeated() const { return repeated_; }
  /// Replies that quote no pushed message.
  size_t strays() const { return strays_; }

private:
  std::map<std::pair<int64_t, int64_t>, size_t> replies_;
  size_t unanswered_ = 0, repeated_ = 0, strays_ = 0;
};

/// Collects until every pushed message has a reply or the deadline passed.
std::vector<sent_reply> collect_until_answered(telegram_driver& telegram, reply_tally& tally,
                                               milliseconds deadline) {
  std::vector<sent_reply> all;
  auto until = steady::now() + deadline;
  while (tally.unanswered() > 0) {
    auto left = std::chrono::duration_cast<milliseconds>(until - steady::now());
    if (left.count() <= 0)
      break;
    auto got = telegram.collect(tally.unanswered(), left);
    tally.add(got);
    all.insert(all.end(), got.begin(), got.end());
  }
  return all;
}

/// The send log at the kill: sends recorded before it, and of those the ones
/// still unanswered then, for sure (recorded less than the fixed latency
/// before) and at most (less than latency + jitter before).
struct at_kill {
  size_t sent = 0, in_flight_sure = 0, in_flight_most = 0;
};

at_kill sends_at(int64_t kill_ns, const std::vector<sent_reply>& replies) {
  const int64_t sure_ns = std::chrono::nanoseconds(send_latency).count();
  const int64_t most_ns = std::chrono::nanoseconds(send_latency + send_jitter).count();
  at_kill out;
  for (auto& r : replies) {
    if (r.at_ns > kill_ns)
      continue;
    ++out.sent;
    out.in_flight_sure += r.at_ns > kill_ns - sure_ns ? 1 : 0;
    out.in_flight_most += r.at_ns > kill_ns - most_ns ? 1 : 0;
  }
  return out;
}

/// The first send recorded after `kill_ns` (the new bot's), -1 if none.
int64_t first_after(int64_t kill_ns, const std::vector<sent_reply>& replies) {
  int64_t first = -1;
  for (auto& r : replies)
    if (r.at_ns > kill_ns && (first < 0 || r.at_ns < first))
      first = r.at_ns;
  return first;
}

double seconds_between(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

} // namespace

figures kill_and_restart(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  sut.telegram().set_latency("sendMessage", send_latency, send_jitter);
  auto messages = help_messages();
  auto p = sut.telegram().push_many(messages);
  reply_tally tally(messages, p);

  auto replies = sut.telegram().collect(kill_after, 60s);
  if (replies.size() < kill_after)
    throw std::runtime_error("kill: only " + std::to_string(replies.size()) +
                             " replies before the kill");
  const int64_t kill_ns = now_ns();
  sut.kill_bot();
  tally.add(replies);
  sut.start_bot();
  const int64_t polling_ns = now_ns();

  auto after = collect_until_answered(sut.telegram(), tally, answer_deadline);
  const int64_t answered_ns = now_ns();
  // Nothing tells when the new bot is done resending: repeats that come
  // after the last first reply show in a quiet window.
  auto late = sut.telegram().collect(message_count, late_repeat_window);
  tally.add(late);
  replies.insert(replies.end(), after.begin(), after.end());
  replies.insert(replies.end(), late.begin(), late.end());

  auto at = sends_at(kill_ns, replies);
  auto first_ns = first_after(kill_ns, replies);
  double first_s = first_ns < 0 ? -1 : seconds_between(kill_ns, first_ns);
  size_t lost = tally.unanswered();
  std::printf("  SIGKILL after %.2f s with %zu replies sent; sends the fake held unanswered then: "
              "%zu..%zu (latency %lld ms + 0..%lld ms)\n",
              seconds_between(p.at_ns, kill_ns), at.sent, at.in_flight_sure, at.in_flight_most,
              static_cast<long long>(send_latency.count()),
              static_cast<long long>(send_jitter.count()));
  std::printf("  new bot polling %.2f s after the kill, its first reply %.2f s after the kill\n",
              seconds_between(kill_ns, polling_ns), first_s);
  std::printf("  %zu of %zu messages answered %.2f s after the kill; lost %zu, repeated %zu, "
              "replies quoting no pushed message %zu\n",
              message_count - lost, message_count, seconds_between(kill_ns, answered_ns), lost,
              tally.repeated(), tally.strays());
  stop_gracefully(sut);
  char repeat_target[64];
  std::snprintf(repeat_target, sizeof repeat_target, "<= net.max-connections-per-host (%zu)",
                max_connections_per_host);
  return {{"kill: lost replies", static_cast<double>(lost), "", 0, "0", lost == 0},
          {"kill: repeated replies", static_cast<double>(tally.repeated()), "", 0, repeat_target,
           tally.repeated() <= max_connections_per_host},
          {"kill: sends in flight at the kill (max)", static_cast<double>(at.in_flight_most), "", 0,
           "", false},
          {"kill: first reply after the SIGKILL", first_s, "s", 2, "", false}};
}

} // namespace phoenix::bench
