#pragma once
// The envelope every API-Football answer comes in (CONTRACT.md in the shared
// samples): size and nesting limits, JSON, a non-empty `errors` member and
// the shape of `response`. The decoders of football_decode.cpp build on it.

#include "core/football/football_types.hpp"

#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace phoenix::core {

enum class response_shape { array, object, either };

/// "an object", "a string", ...: for error details.
const char* json_type_name(const rapidjson::Value& value);

/// A football_error of kind malformed with this detail.
football_error malformed_answer(std::string detail);

/// Parses `body` into `doc` and checks the envelope; on success `response`
/// points into `doc`, else the error says what was wrong (the API's own
/// `errors` classified: bad key, rate limited, daily quota, plan, request).
std::optional<football_error> parse_envelope(std::string_view body, rapidjson::Document& doc,
                                             response_shape wanted,
                                             const rapidjson::Value*& response);

} // namespace phoenix::core
