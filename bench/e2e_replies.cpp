#include "bench/e2e_replies.hpp"

namespace phoenix::bench {

using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

double seconds_between(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

phase phase_of(int64_t at_ns, const moments& m, milliseconds send_latency) {
  if (at_ns > m.restart_ns)
    return phase::new_bot;
  if (at_ns > m.kill_ns)
    return phase::dying;
  return at_ns > m.kill_ns - std::chrono::nanoseconds(send_latency).count() ? phase::in_flight
                                                                            : phase::answered;
}

reply_tally::reply_tally(const std::vector<chat_text>& messages, const pushed& p)
    : unanswered_(messages.size()) {
  for (size_t i = 0; i < messages.size(); ++i)
    replies_[{messages[i].first, p.message_ids[i]}] = {};
}

void reply_tally::add(const std::vector<sent_reply>& replies) {
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

by_phase reply_tally::repeats_by_first(const moments& m, milliseconds send_latency) const {
  by_phase out;
  for (auto& [message, replies] : replies_)
    if (replies.count > 1)
      out.add(phase_of(replies.first_ns, m, send_latency), replies.count - 1);
  return out;
}

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

} // namespace phoenix::bench
