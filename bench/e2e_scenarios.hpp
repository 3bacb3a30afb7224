// The end-to-end benchmark's scenarios (see e2e_bench.cpp): each starts its
// own system under test, prints its figures and returns the headline ones.
#pragma once

#include "bench/e2e_system.hpp"

#include <string>
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

/// kill: SIGKILL to the bot while sends are in flight, then a new bot
/// (e2e_kill_scenario.cpp).
figures kill_and_restart(const bench_options& options, const std::string& dir);

} // namespace phoenix::bench
