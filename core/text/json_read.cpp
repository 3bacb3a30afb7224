#include "core/text/json_read.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace phoenix::core::json_read {

const json& field(const json& object, const char* name) {
  static const json missing;
  if (!object.IsObject())
    return missing;
  auto found = object.FindMember(name);
  return found == object.MemberEnd() ? missing : found->value;
}

std::string text(const json& value) {
  return value.IsString() ? std::string(value.GetString(), value.GetStringLength()) : std::string();
}

int64_t int64_or_zero(const json& value) {
  return value.IsInt64() ? value.GetInt64() : 0;
}

std::optional<int> optional_int(const json& value) {
  return value.IsInt() ? std::optional<int>(value.GetInt()) : std::nullopt;
}

std::optional<bool> optional_bool(const json& value) {
  return value.IsBool() ? std::optional<bool>(value.GetBool()) : std::nullopt;
}

static std::string format_number(double number) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

// Strings and numbers both shown as text; predictions send "-2.5" but may
// just as well send -2.5.
std::string display_text(const json& value) {
  if (value.IsInt64())
    return std::to_string(value.GetInt64());
  return value.IsNumber() ? format_number(value.GetDouble()) : text(value);
}

// from_chars, unlike strtod, ignores the process locale.
std::optional<double> parse_number(std::string_view digits) {
  if (digits.empty())
    return std::nullopt;
  double number = 0;
  const char* end = digits.data() + digits.size();
  auto [stop, ec] = std::from_chars(digits.data(), end, number);
  if (ec != std::errc() || stop != end || !std::isfinite(number))
    return std::nullopt;
  return number;
}

bool nesting_within(std::string_view body, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if ((c == '[' || c == '{') && ++depth > max_depth) {
      return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

} // namespace phoenix::core::json_read
