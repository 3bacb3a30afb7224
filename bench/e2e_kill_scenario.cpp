// The kill scenario of the end-to-end benchmark: a crash (SIGKILL) of the bot
// while its sendMessage calls are in flight, then a new bot on the same
// database and fake Telegram. What users see of it: replies lost, replies
// repeated, and how long the restart kept them waiting.
#include "bench/e2e_scenarios.hpp"

#include <algorithm>
#include <array>
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
// The fake answers each sendMessage 50 ms after it recorded it: sends are in
// flight at the kill, their answers never reach the bot. No jitter: a send
// recorded less than 50 ms before the kill was surely unanswered then.
constexpr milliseconds send_latency{50};
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

/// The SIGKILL, and the start of the new bot (after the old one was reaped).
struct moments {
  int64_t kill_ns = 0, restart_ns = 0;
};

/// Where a send stood at the kill, from when the fake recorded it: answered;
/// in flight (recorded less than the latency before the kill); written by the
/// dying bot but read by the fake after the kill (unanswered too); the new bot's.
enum class phase { answered, in_flight, dying, new_bot };

phase phase_of(int64_t at_ns, const moments& m) {
  if (at_ns > m.restart_ns)
    return phase::new_bot;
  if (at_ns > m.kill_ns)
    return phase::dying;
  return at_ns > m.kill_ns - std::chrono::nanoseconds(send_latency).count() ? phase::in_flight
                                                                            : phase::answered;
}

/// Counts per phase.
struct by_phase {
  std::array<size_t, 4> counts{};
  void add(phase p, size_t n) { counts[static_cast<size_t>(p)] += n; }
  size_t operator[](phase p) const { return counts[static_cast<size_t>(p)]; }
  /// Sends of the killed bot that it never saw answered.
  size_t unanswered_at_kill() const { return (*this)[phase::in_flight] + (*this)[phase::dying]; }
};

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
      replies_[{messages[i].first, p.message_ids[i]}] = {};
  }

  void add(const std::vector<sent_reply>& replies) {
    for (auto& r : replies) {
      auto found = replies_.find({r.chat_id, r.reply_to});
      if (found == replies_.end()) {
        ++strays_;
      } else if (found->second.count++ == 0) {
        found->second.first_ns = r.at_ns;
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
  /// Repeats by where the first reply to their message stood at the kill.
  by_phase repeats_by_first(const moments& m) const {
    by_phase out;
    for (auto& [message, replies] : replies_)
      if (replies.count > 1)
        out.add(phase_of(replies.first_ns, m), replies.count - 1);
    return out;
  }

private:
  struct replies_to_one {
    size_t count = 0;
    int64_t first_ns = 0; ///< when the fake recorded the first
  };
  std::map<std::pair<int64_t, int64_t>, replies_to_one> replies_;
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

/// The sends of the log by where they stood at the kill.
by_phase sends_by_phase(const moments& m, const std::vector<sent_reply>& replies) {
  by_phase out;
  for (auto& r : replies)
    out.add(phase_of(r.at_ns, m), 1);
  return out;
}

double seconds_between(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

/// One kill and restart: every reply the fake recorded, and when things happened.
struct kill_run {
  moments at;
  int64_t pushed_ns = 0, bot_up_ns = 0, answered_ns = 0;
  std::vector<sent_reply> replies;
};

/// Kills the bot after `kill_after` replies, starts a new one and collects
/// until every message is answered (or the deadline), then late repeats.
kill_run kill_and_collect(system_under_test& sut, const pushed& p, reply_tally& tally) {
  kill_run run;
  run.pushed_ns = p.at_ns;
  run.replies = sut.telegram().collect(kill_after, 60s);
  if (run.replies.size() < kill_after)
    throw std::runtime_error("kill: only " + std::to_string(run.replies.size()) +
                             " replies before the kill");
  run.at.kill_ns = now_ns();
  sut.kill_bot();
  run.at.restart_ns = now_ns();
  tally.add(run.replies);
  sut.start_bot();
  run.bot_up_ns = now_ns();
  auto after = collect_until_answered(sut.telegram(), tally, answer_deadline);
  run.answered_ns = now_ns();
  // Nothing tells when the new bot is done resending: repeats that come
  // after the last first reply show in a quiet window.
  auto late = sut.telegram().collect(message_count, late_repeat_window);
  tally.add(late);
  run.replies.insert(run.replies.end(), after.begin(), after.end());
  run.replies.insert(run.replies.end(), late.begin(), late.end());
  return run;
}

/// From the kill to the new bot's first send in seconds; -1 if there was none.
double restart_s(const kill_run& run) {
  int64_t first = -1;
  for (auto& r : run.replies)
    if (phase_of(r.at_ns, run.at) == phase::new_bot && (first < 0 || r.at_ns < first))
      first = r.at_ns;
  return first < 0 ? -1 : seconds_between(run.at.kill_ns, first);
}

void print(const kill_run& run, const reply_tally& tally) {
  auto sends = sends_by_phase(run.at, run.replies);
  auto repeats = tally.repeats_by_first(run.at);
  std::printf("  SIGKILL %.2f s after the push, %zu replies sent by then; unanswered: %zu "
              "recorded by the fake less than %lld ms before, %zu read by it after the kill\n",
              seconds_between(run.pushed_ns, run.at.kill_ns),
              sends[phase::answered] + sends.unanswered_at_kill(), sends[phase::in_flight],
              static_cast<long long>(send_latency.count()), sends[phase::dying]);
  std::printf("  new bot: the bench saw it poll %.2f s after the kill; its first reply came "
              "%.2f s after the kill\n",
              seconds_between(run.at.kill_ns, run.bot_up_ns), restart_s(run));
  std::printf("  %zu of %zu messages answered %.2f s after the kill; lost %zu, repeated %zu, "
              "replies quoting no pushed message %zu\n",
              message_count - tally.unanswered(), message_count,
              seconds_between(run.at.kill_ns, run.answered_ns), tally.unanswered(),
              tally.repeated(), tally.strays());
  std::printf("  repeats by their message's first reply: unanswered at the kill %zu, answered "
              "before it %zu, sent by the new bot %zu\n",
              repeats.unanswered_at_kill(), repeats[phase::answered], repeats[phase::new_bot]);
}

} // namespace

figures kill_and_restart(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  sut.telegram().set_latency("sendMessage", send_latency, 0ms);
  auto messages = help_messages();
  auto p = sut.telegram().push_many(messages);
  reply_tally tally(messages, p);
  auto run = kill_and_collect(sut, p, tally);
  print(run, tally);
  stop_gracefully(sut);

  auto in_flight = sends_by_phase(run.at, run.replies).unanswered_at_kill();
  char repeat_target[64];
  std::snprintf(repeat_target, sizeof repeat_target, "<= net.max-connections-per-host (%zu)",
                max_connections_per_host);
  return {{"kill: lost replies", static_cast<double>(tally.unanswered()), "", 0, "0",
           tally.unanswered() == 0},
          {"kill: repeated replies", static_cast<double>(tally.repeated()), "", 0, repeat_target,
           tally.repeated() <= max_connections_per_host},
          {"kill: sends in flight at the kill", static_cast<double>(in_flight), "", 0, "", false},
          {"kill: first reply after the SIGKILL", restart_s(run), "s", 2, "", false}};
}

} // namespace phoenix::bench
