// What one scrape collected from the actors, and its Prometheus text. An
// actor that did not answer in time leaves its part empty.
#pragma once

#include "messages/actors.hpp"

#include <optional>
#include <string>

namespace phoenix {

struct metrics_snapshot {
  std::optional<poller_stats> poller;
  std::optional<dispatcher_stats> dispatcher;
  std::optional<sender_stats> sender;
  std::optional<football_stats> football;
  std::optional<cache_stats> cache;
  std::optional<db_stats> db;
  std::optional<job_stats> jobs;
  /// Leadership: "active", "standby", "lost" (or "off": ha.leader-lock off) and the epoch.
  std::string role = "off";
  int64_t epoch = 0;
  std::optional<webhook_stats> webhook; ///< webhook mode only
  std::optional<live_stats> live;
  uint64_t resident_bytes = 0;
  uint64_t open_fds = 0;
};

/// The whole /metrics page (exposition format 0.0.4).
std::string render_metrics(const metrics_snapshot& snapshot);

} // namespace phoenix
