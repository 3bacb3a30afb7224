#include "app/caf_keys.hpp"

#include "app/config.hpp"

#include <algorithm>
#include <caf/atom.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/defaults.hpp>
#include <chrono>

namespace phoenix {

namespace {

using namespace std::chrono_literals;
using kind = caf_key_spec::kind;

// Poll attempts and steal intervals beyond this only make idle workers busier.
constexpr int64_t max_polls = 1000000;

caf_key_spec count(const char* key, int64_t min, int64_t max, const char* help, int64_t fallback) {
  return {key, kind::count, min, max, {}, {}, {}, help, caf::config_value{fallback}};
}

caf_key_spec duration(const char* key, caf::timespan min, caf::timespan max, const char* help,
                      caf::timespan fallback) {
  return {key, kind::duration, 0, 0, min, max, {}, help, caf::config_value{fallback}};
}

int64_t caf_count(size_t value) {
  return static_cast<int64_t>(value);
}

// 2000000 ns -> "2ms", 50000 ns -> "50us": the units CAF's parser reads.
std::string format_span(caf::timespan span) {
  using std::chrono::duration_cast;
  auto us = duration_cast<std::chrono::microseconds>(span).count();
  if (us == 0)
    return "0s";
  if (us % 1000000 == 0)
    return std::to_string(us / 1000000) + "s";
  if (us % 1000 == 0)
    return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

} // namespace

std::string shown_config_value(const caf::config_value& value) {
  if (auto span = caf::get_if<caf::timespan>(&value))
    return format_span(*span);
  return caf::to_string(value);
}

std::string caf_key_spec::allowed() const {
  switch (type) {
  case kind::count:
    return "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  case kind::duration:
    return "a duration from " + format_span(min_span) + " to " + format_span(max_span) +
           " (units: us, ms, s)";
  case kind::atom:
    break;
  }
  std::string list;
  for (auto& c : choices)
    list += (list.empty() ? "'" : ", '") + c + "'";
  return "one of " + list;
}

bool caf_key_spec::fits(const caf::config_value& value) const {
  switch (type) {
  case kind::count: {
    auto n = caf::get_if<int64_t>(&value);
    return n != nullptr && *n >= min && *n <= max;
  }
  case kind::duration: {
    auto span = caf::get_if<caf::timespan>(&value);
    return span != nullptr && *span >= min_span && *span <= max_span;
  }
  case kind::atom:
    break;
  }
  // The file writes atoms in single quotes, the command line bare (a string).
  std::string text;
  if (auto atom = caf::get_if<caf::atom_value>(&value))
    text = caf::to_string(*atom);
  else if (auto str = caf::get_if<std::string>(&value))
    text = *str;
  else
    return false;
  return std::find(choices.begin(), choices.end(), text) != choices.end();
}

const std::vector<caf_key_spec>& caf_key_specs() {
  namespace ws = caf::defaults::work_stealing;
  static const std::vector<caf_key_spec> specs{
      count("scheduler.max-threads", 1, 1024,
            "CAF worker threads (default: one per core, at least 2)", default_scheduler_threads()),
      caf_key_spec{"scheduler.policy",
                   kind::atom,
                   0,
                   0,
                   {},
                   {},
                   {"stealing", "sharing"},
                   "how idle workers find work",
                   caf::config_value{caf::defaults::scheduler::policy}},
      count("scheduler.max-throughput", 1, int64_t{1} << 40,
            "messages an actor handles before its worker runs the next actor",
            default_max_throughput),
      count("work-stealing.aggressive-poll-attempts", 0, max_polls,
            "an idle worker first polls this often without sleeping",
            caf_count(ws::aggressive_poll_attempts)),
      count("work-stealing.aggressive-steal-interval", 1, max_polls,
            "and steals from another worker every so many of those polls",
            caf_count(ws::aggressive_steal_interval)),
      count("work-stealing.moderate-poll-attempts", 0, max_polls,
            "then polls this often with moderate-sleep-duration between",
            default_moderate_poll_attempts),
      count("work-stealing.moderate-steal-interval", 1, max_polls,
            "and steals every so many of those polls", caf_count(ws::moderate_steal_interval)),
      duration("work-stealing.moderate-sleep-duration", 0us, 1s, "the sleep between those polls",
               ws::moderate_sleep_duration),
      count("work-stealing.relaxed-steal-interval", 1, max_polls,
            "then steals every so many relaxed waits", caf_count(ws::relaxed_steal_interval)),
      // An idle worker waits this long on its condition variable, again and again.
      duration("work-stealing.relaxed-sleep-duration", 1ms, 10s,
               "then waits this long for work, again and again",
               caf::timespan{default_relaxed_sleep}),
  };
  return specs;
}

const caf_key_spec* find_caf_key(const std::string& key) {
  auto& specs = caf_key_specs();
  auto pos = std::find_if(specs.begin(), specs.end(), [&](auto& s) { return s.key == key; });
  return pos == specs.end() ? nullptr : &*pos;
}

std::vector<std::string> check_caf_settings(const caf::settings& content) {
  std::vector<std::string> problems;
  for (auto& spec : caf_key_specs())
    if (auto value = caf::get_if(&content, spec.key); value != nullptr && !spec.fits(*value))
      problems.push_back(std::string{spec.key} + " = " + shown_config_value(*value) +
                         ": expected " + spec.allowed());
  return problems;
}

} // namespace phoenix
