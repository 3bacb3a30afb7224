// An API fetcher: turns football queries into API-Football requests over the
// shared HTTP client, retries what is worth retrying, and decodes answers.
#pragma once

#include "core/football/football_query.hpp"
#include "core/http/http_client.hpp"
#include "messages/actors.hpp"

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>

namespace phoenix {

struct api_fetcher_config {
  std::string api_url = "https://v3.football.api-sports.io"; ///< no trailing slash
  std::string api_key;
  /// One call's deadline, all attempts and backoffs included.
  caf::timespan request_timeout = std::chrono::seconds{10};
  int retries = 3;
  core::ttl_policy ttl;
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_cap{5000};
  football_edge_actor edge; ///< API-Football over HTTP
};

/// One call in progress.
struct fetch_call {
  core::football_query query;
  caf::typed_response_promise<fetch_result> promise;
  caf::actor_clock::time_point deadline;
  uint32_t attempts = 0;
};

struct api_fetcher_state {
  static inline const char* name = "api_fetcher";
  api_fetcher_config config;
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, fetch_call> calls;
  std::minstd_rand random{std::random_device{}()};
};

api_fetcher_actor::behavior_type
api_fetcher(api_fetcher_actor::stateful_pointer<api_fetcher_state> self, api_fetcher_config config);

} // namespace phoenix
