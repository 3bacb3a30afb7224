// alerts: a goal alert fanned out to many subscribers (issue 17). The fake
// API-Football plays live-scripted.json; one chat follows the home side and
// gets the kick-off, then N more subscribe and step 2 brings the goal. While
// the goal goes out, 50 other chats ask /help, one every 200 ms. Run twice:
// 1,000 subscribers at the bot's default Telegram limits with the fake
// Telegram enforcing them, and 10,000 with the limits off.
#include "bench/e2e_scenarios.hpp"

#include <algorithm>
#include <cstdio>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

namespace phoenix::bench {

namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

constexpr int64_t followed_team = 917001; // home side of the scripted fixture 9170001
constexpr int64_t first_subscriber = 8000001, first_asker = 9000001;
constexpr size_t askers = 50;
constexpr milliseconds ask_every{200};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

// Earlier runs share the database: their subscriptions and claims go first.
void reset_alerts(const std::string& url) {
  pqxx::connection c{url};
  pqxx::work tx{c};
  tx.exec_params("DELETE FROM subscriptions WHERE team_id = $1", followed_team);
  tx.exec("DELETE FROM alerts_sent WHERE alert_key LIKE '9170001:%'");
  tx.commit();
}

void subscribe(const std::string& url, size_t chats) {
  pqxx::connection c{url};
  pqxx::work tx{c};
  tx.exec_params("INSERT INTO subscriptions (chat_id, team_id, team_name)"
                 " SELECT g, $1, 'Phoenix Rovers' FROM generate_series($2::bigint, $3::bigint) g"
                 " ON CONFLICT DO NOTHING",
                 followed_team, first_subscriber,
                 first_subscriber + static_cast<int64_t>(chats) - 1);
  tx.commit();
}

double table_bytes_per_row(const std::string& url) {
  pqxx::connection c{url};
  pqxx::work tx{c};
  return tx
      .exec1("SELECT pg_total_relation_size('subscriptions')::float8 / greatest(count(*), 1)"
             " FROM subscriptions")[0]
      .as<double>();
}

struct fan_out {
  double poll_to_first_ms = 0, poll_to_last_s = 0, per_second = 0;
  size_t alerts = 0, rate_limited = 0;
  std::vector<double> help_ms;
  double bot_bytes_per_recipient = 0, db_bytes_per_subscription = 0;
};

fan_out goal_to(const bench_options& o, const std::string& dir, size_t subscribers) {
  system_under_test sut(o, dir, next_first_update_id());
  auto& telegram = sut.telegram();
  auto& football = sut.football();
  telegram.enforce_limits(o.telegram_limits);
  reset_alerts(o.database_url);
  subscribe(o.database_url, 1); // the engine learns the match from its kick-off
  football.set_live_step(1);
  if (telegram.collect(1, 30s).empty())
    throw std::runtime_error("alerts: no kick-off alert within 30 s");
  subscribe(o.database_url, subscribers);
  telegram_driver own(sut.telegram_url()); // the askers' driver, set up before the goal
  auto rss_before = process_memory_kb(sut.bot_pid(), "VmRSS");
  auto calls_before = football.total_calls();
  football.set_live_step(2); // the goal
  // The poll that sees it: the next upstream call (the cache's TTL is below the poll interval).
  auto until = steady::now() + 30s;
  while (football.total_calls() == calls_before) {
    if (steady::now() > until)
      throw std::runtime_error("alerts: no poll within 30 s of the goal");
    std::this_thread::sleep_for(1ms);
  }
  const int64_t poll_ns = now_ns();
  std::vector<pushed> asked;
  std::thread asking([&] {
    for (size_t i = 0; i < askers; ++i) {
      std::this_thread::sleep_until(steady::now() + ask_every);
      asked.push_back(own.push(first_asker + static_cast<int64_t>(i), "/help"));
    }
  });
  auto deadline = milliseconds{static_cast<int64_t>(subscribers) * 1000 / 25} + 60s;
  auto sent = telegram.collect(subscribers + askers, deadline);
  asking.join();
  fan_out out;
  push_times times;
  for (size_t i = 0; i < asked.size(); ++i)
    times.add(first_asker + static_cast<int64_t>(i), asked[i]);
  std::vector<sent_reply> helps;
  int64_t first_ns = 0, last_ns = 0;
  for (const auto& s : sent) {
    if (s.chat_id >= first_asker) {
      helps.push_back(s);
      continue;
    }
    ++out.alerts;
    first_ns = first_ns == 0 ? s.at_ns : std::min(first_ns, s.at_ns);
    last_ns = std::max(last_ns, s.at_ns);
  }
  if (out.alerts < subscribers)
    throw std::runtime_error("alerts: " + std::to_string(out.alerts) + " of " +
                             std::to_string(subscribers) + " goal alerts arrived");
  out.poll_to_first_ms = (first_ns - poll_ns) / 1e6;
  out.poll_to_last_s = (last_ns - poll_ns) / 1e9;
  out.per_second = out.alerts / std::max(1e-9, (last_ns - first_ns) / 1e9);
  out.help_ms = latencies(helps, times);
  out.rate_limited = telegram.answered_429();
  auto peak = process_memory_kb(sut.bot_pid(), "VmHWM");
  out.bot_bytes_per_recipient =
      std::max(0L, peak - rss_before) * 1024.0 / static_cast<double>(subscribers);
  out.db_bytes_per_subscription = table_bytes_per_row(o.database_url);
  std::printf("  %zu subscribers (%s): poll -> first alert %.1f ms, poll -> last %.2f s, %.0f "
              "alerts/s, %zu answered 429; /help during it (%zu): p50 %.2f ms, p99 %.2f ms\n",
              subscribers, o.telegram_limits ? "default limits" : "limits off",
              out.poll_to_first_ms, out.poll_to_last_s, out.per_second, out.rate_limited,
              out.help_ms.size(), percentile(out.help_ms, 50), percentile(out.help_ms, 99));
  std::printf("  memory: bot peak %+ld kB over idle (%.0f B per recipient), PostgreSQL %.0f B "
              "per subscription\n",
              peak - rss_before, out.bot_bytes_per_recipient, out.db_bytes_per_subscription);
  reset_alerts(o.database_url);
  stop_gracefully(sut);
  return out;
}

} // namespace

figures alerts(const bench_options& options, const std::string& dir) {
  auto open = options; // a poll every 2 s, each one an upstream call (TTL 1 s)
  open.bot_args.insert(open.bot_args.end(),
                       {"--alerts.poll-interval=2s", "--football.ttl-live=1s"});
  auto limited = open;
  limited.telegram_limits = true;
  auto at_limits = goal_to(limited, dir, 1000);
  auto unlimited = goal_to(open, dir, 10000);
  const double allowed_s = 1000.0 / 30 + 5;
  return {
      {"poll -> first alert", at_limits.poll_to_first_ms, "ms", 1, "", false},
      {"1,000 alerts, poll -> last (default limits)", at_limits.poll_to_last_s, "s", 2,
       "< " + std::to_string(allowed_s).substr(0, 4) + " s", at_limits.poll_to_last_s < allowed_s},
      {"answered 429", static_cast<double>(at_limits.rate_limited), "", 0, "0",
       at_limits.rate_limited == 0},
      {"/help p99 during the 1,000 fan-out", percentile(at_limits.help_ms, 99), "ms", 2, "", false},
      {"10,000 alerts, limits off", unlimited.per_second, "alerts/s", 0, "", false},
      {"/help p99 during the 10,000 fan-out", percentile(unlimited.help_ms, 99), "ms", 2, "",
       false},
      {"bot memory per recipient (10,000)", unlimited.bot_bytes_per_recipient, "B", 0, "", false},
      {"PostgreSQL per subscription", unlimited.db_bytes_per_subscription, "B", 0, "", false}};
}

} // namespace phoenix::bench
