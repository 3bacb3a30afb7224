// Phoenix's configuration: every key of DESIGN.md with its default and help,
// read from INI (--config-file), the command line and the environment, and
// validated before anything starts.
#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/config_option.hpp>
#include <caf/timespan.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace phoenix {

using namespace std::chrono_literals;

/// The effective values of every Phoenix key (defaults as in DESIGN.md).
struct settings {
  std::string telegram_token;
  std::string telegram_api_url = "https://api.telegram.org";
  caf::timespan telegram_poll_timeout = 30s;
  std::string telegram_mode = "polling";
  std::string telegram_paid_broadcast = "off";

  caf::timespan alerts_poll_interval = 60s;

  std::string webhook_listen = "127.0.0.1:8081";
  std::string webhook_path = "/telegram-webhook";
  std::string webhook_url;
  std::string webhook_secret_token;
  int64_t webhook_max_body = 1 << 20;
  int64_t webhook_max_connections = 40;
  std::string webhook_allowed_networks;

  std::string football_api_url = "https://v3.football.api-sports.io";
  std::string football_api_key;
  std::string football_timezone = "UTC";
  caf::timespan football_request_timeout = 10s;
  int64_t football_retries = 3;
  caf::timespan football_ttl_live = 15s;
  caf::timespan football_ttl_stats = 60s;
  caf::timespan football_ttl_finished = 24h;
  caf::timespan football_ttl_fixtures = 10min;
  int64_t football_max_connections = 256;
  int64_t football_max_held = 100;

  int64_t fetchers_count = 4;
  int64_t net_io_threads = 1;
  int64_t net_max_connections_per_host = 32;

  std::string db_uri;
  int64_t db_pool_min = 1;
  int64_t db_pool_max = 10;
  caf::timespan db_acquire_timeout = 5s;
  int64_t db_queue_max = 1000;
  int64_t db_bookkeeping_backlog = 10000;
  caf::timespan db_idle_timeout = 5min;
  caf::timespan db_max_lifetime = 1h;
  caf::timespan db_statement_timeout = 10s;
  caf::timespan db_idle_in_transaction_timeout = 5s;

  int64_t jobs_max_running = 4;
  int64_t jobs_queue_max = 100;
  caf::timespan jobs_timeout = 2min;
  caf::timespan jobs_ttl = 24h;
  caf::timespan jobs_reap_interval = 10min;
  int64_t jobs_max_finished = 1000;
  int64_t jobs_keep_days = 30;

  int64_t alerts_max_subscriptions = 20;
  caf::timespan jobs_claim_interval = 1s;
  caf::timespan jobs_lease = 30s;
  int64_t jobs_max_attempts = 3;

  std::string cache_path = "var/cache.snapshot";
  caf::timespan cache_flush_interval = 5min;
  int64_t cache_max_entries = 100000;
  int64_t cache_max_bytes = 64 << 20;
  caf::timespan cache_stale_for = 24h;
  int64_t cache_decoded_entries = 256;

  int64_t limits_global_per_second = 30;
  int64_t limits_chat_per_second = 1;
  int64_t limits_group_per_minute = 20;
  caf::timespan limits_jitter_margin = 100ms;
  int64_t limits_user_commands_per_minute = 20;
  int64_t limits_user_upstream_per_minute = 10;

  int64_t handlers_max_in_flight = 1000;
  int64_t handlers_max_queued_per_chat = 30;
  caf::timespan handlers_idle_timeout = 0s;
  caf::timespan handlers_max_update_age = 1h;
  caf::timespan handlers_inbox_wait = 10s;

  std::string metrics_listen = "127.0.0.1:9464";

  caf::timespan memory_trim_interval = 10s;
  std::string memory_thread_cache = "off";

  std::string ha_leader_lock = "on";
  caf::timespan ha_lock_retry = 1s;
  caf::timespan ha_keepalive_idle = 2s;
  caf::timespan ha_keepalive_interval = 1s;
  int64_t ha_keepalive_count = 3;

  std::string log_level = "info";
  std::string log_format = "text";
};

/// One configuration key: where it lives, what it holds, what is allowed.
struct option_spec {
  using member =
      std::variant<std::string settings::*, caf::timespan settings::*, int64_t settings::*>;
  const char* section;
  const char* name;
  member field;
  const char* help;
  int64_t min = 0;                  ///< counts: the value; durations: milliseconds
  int64_t max = 0;                  ///< same unit as min
  std::vector<std::string> choices; ///< text: allowed values (empty: any)
  const char* env = nullptr;        ///< environment variable supplying it
  bool secret = false;              ///< never printed or logged

  std::string key() const { return std::string{section} + "." + name; }
  /// "a whole number from 1 to 100", "a duration from 1s to 24h", ...
  std::string allowed() const;
};

/// Every Phoenix key, in the order of configs/phoenix.ini.
const std::vector<option_spec>& option_specs();

/// scheduler.max-threads when the configuration does not set it: one per
/// core, at least 2 (CAF 0.17's own default is max(cores, 4)).
int64_t default_scheduler_threads();

/// Messages an actor handles before its worker runs the next actor (CAF: no limit).
constexpr int64_t default_max_throughput = 4;

/// CAF work-stealing settings Phoenix ships unless configured (CAF: 500, 10 ms).
constexpr int64_t default_moderate_poll_attempts = 50;
constexpr std::chrono::milliseconds default_relaxed_sleep{2};

/// The actor system configuration with Phoenix's keys registered.
class phoenix_config : public caf::actor_system_config {
public:
  phoenix_config();

  /// The option CAF reads by this long name ("db.pool-max", "long-help"), or nullptr.
  const caf::config_option* find_option(std::string_view long_name) const {
    return custom_options_.cli_long_name_lookup(long_name);
  }

  settings values;
};

/// Reads an environment variable (injectable for tests).
using env_lookup = std::function<std::optional<std::string>(const char* name)>;
env_lookup process_env();

/// The result of loading the configuration.
struct config_outcome {
  int exit_code = 0; ///< 0: start; otherwise exit with it (2: bad config)
  bool help_printed = false;
  std::vector<std::string> problems; ///< one line each: key, value, what is allowed
};

/// Checks the INI file named by --config-file, parses args, fills secrets
/// from the environment and validates the result. `args` excludes argv[0].
config_outcome load_config(phoenix_config& cfg, std::vector<std::string> args,
                           const env_lookup& env);

/// Problems of the effective values (ranges, choices, cross-key rules).
std::vector<std::string> validate(const settings& values);

/// A value as Phoenix prints it: text in double quotes, durations as "30s",
/// secrets as <set> or <unset>.
std::string shown_setting(const settings& values, const option_spec& spec);

/// "host:port" with a port from 1 to 65535, or empty.
bool is_listen_address(const std::string& text);

/// Problems of the webhook keys (telegram.mode = webhook needs them).
std::vector<std::string> validate_webhook(const settings& values);

/// The effective configuration as "key = value" lines, secrets masked.
std::vector<std::string> describe(const settings& values);

} // namespace phoenix
