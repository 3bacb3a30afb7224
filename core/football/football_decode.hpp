// Decoders for API-Football v3 answers. They never throw: anything that is not
// the documented shape becomes a football_error (see CONTRACT.md in the shared
// samples folder for the behaviour they follow).
#pragma once

#include "core/football/football_types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

// Bodies above this size are refused as malformed instead of parsed; the
// biggest real answer (all fixtures of one day) is a few MB.
inline constexpr std::size_t max_football_body_bytes = 64u * 1024u * 1024u;

// Deeper JSON is refused before parsing: the parser recurses once per level.
inline constexpr std::size_t max_football_json_depth = 64;

/// Checks the envelope only: nullopt when `body` is a JSON object with empty
/// `errors` and an array or object `response`; otherwise the typed error
/// (errors.token/rateLimit/requests/plan/other field, or malformed).
std::optional<football_error> decode_envelope_error(std::string_view body);

/// /fixtures (date, live, id, ids) and /fixtures/headtohead.
decoded<std::vector<fixture>> decode_fixtures(std::string_view body);

/// /fixtures/statistics: one entry per team.
decoded<std::vector<team_statistics>> decode_statistics(std::string_view body);

/// /fixtures/events.
decoded<std::vector<event>> decode_events(std::string_view body);

/// /predictions.
decoded<std::vector<prediction>> decode_predictions(std::string_view body);

/// /teams (item.team of each entry).
decoded<std::vector<team_info>> decode_teams(std::string_view body);

/// /standings: every group's rows, in the API's order.
decoded<std::vector<standing_row>> decode_standings(std::string_view body);

/// /status (its `response` is an object).
decoded<api_status> decode_status(std::string_view body);

} // namespace phoenix::core
