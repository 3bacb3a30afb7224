// What users got after a crash, for the kill and failover scenarios: replies
// per pushed message (lost, repeated, stray) and where each send stood at the
// SIGKILL (answered, in flight, written by the dying bot, the new bot's).
#pragma once

#include "bench/e2e_fakes.hpp"

#include <array>
#include <chrono>
#include <map>
#include <utility>
#include <vector>

namespace phoenix::bench {

/// steady_clock in ns: CLOCK_MONOTONIC, the clock of the fake's at_ns.
int64_t now_ns();
double seconds_between(int64_t from_ns, int64_t to_ns);

/// The SIGKILL, and the start of the bot that answers after it.
struct moments {
  int64_t kill_ns = 0, restart_ns = 0;
};

/// Where a send stood at the kill, from when the fake recorded it: answered;
/// in flight (recorded less than the fake's send latency before the kill);
/// written by the dying bot but read by the fake after the kill (unanswered
/// too); the new bot's.
enum class phase { answered, in_flight, dying, new_bot };

phase phase_of(int64_t at_ns, const moments& m, std::chrono::milliseconds send_latency);

/// Counts per phase.
struct by_phase {
  std::array<size_t, 4> counts{};
  void add(phase p, size_t n) { counts[static_cast<size_t>(p)] += n; }
  size_t operator[](phase p) const { return counts[static_cast<size_t>(p)]; }
  /// Sends of the killed bot that it never saw answered.
  size_t unanswered_at_kill() const { return (*this)[phase::in_flight] + (*this)[phase::dying]; }
};

/// Replies per pushed message, matched by the message they quote (reply_to).
class reply_tally {
public:
  reply_tally(const std::vector<chat_text>& messages, const pushed& p);

  void add(const std::vector<sent_reply>& replies);
  size_t unanswered() const { return unanswered_; }
  /// Replies beyond the first to one message.
  size_t repeated() const { return repeated_; }
  /// Replies that quote no pushed message.
  size_t strays() const { return strays_; }
  /// Repeats by where the first reply to their message stood at the kill.
  by_phase repeats_by_first(const moments& m, std::chrono::milliseconds send_latency) const;

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
                                               std::chrono::milliseconds deadline);

} // namespace phoenix::bench
