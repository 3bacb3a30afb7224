// The end-to-end benchmark's scenarios (see e2e_bench.cpp): each starts its
// own system under test, prints its figures and returns the headline ones.
#pragma once

#include "bench/e2e_system.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace phoenix::bench {

struct figure {
  std::string name;
  double value = 0;
  std::string unit;
  int decimals = 1;
  std::string target; ///< "" when there is none
  bool met = false;
};
using figures = std::vector<figure>;

struct scenario {
  const char* name;
  const char* what;
  figures (*run)(const bench_options& options, const std::string& dir);
};

const std::vector<scenario>& scenarios();
const scenario* find_scenario(const std::string& name);

/// The first update id of a scenario's fake Telegram: above every earlier
/// one's (the bot's offset and dedupe window live on in the database).
int64_t next_first_update_id();
/// SIGTERM to the bot; warns when it does not exit with 0.
void stop_gracefully(system_under_test& sut);

/// When each user message (chat, message id) became visible to getUpdates.
class push_times {
public:
  void add(const std::vector<chat_text>& messages, const pushed& p);
  void add(int64_t chat_id, const pushed& p);
  /// Push to sendMessage in ms; negative when the reply quotes nothing known.
  double latency_ms(const sent_reply& r) const;

private:
  std::map<std::pair<int64_t, int64_t>, int64_t> at_;
};

/// Nearest rank; 0 for an empty list.
double percentile(std::vector<double> v, double p);
/// Push to sendMessage in ms of the replies that quote a known message.
std::vector<double> latencies(const std::vector<sent_reply>& replies, const push_times& times);
/// Throws unless `wanted` replies arrived.
void expect_replies(const std::vector<sent_reply>& got, size_t wanted, const char* what);
/// A figure with the target "< limit unit".
figure below(std::string name, double value, const char* unit, int decimals, double limit);

/// kill: SIGKILL to the bot while sends are in flight, then a new bot
/// (e2e_kill_scenario.cpp).
figures kill_and_restart(const bench_options& options, const std::string& dir);

/// flood: one chat sends 600 /help at once while 50 others send one each
/// (e2e_flood_scenario.cpp).
figures flood(const bench_options& options, const std::string& dir);

/// chats: N distinct chats send one cache-hot /stats each; peak and settled
/// RSS, bytes per chat (e2e_chats_scenario.cpp).
figures many_chats(const bench_options& options, const std::string& dir);

/// failover: two instances; SIGKILL and SIGTERM of the active one under
/// load (e2e_failover_scenario.cpp).
figures failover(const bench_options& options, const std::string& dir);

/// alerts: a goal alert to 1,000 subscribers at default limits and 10,000
/// with limits off, /help meanwhile (e2e_alerts_scenario.cpp).
figures alerts(const bench_options& options, const std::string& dir);

} // namespace phoenix::bench
