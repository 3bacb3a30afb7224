// One decoded API-Football answer, whatever the query, and the rules that turn
// an HTTP exchange into data or a typed error.
#pragma once

#include "core/football/football_query.hpp"
#include "core/football/football_types.hpp"
#include "core/http/http_client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace phoenix::core {

using football_payload = std::variant<std::vector<fixture>, std::vector<team_statistics>,
                                      std::vector<event>, std::vector<prediction>, api_status,
                                      std::vector<team_info>, std::vector<standing_row>>;

/// Decodes `body` with the decoder that fits the query's kind.
decoded<football_payload> decode_payload(query_kind kind, std::string_view body);

/// What the cache keeps of a good answer's body: for fixture queries each
/// fixture without "lineups" and "players", which no decoder reads (they are
/// about 80% of a /fixtures?id= answer, and a cache hit parses the body again);
/// any other body, or one that does not parse, as it is.
std::string cacheable_body(query_kind kind, std::string body);

/// Whether every fixture in the payload is finished / any is in play (for TTLs).
bool all_finished(const football_payload& payload);
bool any_live(const football_payload& payload);

/// How an exchange with API-Football ended.
struct upstream_outcome {
  std::optional<football_payload> data;
  football_error error;
  bool retryable = false; ///< network errors, timeouts, 499 and 5xx
  std::optional<int64_t> day_remaining;
  std::optional<int64_t> minute_remaining;
};

/// Classifies an HTTP result: transport errors, HTTP statuses (403, 429, 499,
/// 5xx...), the errors envelope and malformed JSON become typed errors.
upstream_outcome classify_upstream(query_kind kind, const http_result& result);

/// The user sentence for errors that do not come from the API's envelope.
football_error transport_error(football_errc code, std::string detail);

} // namespace phoenix::core
