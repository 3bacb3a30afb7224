#include "app/bot_system.hpp"

#include "actors/analysis_job.hpp"
#include "actors/api_fetcher.hpp"
#include "actors/cache.hpp"
#include "actors/db_pool.hpp"
#include "actors/dispatcher.hpp"
#include "actors/football.hpp"
#include "actors/inbox_listener.hpp"
#include "actors/job_registry.hpp"
#include "actors/leadership.hpp"
#include "actors/live_alerts.hpp"
#include "actors/memory_trimmer.hpp"
#include "actors/metrics.hpp"
#include "actors/network_edge.hpp"
#include "actors/telegram_poller.hpp"
#include "actors/telegram_sender.hpp"
#include "actors/telegram_webhook.hpp"
#include "app/lifecycle.hpp"

#include <caf/all.hpp>
#include <cstdio>
#include <random>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace phoenix {

namespace {

// How long shutdown waits for the cache to reach disk (and the poller to drain).
constexpr auto shutdown_deadline = std::chrono::seconds{20};

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url;
}

cache_config cache_config_of(const settings& values) {
  cache_config config;
  config.path = values.cache_path;
  config.flush_interval = values.cache_flush_interval;
  config.limits.max_entries = static_cast<size_t>(values.cache_max_entries);
  config.limits.max_bytes = static_cast<size_t>(values.cache_max_bytes);
  config.limits.stale_for = values.cache_stale_for;
  return config;
}

db_pool_config db_config_of(const settings& values) {
  if (values.db_uri.empty())
    spdlog::warn("db.uri is not set (DATABASE_URL): using libpq's defaults");
  db_pool_config config;
  config.uri = values.db_uri;
  config.pool_min = static_cast<size_t>(values.db_pool_min);
  config.pool_max = static_cast<size_t>(values.db_pool_max);
  config.acquire_timeout = values.db_acquire_timeout;
  config.queue_max = static_cast<size_t>(values.db_queue_max);
  config.bookkeeping_backlog = static_cast<size_t>(values.db_bookkeeping_backlog);
  config.idle_timeout = values.db_idle_timeout;
  config.max_lifetime = values.db_max_lifetime;
  config.statement_timeout = values.db_statement_timeout;
  config.idle_in_transaction_timeout = values.db_idle_in_transaction_timeout;
  config.retention.jobs_keep_days = values.jobs_keep_days;
  // An inbox row older than this is never handled any more (its reply expired).
  config.retention.inbox_max_age_s =
      std::chrono::duration_cast<std::chrono::seconds>(values.handlers_max_update_age).count();
  return config;
}

// Decoding a burst of API-Football answers on the football client's io thread
// yields the cores to the actors' workers (quick replies) and Telegram's client.
constexpr int football_io_nice = 10;
// Telegram's ceiling for paid broadcasts (allow_paid_broadcast, telegram.paid-broadcast).
constexpr int paid_broadcasts_per_second = 1000;

// The football front and its fetchers, sharing the football HTTP client.
football_actor spawn_football(caf::actor_system& sys, const settings& values, cache_actor cache,
                              football_edge_actor edge) {
  if (values.football_api_key.empty())
    spdlog::warn("football.api-key is not set (API_FOOTBALL_KEY): football data will fail");
  api_fetcher_config fetcher;
  fetcher.api_url = without_trailing_slash(values.football_api_url);
  fetcher.api_key = values.football_api_key;
  fetcher.request_timeout = values.football_request_timeout;
  fetcher.retries = static_cast<int>(values.football_retries);
  fetcher.ttl = {values.football_ttl_live, values.football_ttl_stats, values.football_ttl_finished,
                 values.football_ttl_fixtures};
  fetcher.edge = std::move(edge);
  std::vector<api_fetcher_actor> fetchers;
  for (int64_t i = 0; i < values.fetchers_count; ++i)
    fetchers.push_back(sys.spawn(api_fetcher, fetcher));
  football_config config;
  config.fetch_timeout = values.football_request_timeout + std::chrono::seconds{5};
  config.decoded_entries = static_cast<size_t>(values.cache_decoded_entries);
  config.max_held = static_cast<size_t>(values.football_max_held);
  config.user_upstream_per_minute = values.limits_user_upstream_per_minute;
  auto front = sys.spawn(football, std::move(cache), fetchers, config);
  for (auto& f : fetchers) // the fetchers live as long as the front
    front->attach_functor(
        [f](const caf::error&) { caf::anon_send_exit(f, caf::exit_reason::user_shutdown); });
  return front;
}

// The metrics actor and its HTTP server (metrics.listen; empty: off). A port
// that is taken costs the metrics, not the bot: one error line.
void start_metrics(caf::actor_system& sys, const settings& values, running_bot& bot) {
  if (values.metrics_listen.empty())
    return;
  metrics_config config;
  config.poller = bot.poller;
  config.dispatcher = bot.dispatcher;
  config.sender = bot.sender;
  config.football = bot.football;
  config.cache = bot.cache;
  config.db = bot.db;
  config.jobs = bot.jobs;
  config.webhook = bot.webhook;
  config.live = bot.live;
  config.poll_timeout = values.telegram_poll_timeout;
  if (values.ha_leader_lock == "on")
    config.role = "standby";
  bot.metrics = sys.spawn(metrics, config);
  bot.root->attach_functor(
      [actor = bot.metrics](const caf::error&) { // it lives as long as the root
        caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
      });
  try {
    bot.metrics_server = std::make_shared<core::metrics_server>(
        values.metrics_listen,
        [actor = bot.metrics](const std::string& target, core::metrics_server::responder respond) {
          caf::anon_send(actor, scrape_atom::value, metrics_request{target, std::move(respond)});
        });
    spdlog::info("metrics: http://{}:{}/metrics, /healthz, /readyz",
                 values.metrics_listen.substr(0, values.metrics_listen.rfind(':')),
                 bot.metrics_server->port());
  } catch (const std::exception& e) {
    spdlog::error("metrics: {}; /metrics and /healthz are off", e.what());
  }
}

// Memory freed after a crowd of chats goes back to the system (issue 18).
void start_memory_trimmer(caf::actor_system& sys, const settings& values, const running_bot& bot) {
  if (values.memory_trim_interval == caf::timespan::zero())
    return;
  memory_trimmer_config config;
  config.interval = values.memory_trim_interval;
  bot.root->attach_functor(
      [actor = sys.spawn(memory_trimmer, config)](const caf::error&) { // lives as long as the root
        caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
      });
}

bool leadership_on(const settings& values) {
  return values.ha_leader_lock == "on";
}

std::string this_instance() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0)
    host[0] = '\0';
  return std::string{host} + ":" + std::to_string(::getpid());
}

std::string random_suffix() {
  std::random_device device;
  char text[9];
  std::snprintf(text, sizeof text, "%08x", device());
  return text;
}

// Waits for the bot's lock on a connection of its own; the lifecycle starts
// the poller when it is held, and stops the instance when it is lost.
void start_leadership(caf::actor_system& sys, const settings& values, running_bot& bot) {
  leadership_config config;
  config.keepalive.idle =
      std::chrono::duration_cast<std::chrono::seconds>(values.ha_keepalive_idle);
  config.keepalive.interval =
      std::chrono::duration_cast<std::chrono::seconds>(values.ha_keepalive_interval);
  config.keepalive.count = static_cast<int>(values.ha_keepalive_count);
  config.conninfo = core::db::leader_conninfo(
      values.db_uri, config.keepalive,
      std::chrono::duration_cast<std::chrono::milliseconds>(values.db_statement_timeout));
  config.lock_retry = values.ha_lock_retry;
  config.bot_id = core::db::bot_id_of_token(values.telegram_token);
  config.holder = this_instance();
  config.lifecycle = bot.root;
  config.metrics = bot.metrics;
  auto leader = sys.spawn<caf::detached>(leadership, std::move(config));
  caf::anon_send(bot.root, manage_atom::value, leader);
}

// Goal alerts: only the active instance polls and sends them.
void start_live_alerts(caf::actor_system& sys, const settings& values, running_bot& bot) {
  live_alerts_config config;
  config.football = bot.football;
  config.db = bot.db;
  config.sender = bot.sender;
  config.poll_interval = values.alerts_poll_interval;
  config.paid_broadcast = values.telegram_paid_broadcast == "on";
  config.await_leadership = leadership_on(values);
  bot.live = sys.spawn(live_alerts, config);
  caf::anon_send(bot.root, manage_atom::value, bot.live);
  bot.root->attach_functor([actor = bot.live](const caf::error&) { // its tick keeps the system up
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  });
}

// Webhook mode: the intake actor and the server Telegram (through the TLS
// proxy) POSTs to. A port that is taken stops the bot: without it no update
// arrives at all.
void start_webhook(caf::actor_system& sys, const settings& values, running_bot& bot) {
  telegram_webhook_config config;
  config.bot_id = core::db::bot_id_of_token(values.telegram_token);
  config.db = bot.db;
  config.poller = bot.poller;
  config.active = !leadership_on(values);
  bot.webhook = sys.spawn(telegram_webhook, config);
  bot.root->attach_functor([actor = bot.webhook](const caf::error&) {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  });
  if (leadership_on(values)) {
    // Every instance accepts webhooks; standbys' commits wake the active one.
    caf::anon_send(bot.root, manage_atom::value, bot.webhook);
    inbox_listener_config listening;
    listening.conninfo = core::db::with_connection_defaults(values.db_uri, {});
    listening.bot_id = config.bot_id;
    listening.poller = bot.poller;
    auto listener = sys.spawn<caf::detached>(inbox_listener, std::move(listening));
    bot.root->attach_functor([listener](const caf::error&) {
      caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
    });
  }
  core::webhook_server_options options;
  options.listen = values.webhook_listen;
  options.path = values.webhook_path;
  options.secret_token = values.webhook_secret_token;
  options.max_body = static_cast<size_t>(values.webhook_max_body);
  options.allowed_networks = *core::parse_cidr_list(values.webhook_allowed_networks, nullptr);
  // Telegram opens at most max-connections; room for the proxy's own.
  options.max_connections = static_cast<size_t>(values.webhook_max_connections) * 2 + 16;
  try {
    bot.webhook_server = std::make_shared<core::webhook_server>(
        options,
        [actor = bot.webhook](std::string body, core::webhook_server::responder respond) {
          caf::anon_send(actor, tg_hook_atom::value, webhook_request{std::move(body), respond});
        },
        [actor = bot.webhook](const core::webhook_outcome& outcome) {
          caf::anon_send(actor, tg_hooked_atom::value, outcome);
        });
    spdlog::info("webhook: listening on {} (port {}), path {}", values.webhook_listen,
                 bot.webhook_server->port(), values.webhook_path);
  } catch (const std::exception& e) {
    spdlog::critical("webhook: {}", e.what());
    caf::anon_send(bot.root, fatal_atom::value, 2);
  }
}

} // namespace

running_bot start_bot(caf::actor_system& sys, const settings& values) {
  running_bot bot;
  bot.exit_code = std::make_shared<std::atomic<int>>(0);
  core::http_client_options telegram_net;
  telegram_net.io_threads = static_cast<size_t>(values.net_io_threads);
  telegram_net.max_connections_per_host = static_cast<size_t>(values.net_max_connections_per_host);
  telegram_net.thread_name = "telegram.io";
  bot.http = std::make_shared<core::http_client>(telegram_net);
  core::http_client_options football_net;
  football_net.max_connections_per_host = static_cast<size_t>(values.football_max_connections);
  football_net.io_nice = football_io_nice;
  football_net.thread_name = "football.io";
  bot.football_http = std::make_shared<core::http_client>(football_net);
  bot.db = sys.spawn(db_pool, db_config_of(values));
  bot.cache = spawn_cache(sys, cache_config_of(values));
  bot.football =
      spawn_football(sys, values, bot.cache, spawn_football_edge(sys, bot.football_http));
  auto telegram_edge = spawn_telegram_edge(sys, bot.http);

  auto telegram_url = without_trailing_slash(values.telegram_api_url);
  telegram_sender_config sender;
  sender.api_url = telegram_url;
  sender.token = values.telegram_token;
  sender.limits = {static_cast<int>(values.limits_global_per_second),
                   static_cast<int>(values.limits_chat_per_second),
                   static_cast<int>(values.limits_group_per_minute), values.limits_jitter_margin};
  sender.edge = telegram_edge;
  // As many calls in flight as the HTTP client keeps connections to Telegram,
  // but for the long poll's: a send never waits inside the client for one.
  sender.max_concurrent =
      static_cast<size_t>(std::max<int64_t>(1, values.net_max_connections_per_host - 1));
  sender.db = bot.db;
  sender.limits.paid_per_second = paid_broadcasts_per_second;
  bot.sender = sys.spawn(telegram_sender, sender);
  const bool leader_lock = leadership_on(values);

  job_registry_config jobs;
  jobs.limits = {static_cast<size_t>(values.jobs_max_running),
                 static_cast<size_t>(values.jobs_queue_max), values.jobs_ttl,
                 static_cast<size_t>(values.jobs_max_finished)};
  jobs.reap_interval = values.jobs_reap_interval;
  jobs.timeout = values.jobs_timeout;
  jobs.runners["analyze"] = analysis_runner(bot.football);
  jobs.db = bot.db;
  jobs.sender = bot.sender;
  jobs.instance = this_instance() + ":" + random_suffix(); // a restarted pid is another owner
  jobs.claim_interval = values.jobs_claim_interval;
  jobs.lease = values.jobs_lease;
  jobs.max_attempts = values.jobs_max_attempts;
  jobs.await_leadership = leader_lock; // only the active instance sends the results
  bot.jobs = sys.spawn(job_registry, jobs);

  auto conversations = std::make_shared<conversation_config>();
  conversations->timezone = values.football_timezone;
  std::string zone_error;
  if (auto zone = core::time_zone::load(values.football_timezone, &zone_error))
    conversations->zone = *zone;
  else // the configuration check refuses such a zone; a bot built by hand falls back
    spdlog::error("{}; dates use UTC", zone_error);
  conversations->commands_per_minute = static_cast<int>(values.limits_user_commands_per_minute);
  conversations->max_subscriptions = values.alerts_max_subscriptions;
  conversations->idle_timeout = values.handlers_idle_timeout;
  conversations->update_max_age = values.handlers_max_update_age;
  conversations->answer_timeout = values.football_request_timeout + std::chrono::seconds{10};
  conversations->football = bot.football;
  conversations->sender = bot.sender;
  conversations->db = bot.db;
  conversations->jobs = bot.jobs;
  bot.dispatcher = sys.spawn(dispatcher, conversations);

  lifecycle_parts parts;
  parts.workers = {caf::actor_cast<caf::actor>(bot.dispatcher),
                   caf::actor_cast<caf::actor>(bot.jobs), caf::actor_cast<caf::actor>(bot.sender),
                   caf::actor_cast<caf::actor>(bot.football)};
  parts.cache = bot.cache;
  parts.last = {caf::actor_cast<caf::actor>(bot.db)};
  parts.db = bot.db;
  parts.sender = caf::actor_cast<caf::actor>(bot.sender);
  parts.jobs = bot.jobs;
  bot.root = sys.spawn(lifecycle, parts, caf::timespan{shutdown_deadline}, bot.exit_code);

  telegram_poller_config poller;
  poller.api_url = telegram_url;
  poller.token = values.telegram_token;
  poller.poll_timeout = values.telegram_poll_timeout;
  poller.max_in_flight = static_cast<size_t>(values.handlers_max_in_flight);
  poller.max_queued_per_chat = static_cast<size_t>(values.handlers_max_queued_per_chat);
  poller.inbox_wait = values.handlers_inbox_wait;
  poller.edge = telegram_edge;
  poller.dispatcher = bot.dispatcher;
  poller.db = bot.db;
  poller.lifecycle = bot.root;
  // With the lock on, the poller waits for it: a standby never calls Telegram.
  poller.await_leadership = leader_lock;
  poller.leader_bot_id = core::db::bot_id_of_token(values.telegram_token);
  if (values.telegram_mode == "webhook")
    poller.webhook = webhook_registration{values.webhook_url, values.webhook_secret_token,
                                          static_cast<int>(values.webhook_max_connections)};
  bot.poller = sys.spawn(telegram_poller, poller);
  caf::anon_send(bot.root, manage_atom::value, bot.poller);
  if (poller.webhook)
    start_webhook(sys, values, bot);
  start_live_alerts(sys, values, bot);
  start_metrics(sys, values, bot);
  start_memory_trimmer(sys, values, bot);
  if (leader_lock)
    start_leadership(sys, values, bot);
  return bot;
}

} // namespace phoenix
