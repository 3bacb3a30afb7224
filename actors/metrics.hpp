// The metrics actor: /metrics, /healthz and /readyz from the other actors'
// stats, asked by message on each request (never shared memory).
#pragma once

#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>

namespace phoenix {

struct metrics_config {
  telegram_poller_actor poller;
  dispatcher_actor dispatcher;
  telegram_sender_actor sender;
  football_actor football;
  cache_actor cache;
  db_pool_actor db;
  job_registry_actor jobs;
  telegram_webhook_actor webhook;                        ///< invalid unless telegram.mode = webhook
  live_alerts_actor live;                                ///< goal alerts (invalid: not asked)
  caf::timespan poll_timeout = std::chrono::seconds{30}; ///< telegram.poll-timeout
  caf::timespan stats_deadline = std::chrono::seconds{1}; ///< per actor and request
  caf::timespan ping_interval = std::chrono::seconds{5};  ///< database health ping
  std::string role = "off"; ///< until the leadership actor tells: "standby" with ha.leader-lock on
};

struct metrics_state {
  static inline const char* name = "metrics";
  metrics_config config;
  std::string logged_db_error; ///< the database error /healthz last put in the log
  std::string role = "off";    ///< leadership role, as the leadership actor last told
  int64_t epoch = 0;
};

metrics_actor::behavior_type metrics(metrics_actor::stateful_pointer<metrics_state> self,
                                     metrics_config config);

} // namespace phoenix
