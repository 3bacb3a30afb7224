// e2e_bench: Phoenix end to end, as users experience it. phoenix-bot runs as a
// process against fake-telegram and fake-api-football (separate processes)
// and the real PostgreSQL of DATABASE_URL, with its send limits and flood
// control off. Scenarios (each with fresh processes):
//   idle            RSS after start
//   responsiveness  200 chats /stats <distinct id> against a 2 s upstream while
//                   one chat sends /help every 100 ms for 5 s (from 100 ms on):
//                   /help latency; and one /help pushed with the 200 (the 201st
//                   update, on the third page): what paging a burst costs
//   throughput      20,000 cache-hot /stats from 1,000 chats over 50 fixtures
//   coalescing      500 chats /stats of one fixture at once, 1 s upstream
//   kill            3,000 /help from 300 chats, sendMessage answered after
//                   50 ms; SIGKILL to the bot after 1,000 replies, a new
//                   bot on the same database: replies lost and repeated, and
//                   the restart's time to the first reply
//   flood           one chat sends 600 /help at once while 50 other chats
//                   send one /help each, one every 60 ms: the others' /help
//                   latency, the flooding chat's replies and notices
//   chats           --chats N (default 100,000) distinct chats send one
//                   cache-hot /stats each, at once: peak RSS, RSS once idle
//                   again, (peak - idle RSS) per chat, replies/s
//   failover        two instances on one database: 10 SIGKILLs of the active
//                   one under load, then 5 SIGTERMs: time to the standby's
//                   first getUpdates, replies lost and repeated, 409s
//   alerts          a goal alert to 1,000 subscribers at default limits (the
//                   fake Telegram enforcing them), then to 10,000 with the
//                   limits off: poll -> first alert, alerts/s, 429s, /help
//                   p99 meanwhile, memory per subscription
// Latency of a reply = when the fake Telegram received its sendMessage minus
// when the user's message became visible to getUpdates, both read by the fake
// from CLOCK_MONOTONIC.
//
// Usage: scripts/pg -- build/bin/e2e_bench [--runs N] [--only NAME[,NAME...]]
//          [--fake-threads N] [--max-in-flight N] [--chats N] [--bot-arg=--key=value]...
//          [--keep-logs] [--perf]   (perf record --call-graph dwarf on the bot in each measured
//          window)
//          [--bot PATH]  (another phoenix-bot binary, e.g. a build of an older commit)
#include "bench/e2e_scenarios.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace phoenix::bench;
namespace fs = std::filesystem;

namespace {

struct command_line {
  bench_options options;
  std::vector<std::string> only;
  int runs = 1;
  bool keep_logs = false;
};

const char* usage =
    "usage: scripts/pg -- build/bin/e2e_bench [--runs N] [--only NAME[,NAME...]]\n"
    "         [--fake-threads N] [--max-in-flight N] [--chats N] [--bot-arg=--key=value]...\n"
    "         [--keep-logs]\n"
    "         [--perf]  (perf record of the bot in each measured window; keeps the logs)\n"
    "         [--bot PATH]  (the phoenix-bot to measure; default: the one beside the fakes)\n"
    "scenarios: idle, responsiveness, throughput, coalescing, kill, flood, failover, chats, "
    "alerts "
    "(default: all)\n"
    "--chats N: the chats scenario's distinct chats (default 100000)\n";

std::vector<std::string> split(const std::string& text, char by) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, by);)
    if (!part.empty())
      out.push_back(part);
  return out;
}

int to_int(const std::string& name, const std::string& value, int min, int max) {
  char* end = nullptr;
  long n = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || n < min || n > max)
    throw std::invalid_argument("bad value for " + name + ": '" + value + "' (" +
                                std::to_string(min) + ".." + std::to_string(max) + ")");
  return static_cast<int>(n);
}

command_line parse(int argc, char** argv) {
  command_line c;
  c.options.bin_dir = std::string{PHOENIX_BINARY_DIR} + "/bin";
  c.options.bot = c.options.bin_dir + "/phoenix-bot";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    } else if (arg != "--keep-logs" && arg != "--perf" && arg != "--help" && i + 1 < argc) {
      value = argv[++i];
    }
    if (arg == "--help") {
      std::cout << usage;
      std::exit(0);
    } else if (arg == "--runs") {
      c.runs = to_int(arg, value, 1, 20);
    } else if (arg == "--only") {
      c.only = split(value, ',');
    } else if (arg == "--fake-threads") {
      c.options.fake_threads = to_int(arg, value, 1, 16);
    } else if (arg == "--max-in-flight") {
      c.options.max_in_flight = to_int(arg, value, 1, 1000000);
    } else if (arg == "--chats") {
      c.options.chats = to_int(arg, value, 1, 10000000);
    } else if (arg == "--bot") {
      c.options.bot = value;
    } else if (arg == "--bot-arg") {
      c.options.bot_args.push_back(value);
    } else if (arg == "--keep-logs") {
      c.keep_logs = true;
    } else if (arg == "--perf") {
      c.options.perf = true; // needs the logs: perf.data stays beside them
      c.keep_logs = true;
    } else {
      throw std::invalid_argument("unknown option " + arg);
    }
  }
  for (auto& name : c.only)
    if (!find_scenario(name))
      throw std::invalid_argument("unknown scenario " + name);
  const char* db = std::getenv("DATABASE_URL");
  if (db == nullptr || *db == '\0')
    throw std::invalid_argument("DATABASE_URL is not set: run under scripts/pg");
  c.options.database_url = db;
  return c;
}

void print_machine() {
  std::string model = "?";
  long mem_kb = 0;
  {
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);)
      if (line.rfind("model name", 0) == 0) {
        model = line.substr(line.find(':') + 2);
        break;
      }
    std::ifstream mem("/proc/meminfo");
    std::string key;
    mem >> key >> mem_kb;
  }
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf("machine: %ld cores, %s, %.1f GiB RAM; load average before: %.2f %.2f %.2f\n",
              sysconf(_SC_NPROCESSORS_ONLN), model.c_str(), mem_kb / 1048576.0, load[0], load[1],
              load[2]);
}

// Per figure: each run's value, min..max, and whether the target held in every run.
void print_summary(const std::vector<figures>& runs) {
  std::printf("\nsummary over %zu run(s)\n", runs.size());
  std::printf("%-38s %-28s %-22s %s\n", "figure", "runs", "min..max", "target");
  std::map<std::string, std::vector<figure>> by_name;
  std::vector<std::string> order;
  for (auto& run : runs)
    for (auto& f : run) {
      if (by_name.count(f.name) == 0)
        order.push_back(f.name);
      by_name[f.name].push_back(f);
    }
  for (auto& name : order) {
    auto& list = by_name[name];
    std::string values;
    double low = list.front().value, high = low;
    int met = 0, judged = 0;
    for (auto& f : list) {
      char v[32];
      std::snprintf(v, sizeof v, "%s%.*f", values.empty() ? "" : " ", f.decimals, f.value);
      values += v;
      low = std::min(low, f.value);
      high = std::max(high, f.value);
      judged += f.target.empty() ? 0 : 1;
      met += f.met ? 1 : 0;
    }
    char range[48];
    std::snprintf(range, sizeof range, "%.*f..%.*f %s", list.front().decimals, low,
                  list.front().decimals, high, list.front().unit.c_str());
    std::string target =
        list.front().target.empty()
            ? ""
            : list.front().target +
                  (met == judged ? "  met"
                                 : "  MISSED in " + std::to_string(judged - met) + " run(s)");
    std::printf("%-38s %-28s %-22s %s\n", name.c_str(), values.c_str(), range, target.c_str());
  }
}

} // namespace

int main(int argc, char** argv) {
  command_line c;
  try {
    c = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "e2e_bench: " << e.what() << '\n' << usage;
    return 2;
  }
  char pattern[] = "/tmp/phoenix-e2e.XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    std::cerr << "e2e_bench: cannot create a temp dir\n";
    return 1;
  }
  const std::string dir = pattern;
  print_machine();
  std::printf("bot: %s, limits.* = 0, handlers.max-in-flight = %d, fakes with %d "
              "thread(s); logs in %s\n",
              c.options.bot.c_str(), c.options.max_in_flight, c.options.fake_threads, dir.c_str());
  std::vector<figures> runs;
  try {
    for (int run = 1; run <= c.runs; ++run) {
      std::printf("\n=== run %d of %d ===\n", run, c.runs);
      figures all;
      for (auto& s : scenarios()) {
        if (!c.only.empty() && std::find(c.only.begin(), c.only.end(), s.name) == c.only.end())
          continue;
        auto scenario_dir = dir + "/run" + std::to_string(run) + "-" + s.name;
        fs::create_directories(scenario_dir);
        std::printf("\n%s: %s\n", s.name, s.what);
        std::fflush(stdout);
        auto got = s.run(c.options, scenario_dir);
        all.insert(all.end(), got.begin(), got.end());
      }
      runs.push_back(std::move(all));
    }
    print_summary(runs);
  } catch (const std::exception& e) {
    std::cerr << "e2e_bench: " << e.what() << "\n(logs kept in " << dir << ")\n";
    return 1;
  }
  if (!c.keep_logs)
    fs::remove_all(dir);
  return 0;
}
