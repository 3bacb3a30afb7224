// Wiring: every actor of a running Phoenix, spawned from the settings in
// dependency order. main uses it, and so do the end-to-end tests.
#pragma once

#include "app/config.hpp"
#include "core/http/http_client.hpp"
#include "core/http/metrics_server.hpp"
#include "core/http/webhook_server.hpp"
#include "messages/actors.hpp"

#include <atomic>
#include <caf/fwd.hpp>
#include <memory>

namespace phoenix {

struct running_bot {
  std::shared_ptr<core::http_client> http; ///< Telegram's calls (poller, sender)
  /// API-Football's calls, on an io thread of their own that also decodes the
  /// answers, at a lower priority: a burst of answers gives way to quick replies.
  std::shared_ptr<core::http_client> football_http;
  db_pool_actor db;
  cache_actor cache;
  football_actor football;
  telegram_sender_actor sender;
  job_registry_actor jobs;
  dispatcher_actor dispatcher;
  telegram_poller_actor poller;
  lifecycle_actor root;           ///< send it shutdown_atom to stop everything in order
  metrics_actor metrics;          ///< invalid when metrics.listen is empty
  telegram_webhook_actor webhook; ///< invalid unless telegram.mode = webhook
  live_alerts_actor live;         ///< goal alerts (polls only on the active instance)
  /// The webhook server; null unless telegram.mode = webhook. Destroy it after the actor system.
  std::shared_ptr<core::webhook_server> webhook_server;
  /// /metrics, /healthz, /readyz; null when off. Destroy it after the actor system.
  std::shared_ptr<core::metrics_server> metrics_server;
  std::shared_ptr<std::atomic<int>> exit_code; ///< set by fatal errors (e.g. 3: token rejected)
};

/// Spawns every actor. Blocking start-up work (the cache snapshot load) runs
/// in the calling thread.
running_bot start_bot(caf::actor_system& sys, const settings& values);

} // namespace phoenix
