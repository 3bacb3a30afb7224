// The failover scenario of the end-to-end benchmark: two phoenix-bot
// instances on one database, the active one answering /help while the other
// stands by. Ten times SIGKILL of the active one under load, then five
// SIGTERMs (a rolling deploy): how long until the standby polls Telegram,
// replies lost and repeated, and getUpdates conflicts (two pollers at once).
#include "bench/e2e_replies.hpp"
#include "bench/e2e_scenarios.hpp"

#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace phoenix::bench {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

constexpr int kills = 10, sigterms = 5;
constexpr size_t kill_messages = 1000, kill_after = 300, term_messages = 200, term_after = 50;
constexpr size_t chat_count = 100;
// As in the kill scenario: sends are in flight at the kill.
constexpr milliseconds send_latency{50};
constexpr milliseconds takeover_deadline{30s}, answer_deadline{60s}, late_repeat_window{1s};
constexpr size_t max_connections_per_host = 32; // the bot's default: sends in flight

std::vector<chat_text> help_messages(size_t count, int64_t first_chat) {
  std::vector<chat_text> out;
  for (size_t i = 0; i < count; ++i)
    out.emplace_back(first_chat + static_cast<int64_t>(i % chat_count), "/help");
  return out;
}

/// Seconds from `signalled_ns` until the fake saw a getUpdates beyond
/// `polls_before` (the standby's first poll): polled every millisecond.
double wait_for_new_poll(system_under_test& sut, size_t polls_before, int64_t signalled_ns) {
  auto until = steady::now() + takeover_deadline;
  while (sut.polls() == polls_before) {
    if (steady::now() > until)
      throw std::runtime_error("failover: the standby did not poll within 30 s");
    std::this_thread::sleep_for(1ms);
  }
  return seconds_between(signalled_ns, now_ns());
}

struct round_result {
  double takeover_s = 0;
  size_t lost = 0, repeated = 0, strays = 0;
  by_phase repeats; ///< by where their message's first reply stood at the signal
};

/// One round: push, wait for `after` replies, `signal` the active, time the
/// standby's first poll, collect every reply, start the next standby.
round_result one_round(system_under_test& sut, int round, int signal, size_t messages,
                       size_t after) {
  auto batch = help_messages(messages, 70001 + round * static_cast<int64_t>(chat_count));
  auto p = sut.telegram().push_many(batch);
  reply_tally tally(batch, p);
  tally.add(sut.telegram().collect(after, 60s));
  round_result r;
  auto polls_before = sut.polls();
  auto signalled_ns = now_ns();
  ::kill(sut.bot_pid(), signal);
  if (signal == SIGKILL)
    sut.kill_bot(); // reaps it
  // Polls the dying bot still made (a SIGTERM's last getUpdates confirms the
  // offset) come before the standby's: they count as the old bot's.
  r.takeover_s = wait_for_new_poll(sut, polls_before, signalled_ns);
  moments at{signalled_ns, now_ns()};
  if (signal == SIGTERM)
    if (int code = sut.wait_for_bot_exit(); code != 0)
      std::printf("  warning: phoenix-bot exited with %d after SIGTERM\n", code);
  sut.standby_takes_over();
  collect_until_answered(sut.telegram(), tally, answer_deadline);
  tally.add(sut.telegram().collect(messages, late_repeat_window));
  r.lost = tally.unanswered();
  r.repeated = tally.repeated();
  r.strays = tally.strays();
  r.repeats = tally.repeats_by_first(at, send_latency);
  sut.start_standby();
  return r;
}

void print(const char* what, int n, const round_result& r) {
  std::printf("  %s %d: standby polled %.0f ms after the signal; lost %zu, repeated %zu (first "
              "reply unanswered at the signal %zu, answered before it %zu), strays %zu\n",
              what, n, r.takeover_s * 1000, r.lost, r.repeated, r.repeats.unanswered_at_kill(),
              r.repeats[phase::answered], r.strays);
}

struct totals {
  std::vector<double> takeover_ms;
  size_t lost = 0, repeated = 0, max_repeated = 0, strays = 0;
  void add(const round_result& r) {
    takeover_ms.push_back(r.takeover_s * 1000);
    lost += r.lost;
    repeated += r.repeated;
    max_repeated = std::max(max_repeated, r.repeated);
    strays += r.strays;
  }
};

} // namespace

figures failover(const bench_options& o, const std::string& dir) {
  system_under_test sut(o, dir, next_first_update_id());
  sut.telegram().set_latency("sendMessage", send_latency, 0ms);
  sut.start_standby();
  totals killed, terminated;
  for (int i = 0; i < kills; ++i) {
    auto r = one_round(sut, i, SIGKILL, kill_messages, kill_after);
    print("SIGKILL", i + 1, r);
    killed.add(r);
  }
  for (int i = 0; i < sigterms; ++i) {
    auto r = one_round(sut, kills + i, SIGTERM, term_messages, term_after);
    print("SIGTERM", i + 1, r);
    terminated.add(r);
  }
  auto conflicts = sut.telegram().getupdates_conflicts();
  std::printf("  getUpdates conflicts (409) over all rounds: %zu\n", conflicts);
  stop_gracefully(sut);

  char repeat_target[64];
  std::snprintf(repeat_target, sizeof repeat_target, "<= %zu per kill", max_connections_per_host);
  return {below("failover: takeover after SIGKILL, p50", percentile(killed.takeover_ms, 50), "ms",
                0, 5000),
          below("failover: takeover after SIGKILL, max", percentile(killed.takeover_ms, 100), "ms",
                0, 5000),
          below("failover: handover after SIGTERM, p50", percentile(terminated.takeover_ms, 50),
                "ms", 0, 1000),
          below("failover: handover after SIGTERM, max", percentile(terminated.takeover_ms, 100),
                "ms", 0, 1000),
          {"failover: lost replies (all rounds)",
           static_cast<double>(killed.lost + terminated.lost), "", 0, "0",
           killed.lost + terminated.lost == 0},
          {"failover: repeated replies, most in one kill", static_cast<double>(killed.max_repeated),
           "", 0, repeat_target, killed.max_repeated <= max_connections_per_host},
          {"failover: repeated replies after SIGTERM", static_cast<double>(terminated.repeated), "",
           0, "0", terminated.repeated == 0},
          {"failover: getUpdates conflicts", static_cast<double>(conflicts), "", 0, "0",
           conflicts == 0}};
}

} // namespace phoenix::bench
