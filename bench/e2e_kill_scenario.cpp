// The kill scenario of the end-to-end benchmark: a crash (SIGKILL) of the bot
// while its sendMessage calls are in flight, then a new bot on the same
// database and fake Telegram. What users see of it: replies lost, replies
// repeated, and how long the restart kept them waiting.
#include "bench/e2e_replies.hpp"
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
// The fake answers each sendMessage 50 ms after it recorded it: sends are in
// flight at the kill, their answers never reach the bot. No jitter: a send
// recorded less than 50 ms before the kill was surely unanswered then.
constexpr milliseconds send_latency{50};
// Bounds of the collection after the restart.
constexpr milliseconds answer_deadline{120s}, late_repeat_window{1s};
// The bot's default net.max-connections-per-host: at most that many sends
// can be in flight, so at most that many can be repeated.
constexpr size_t max_connections_per_host = 32;

std::vector<chat_text> help_messages() {
  std::vector<chat_text> out;
  for (size_t i = 0; i < message_count; ++i)
    out.emplace_back(first_chat + static_cast<int64_t>(i % chat_count), "/help");
  return out;
}

/// The sends of the log by where they stood at the kill.
by_phase sends_by_phase(const moments& m, const std::vector<sent_reply>& replies) {
  by_phase out;
  for (auto& r : replies)
    out.add(phase_of(r.at_ns, m, send_latency), 1);
  return out;
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
    if (phase_of(r.at_ns, run.at, send_latency) == phase::new_bot && (first < 0 || r.at_ns < first))
      first = r.at_ns;
  return first < 0 ? -1 : seconds_between(run.at.kill_ns, first);
}

void print(const kill_run& run, const reply_tally& tally) {
  auto sends = sends_by_phase(run.at, run.replies);
  auto repeats = tally.repeats_by_first(run.at, send_latency);
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
