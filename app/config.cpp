#include "app/config.hpp"

#include "app/caf_keys.hpp"
#include "app/config_check.hpp"
#include "app/config_help.hpp"
#include "core/football/time_zone.hpp"
#include "messages/type_ids.hpp"

#include <algorithm>
#include <caf/config_option_set.hpp>
#include <caf/deep_to_string.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>

namespace phoenix {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr int64_t second = 1000;
constexpr int64_t minute = 60 * second;
constexpr int64_t hour = 60 * minute;

// 30000 -> "30s", 600000 -> "10min": the units CAF's INI parser reads (no days).
std::string format_ms(int64_t ms) {
  struct unit {
    int64_t size;
    const char* suffix;
  };
  for (auto u : {unit{hour, "h"}, unit{minute, "min"}, unit{second, "s"}})
    if (ms != 0 && ms % u.size == 0)
      return std::to_string(ms / u.size) + u.suffix;
  return std::to_string(ms) + "ms";
}

std::string format_duration(caf::timespan d) {
  return format_ms(duration_cast<milliseconds>(d).count());
}

bool is_http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::string problem(const option_spec& spec, const std::string& value, const std::string& rule) {
  return spec.key() + " = " + value + ": " + rule;
}

} // namespace

bool is_listen_address(const std::string& text) {
  if (text.empty())
    return true;
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return false;
  auto port = text.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      port.size() > 5)
    return false;
  auto n = std::stoi(port);
  return n >= 1 && n <= 65535;
}

std::string shown_setting(const settings& values, const option_spec& spec) {
  return std::visit(
      [&](auto field) -> std::string {
        const auto& value = values.*field;
        using value_type = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<value_type, std::string>)
          return spec.secret ? (value.empty() ? "<unset>" : "<set>") : '"' + value + '"';
        else if constexpr (std::is_same_v<value_type, caf::timespan>)
          return format_duration(value);
        else
          return std::to_string(value);
      },
      spec.field);
}

std::string option_spec::allowed() const {
  return std::visit(
      [&](auto field) -> std::string {
        using value_type = std::decay_t<decltype(std::declval<settings>().*field)>;
        if constexpr (std::is_same_v<value_type, caf::timespan>)
          return "a duration from " + format_ms(min) + " to " + format_ms(max) +
                 " (units: ms, s, min, h)";
        else if constexpr (std::is_same_v<value_type, int64_t>)
          return "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
        else if (!choices.empty()) {
          std::string list;
          for (auto& c : choices)
            list += (list.empty() ? "\"" : ", \"") + c + "\"";
          return "one of " + list;
        } else
          return "a string in double quotes";
      },
      field);
}

int64_t default_scheduler_threads() {
  return std::max<int64_t>(2, std::thread::hardware_concurrency());
}

phoenix_config::phoenix_config() {
  add_message_types<caf::id_block::phoenix_messages>();
  // CAF keeps views of the help texts: they live as long as the program.
  static const std::vector<std::string> help_texts = [] {
    std::vector<std::string> texts;
    settings defaults;
    for (auto& spec : option_specs())
      texts.push_back(std::string{spec.help} +
                      (spec.secret ? "" : " [default " + shown_setting(defaults, spec) + "]"));
    return texts;
  }();
  auto help = help_texts.begin();
  for (auto& spec : option_specs()) {
    std::visit(
        [&](auto field) { custom_options_.add(values.*field, spec.section, spec.name, *help); },
        spec.field);
    ++help;
  }
}

env_lookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    if (auto value = std::getenv(name); value != nullptr && *value != '\0')
      return std::string{value};
    return std::nullopt;
  };
}

std::vector<std::string> validate(const settings& values) {
  std::vector<std::string> problems;
  for (auto& spec : option_specs()) {
    std::visit(
        [&](auto field) {
          const auto& value = values.*field;
          using value_type = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<value_type, caf::timespan>) {
            auto ms = duration_cast<milliseconds>(value).count();
            if (ms < spec.min || ms > spec.max)
              problems.push_back(problem(spec, format_duration(value), spec.allowed()));
          } else if constexpr (std::is_same_v<value_type, int64_t>) {
            if (value < spec.min || value > spec.max)
              problems.push_back(problem(spec, std::to_string(value), spec.allowed()));
          } else if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(),
                                                        value) == spec.choices.end()) {
            problems.push_back(problem(spec, '"' + value + '"', spec.allowed()));
          }
        },
        spec.field);
  }
  auto spec_of = [](const char* key) -> const option_spec& {
    auto& specs = option_specs();
    return *std::find_if(specs.begin(), specs.end(), [&](auto& s) { return s.key() == key; });
  };
  if (values.telegram_token.empty())
    problems.push_back("telegram.token is missing: set TELEGRAM_BOT_TOKEN (or telegram.token)");
  for (auto* key : {"telegram.api-url", "football.api-url"}) {
    auto& spec = spec_of(key);
    auto& url = values.*std::get<std::string settings::*>(spec.field);
    if (!is_http_url(url))
      problems.push_back(problem(spec, '"' + url + '"', "a URL starting with http:// or https://"));
  }
  if (values.db_pool_min > values.db_pool_max)
    problems.push_back("db.pool-min = " + std::to_string(values.db_pool_min) +
                       ": must not exceed db.pool-max = " + std::to_string(values.db_pool_max));
  if (values.jobs_lease < 3 * values.jobs_claim_interval) // renewed every claim-interval
    problems.push_back("jobs.lease = " + format_duration(values.jobs_lease) +
                       ": must be at least 3 times jobs.claim-interval = " +
                       format_duration(values.jobs_claim_interval));
  if (!is_listen_address(values.metrics_listen))
    problems.push_back(problem(spec_of("metrics.listen"), '"' + values.metrics_listen + '"',
                               "host:port with a port from 1 to 65535, or \"\" to disable"));
  if (values.cache_path.empty())
    problems.push_back(problem(spec_of("cache.path"), "\"\"", "a file path"));
  for (auto& p : validate_webhook(values))
    problems.push_back(std::move(p));
  std::string zone_error;
  if (values.football_timezone.empty())
    problems.push_back(problem(spec_of("football.timezone"), "\"\"", "a time zone such as UTC"));
  else if (!core::time_zone::load(values.football_timezone, &zone_error))
    problems.push_back(
        problem(spec_of("football.timezone"), '"' + values.football_timezone + '"',
                "an IANA time zone such as UTC or Europe/Berlin (" + zone_error + ")"));
  return problems;
}

std::vector<std::string> describe(const settings& values) {
  std::vector<std::string> lines;
  for (auto& spec : option_specs())
    lines.push_back(spec.key() + " = " + shown_setting(values, spec));
  return lines;
}

config_outcome load_config(phoenix_config& cfg, std::vector<std::string> args,
                           const env_lookup& env) {
  config_outcome result;
  auto fail = [&](std::vector<std::string> problems) {
    result.problems = without_secrets(std::move(problems), args, cfg.values, env);
    result.exit_code = 2;
    return result;
  };
  if (std::any_of(args.begin(), args.end(), is_help_flag)) {
    std::cout << help_text();
    result.help_printed = true;
    return result;
  }
  // Every problem of the file and the command line at once, not one per start.
  std::vector<std::string> problems;
  auto add = [&problems](std::vector<std::string> more) {
    problems.insert(problems.end(), more.begin(), more.end());
  };
  constexpr std::string_view file_flag = "--config-file=";
  for (auto& arg : args)
    if (arg.rfind(file_flag, 0) == 0)
      add(check_config_file(arg.substr(file_flag.size())));
  add(check_command_line(args));
  add(check_unknown_options(cfg, args));
  if (!problems.empty())
    return fail(std::move(problems));
  // CAF's own --dump-config would print secrets from the file in clear text:
  // Phoenix prints the checked settings itself, secrets as <set>/<unset>.
  auto dump = std::find(args.begin(), args.end(), "--dump-config");
  bool dump_asked = dump != args.end();
  if (dump_asked)
    args.erase(dump);
  if (auto err = cfg.parse(args))
    return fail({"command line: " + describe_command_line_error(err)});
  if (cfg.cli_helptext_printed) {
    result.help_printed = true;
    return result;
  }
  if (!cfg.remainder.empty())
    return fail({"command line: unexpected argument \"" + cfg.remainder.front() +
                 "\" (options are --section.key=value)"});
  for (auto& spec : option_specs()) {
    if (spec.env == nullptr)
      continue;
    auto& value = cfg.values.*std::get<std::string settings::*>(spec.field);
    if (value.empty())
      if (auto from_env = env(spec.env))
        value = *from_env;
  }
  if (auto problems = validate(cfg.values); !problems.empty())
    return fail(std::move(problems));
  // caf-application.ini is read without Phoenix's file check: its CAF keys are checked here.
  if (auto problems = check_caf_settings(cfg.content); !problems.empty())
    return fail(std::move(problems));
  // CAF 0.17 runs max(cores, 4) scheduler threads: on 2 cores the extra two
  // cost about a quarter of the CPU per reply in context switches
  // (docs/benchmarks.md). One per core, at least 2, unless configured.
  caf::put_missing(cfg.content, "scheduler.max-threads", default_scheduler_threads());
  // CAF's idle workers poll with 50 us sleeps for 500 rounds before they wait
  // on a condition variable: 65% of an idle-ish bot's CPU. 50 rounds, then
  // 2 ms waits (a worker also steals queued work only when it wakes) cut that
  // CPU by two thirds and kept /help fast (docs/benchmarks.md).
  // CAF lets an actor handle its whole mailbox before the worker moves on: a
  // fetcher with 30 fresh answers to decode held a core for tens of ms while
  // a /help waited. 4 messages, then the next actor (docs/benchmarks.md).
  caf::put_missing(cfg.content, "scheduler.max-throughput", default_max_throughput);
  caf::put_missing(cfg.content, "work-stealing.moderate-poll-attempts",
                   default_moderate_poll_attempts);
  caf::put_missing(cfg.content, "work-stealing.relaxed-sleep-duration",
                   caf::timespan{default_relaxed_sleep});
  if (dump_asked) {
    for (auto& line : describe(cfg.values))
      std::cout << line << '\n';
    result.help_printed = true;
  }
  return result;
}

} // namespace phoenix
