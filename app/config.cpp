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
constexpr int64_t day = 24 * hour;

option_spec text(const char* section, const char* name, std::string settings::*field,
                 const char* help, std::vector<std::string> choices = {}) {
  return option_spec{section, name, field, help, 0, 0, std::move(choices), nullptr, false};
}

option_spec secret(const char* section, const char* name, std::string settings::*field,
                   const char* help, const char* env) {
  return option_spec{section, name, field, help, 0, 0, {}, env, true};
}

option_spec count(const char* section, const char* name, int64_t settings::*field, const char* help,
                  int64_t min, int64_t max) {
  return option_spec{section, name, field, help, min, max, {}, nullptr, false};
}

option_spec duration(const char* section, const char* name, caf::timespan settings::*field,
                     const char* help, int64_t min_ms, int64_t max_ms) {
  return option_spec{section, name, field, help, min_ms, max_ms, {}, nullptr, false};
}

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

const std::vector<option_spec>& option_specs() {
  using s = settings;
  static const std::vector<option_spec> specs{
      secret("telegram", "token", &s::telegram_token, "bot token (prefer env TELEGRAM_BOT_TOKEN)",
             "TELEGRAM_BOT_TOKEN"),
      text("telegram", "api-url", &s::telegram_api_url, "Bot API base URL (fakes, local server)"),
      // 0 would make getUpdates return at once, again and again: a busy loop.
      duration("telegram", "poll-timeout", &s::telegram_poll_timeout,
               "getUpdates long-poll timeout", second, 50 * second),
      text("telegram", "mode", &s::telegram_mode,
           "how updates arrive: getUpdates, or POSTed by Telegram to webhook.url",
           {"polling", "webhook"}),
      // Paid broadcasts cost Telegram Stars per message beyond the free 30/s.
      text("telegram", "paid-broadcast", &s::telegram_paid_broadcast,
           "on: goal alerts use allow_paid_broadcast, up to 1000 messages/s", {"on", "off"}),
      // One fixtures?live=all call per interval while anyone is subscribed.
      duration("alerts", "poll-interval", &s::alerts_poll_interval,
               "how often live fixtures are polled for goal alerts", 100, hour),
      text("webhook", "listen", &s::webhook_listen,
           "host:port the webhook server listens on (behind the TLS proxy)"),
      text("webhook", "path", &s::webhook_path, "the path Telegram POSTs to"),
      text("webhook", "url", &s::webhook_url,
           "the HTTPS URL given to setWebhook (the proxy's), webhook mode"),
      secret("webhook", "secret-token", &s::webhook_secret_token,
             "1-256 of A-Z a-z 0-9 _ - sent back by Telegram (prefer env WEBHOOK_SECRET_TOKEN)",
             "WEBHOOK_SECRET_TOKEN"),
      count("webhook", "max-body", &s::webhook_max_body, "bytes of a webhook body; beyond: 413",
            1024, int64_t{64} << 20),
      count("webhook", "max-connections", &s::webhook_max_connections,
            "setWebhook's max_connections: Telegram's requests at once", 1, 100),
      text("webhook", "allowed-networks", &s::webhook_allowed_networks,
           "CIDR list allowed to POST, e.g. Telegram's \"149.154.160.0/20, 91.108.4.0/22\" "
           "(\"\": any)"),
      text("football", "api-url", &s::football_api_url, "API-Football base URL"),
      secret("football", "api-key", &s::football_api_key,
             "API-Football key (prefer env API_FOOTBALL_KEY)", "API_FOOTBALL_KEY"),
      text("football", "timezone", &s::football_timezone, "time zone for dates shown and asked"),
      duration("football", "request-timeout", &s::football_request_timeout,
               "deadline of one upstream request", 100, 2 * minute),
      count("football", "retries", &s::football_retries, "retries for network errors, 499 and 5xx",
            0, 10),
      duration("football", "ttl-live", &s::football_ttl_live, "cache TTL of live fixtures", second,
               hour),
      duration("football", "ttl-stats", &s::football_ttl_stats,
               "cache TTL of statistics of a match in play", second, day),
      duration("football", "ttl-finished", &s::football_ttl_finished,
               "cache TTL of finished match data", minute, 30 * day),
      duration("football", "ttl-fixtures", &s::football_ttl_fixtures,
               "cache TTL of fixtures by date", second, day),
      // Sized for API-Football's per-minute plans (docs/operations.md): the
      // budget, not this cap, limits calls; a cap below it makes users wait in Phoenix.
      count("football", "max-connections", &s::football_max_connections,
            "connections to API-Football at once", 1, 4096),
      count("football", "max-held", &s::football_max_held,
            "calls waiting for the minute budget, beyond: \"busy\" (0: none wait)", 0, 100000),
      count("fetchers", "count", &s::fetchers_count, "API fetcher actors", 1, 64),
      count("net", "io-threads", &s::net_io_threads, "Asio threads of the Telegram HTTP client", 1,
            16),
      count("net", "max-connections-per-host", &s::net_max_connections_per_host,
            "keep-alive connections to Telegram", 1, 1024),
      secret("db", "uri", &s::db_uri, "PostgreSQL URI (prefer env DATABASE_URL)", "DATABASE_URL"),
      count("db", "pool-min", &s::db_pool_min, "connections opened at start", 0, 500),
      count("db", "pool-max", &s::db_pool_max, "most connections at once", 1, 500),
      duration("db", "acquire-timeout", &s::db_acquire_timeout,
               "longest wait for a free connection", 10, 5 * minute),
      count("db", "queue-max", &s::db_queue_max, "requests waiting for a connection", 0, 1000000),
      duration("db", "idle-timeout", &s::db_idle_timeout,
               "idle connections above pool-min close after", second, day),
      duration("db", "max-lifetime", &s::db_max_lifetime, "connections are recycled after", minute,
               7 * day),
      duration("db", "statement-timeout", &s::db_statement_timeout,
               "the server cancels a longer statement (lock waits included)", 100, hour),
      duration("db", "idle-in-transaction-timeout", &s::db_idle_in_transaction_timeout,
               "the server ends a transaction left idle longer", 100, hour),
      count("jobs", "max-running", &s::jobs_max_running, "jobs running at once", 1, 256),
      count("jobs", "queue-max", &s::jobs_queue_max, "jobs waiting to run", 0, 100000),
      duration("jobs", "timeout", &s::jobs_timeout, "a longer job is cancelled", second, day),
      duration("jobs", "ttl", &s::jobs_ttl, "finished jobs are reaped after", minute, 30 * day),
      duration("jobs", "reap-interval", &s::jobs_reap_interval, "period of the reap tick", second,
               day),
      count("jobs", "max-finished", &s::jobs_max_finished, "finished jobs kept in memory", 0,
            1000000),
      count("jobs", "keep-days", &s::jobs_keep_days,
            "finished jobs are deleted from the database after this many days", 1, 3650),
      count("alerts", "max-subscriptions", &s::alerts_max_subscriptions,
            "teams one chat may follow (/subscribe), 0: no cap", 0, 10000),
      duration("jobs", "claim-interval", &s::jobs_claim_interval,
               "period of the queue tick: renew leases, claim jobs, send results", 100, minute),
      duration("jobs", "lease", &s::jobs_lease,
               "a job whose lease was not renewed this long is run by another instance", second,
               hour),
      count("jobs", "max-attempts", &s::jobs_max_attempts,
            "claims of a job whose instances died, then it fails", 1, 100),
      text("cache", "path", &s::cache_path, "cache snapshot file"),
      duration("cache", "flush-interval", &s::cache_flush_interval, "period of the flush tick",
               second, day),
      count("cache", "max-entries", &s::cache_max_entries, "LRU eviction beyond this many entries",
            1, 100000000),
      count("cache", "max-bytes", &s::cache_max_bytes, "LRU eviction beyond this many bytes",
            int64_t{1} << 20, int64_t{1} << 40),
      duration("cache", "stale-for", &s::cache_stale_for,
               "expired entries kept to serve when the source fails (0s: none)", 0, 30 * day),
      count("cache", "decoded-entries", &s::cache_decoded_entries,
            "cached answers also kept decoded, so a hit is not parsed again (0: none)", 0, 1000000),
      count("limits", "global-per-second", &s::limits_global_per_second,
            "outgoing messages per second in all (0: off)", 0, 10000),
      count("limits", "chat-per-second", &s::limits_chat_per_second,
            "outgoing messages per second per chat (0: off)", 0, 1000),
      count("limits", "group-per-minute", &s::limits_group_per_minute,
            "outgoing messages per minute per group (0: off)", 0, 10000),
      // Telegram counts on arrival: sends a window apart may arrive closer by the jitter.
      duration("limits", "jitter-margin", &s::limits_jitter_margin,
               "added to each rate window (1 s, 60 s) for network jitter", 0, second),
      count("limits", "user-commands-per-minute", &s::limits_user_commands_per_minute,
            "commands per minute per user before flood control (0: off)", 0, 100000),
      count("limits", "user-upstream-per-minute", &s::limits_user_upstream_per_minute,
            "API-Football calls per minute per user; cache hits are free (0: off)", 0, 100000),
      count("handlers", "max-in-flight", &s::handlers_max_in_flight,
            "updates being handled at once (backpressure)", 1, 1000000),
      count("handlers", "max-queued-per-chat", &s::handlers_max_queued_per_chat,
            "updates queued per chat; the rest of a burst is confirmed unhandled (0: off)", 0,
            1000000),
      duration("handlers", "idle-timeout", &s::handlers_idle_timeout,
               "a conversation with no work left stops after this (0: at once)", 0, day),
      duration("handlers", "max-update-age", &s::handlers_max_update_age,
               "an update not answered by then is given up (counted as expired)", minute, day),
      duration("handlers", "inbox-wait", &s::handlers_inbox_wait,
               "new updates wait this long for the inbox of a database down at start", 0,
               10 * minute),
      duration("memory", "trim-interval", &s::memory_trim_interval,
               "free memory goes back to the system this often (malloc_trim; 0: off)", 0, hour),
      text("metrics", "listen", &s::metrics_listen,
           "host:port of /metrics and /healthz (\"\": off)"),
      // Instances on one database: only the holder of the bot's lock polls.
      text("ha", "leader-lock", &s::ha_leader_lock,
           "on: only the instance holding the bot's PostgreSQL lock polls; off: poll at once",
           {"on", "off"}),
      duration("ha", "lock-retry", &s::ha_lock_retry,
               "a standby's wait for the lock per try; the active one's lock check period", 100,
               second),
      duration("ha", "keepalive-idle", &s::ha_keepalive_idle,
               "lock connection: silence before TCP keepalive probes (both ends)", second,
               10 * minute),
      duration("ha", "keepalive-interval", &s::ha_keepalive_interval,
               "lock connection: time between keepalive probes", second, minute),
      count("ha", "keepalive-count", &s::ha_keepalive_count,
            "lock connection: unanswered probes before the peer counts as dead", 1, 100),
      text("log", "level", &s::log_level, "log level",
           {"trace", "debug", "info", "warn", "error", "critical", "off"}),
      text("log", "format", &s::log_format, "log line format", {"text", "json"}),
  };
  return specs;
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
