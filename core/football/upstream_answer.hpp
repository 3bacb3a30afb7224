// An API-Football exchange read completely where it arrives: classified,
// decoded, checked against the query and trimmed for the cache. The API
// fetcher runs this on the football HTTP client's io thread, so a burst of
// answers (each 30-50 KB of JSON) is parsed off the actors' workers and a
// quick command asked meanwhile does not wait behind it.
#pragma once

#include "core/football/football_payload.hpp"
#include "core/football/football_query.hpp"
#include "core/http/http_client.hpp"

#include <string>

namespace phoenix::core {

struct upstream_answer {
  upstream_outcome outcome;
  std::string cache_body;    ///< with outcome.data: what the cache keeps
  bool all_finished = false; ///< with outcome.data: for the TTL
  bool any_live = false;
};

/// What `result` means for `query`: data (checked to be about the query) and
/// the body to cache, or a typed error that says whether a retry may help.
upstream_answer read_upstream_answer(const football_query& query, http_result result);

} // namespace phoenix::core
