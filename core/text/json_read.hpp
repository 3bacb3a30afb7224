// Tolerant reads of RapidJSON values: API-Football sends nulls anywhere and
// mixes ints, "55%" strings and numeric strings, so every read checks the type
// and falls back to a default instead of asserting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace phoenix::core::json_read {

using json = rapidjson::Value;

/// Missing or mistyped members read as null, so lookups can be chained.
const json& field(const json& object, const char* name);
std::string text(const json& value);
int64_t int64_or_zero(const json& value);
std::optional<int> optional_int(const json& value);
std::optional<bool> optional_bool(const json& value);
/// Strings and numbers both shown as text.
std::string display_text(const json& value);
/// A number from text; ignores the process locale.
std::optional<double> parse_number(std::string_view digits);
/// False when `body` opens more than `max_depth` arrays/objects at once
/// (brackets inside strings skipped). Checked before parsing: RapidJSON
/// recurses once per level, so a hostile body nested a million deep would
/// overflow the stack.
bool nesting_within(std::string_view body, std::size_t max_depth);

} // namespace phoenix::core::json_read
