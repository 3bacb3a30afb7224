#include "core/football/football_envelope.hpp"

#include "core/football/football_decode.hpp"
#include "core/text/json_read.hpp"

#include <algorithm>
#include <rapidjson/error/en.h>
#include <utility>

namespace phoenix::core {
namespace {

using json = rapidjson::Value;
using namespace json_read;

// Keeps log lines bounded without cutting a UTF-8 sequence in half.
std::string clipped(std::string_view value, std::size_t limit = 300) {
  if (value.size() <= limit)
    return std::string(value);
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(value.substr(0, cut)) + "...";
}

bool same_ascii_word(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

football_error error_for_field(std::string_view name, const json& message) {
  static const std::pair<std::string_view, football_errc> known_fields[] = {
      {"token", football_errc::bad_key},
      {"rateLimit", football_errc::rate_limited},
      {"requests", football_errc::daily_quota},
      {"plan", football_errc::plan_restricted},
  };
  football_errc code = football_errc::bad_request; // required, league, page, id, ...
  for (const auto& [known, known_code] : known_fields)
    if (same_ascii_word(name, known))
      code = known_code;
  std::string api_text =
      message.IsString() ? text(message) : std::string("(") + json_type_name(message) + ")";
  std::string where = name.empty() ? "errors" : "errors." + clipped(name, 60);
  return make_football_error(code, where + ": " + clipped(api_text));
}

// The API reports failures as {field: text}; list and string forms are
// tolerated too, since any non-empty `errors` means failure.
std::optional<football_error> error_from_errors(const json& errors) {
  if (errors.IsObject() && errors.MemberCount() > 0) {
    const auto& member = *errors.MemberBegin();
    return error_for_field(std::string_view(member.name.GetString(), member.name.GetStringLength()),
                           member.value);
  }
  const json* first = nullptr;
  if (errors.IsArray() && !errors.Empty())
    first = &errors[0];
  else if (errors.IsString() && errors.GetStringLength() > 0)
    first = &errors;
  if (first == nullptr)
    return std::nullopt;
  if (first->IsObject() && first->MemberCount() > 0)
    return error_from_errors(*first);
  return error_for_field("", *first);
}

} // namespace

const char* json_type_name(const json& value) {
  // Indexed by rapidjson::Type: null, false, true, object, array, string, number.
  static const char* const names[] = {"null",     "a boolean", "a boolean", "an object",
                                      "an array", "a string",  "a number"};
  return names[value.GetType()];
}

football_error malformed_answer(std::string detail) {
  return make_football_error(football_errc::malformed, std::move(detail));
}

std::optional<football_error> parse_envelope(std::string_view body, rapidjson::Document& doc,
                                             response_shape wanted, const json*& response) {
  if (body.size() > max_football_body_bytes)
    return malformed_answer("body of " + std::to_string(body.size()) +
                            " bytes exceeds the size limit");
  if (!nesting_within(body, max_football_json_depth))
    return malformed_answer("body nests deeper than " + std::to_string(max_football_json_depth));
  doc.Parse<rapidjson::kParseDefaultFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return malformed_answer(
        std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at byte " +
        std::to_string(doc.GetErrorOffset()) + " of " + std::to_string(body.size()));
  }
  if (!doc.IsObject())
    return malformed_answer(std::string("top level is ") + json_type_name(doc) +
                            ", expected an object");
  if (auto api_error = error_from_errors(field(doc, "errors")))
    return api_error;
  const json& found = field(doc, "response");
  const bool shape_ok = (wanted != response_shape::object && found.IsArray()) ||
                        (wanted != response_shape::array && found.IsObject());
  if (!shape_ok) {
    return malformed_answer(std::string("response is ") + json_type_name(found) + ", expected " +
                            (wanted == response_shape::array    ? "an array"
                             : wanted == response_shape::object ? "an object"
                                                                : "an array or object"));
  }
  response = &found;
  return std::nullopt;
}

} // namespace phoenix::core
