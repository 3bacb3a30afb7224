// The fake API-Football's query-string and JSON helpers: request parameters,
// the v3 envelope, JSON text, a fixture item moved to a time zone. Included
// only through fake_api_football_samples.hpp.
#pragma once

#include "core/football/time_zone.hpp"
#include "tests/fakes/query_string.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phoenix::fakes::detail {

/// Query parameters in arrival order; a repeated name keeps its last value.
using query = std::vector<std::pair<std::string, std::string>>;

inline const std::string* find_param(const query& q, std::string_view name) {
  for (const auto& [key, value] : q) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

/// Splits "/path?a=1&b=2" into the path and the decoded parameters.
inline void parse_target(std::string_view target, std::string& path, query& q) {
  q.clear();
  for_each_form_pair(split_target(target, path), [&q](std::string key, std::string value) {
    for (auto& kv : q) {
      if (kv.first == key) {
        kv.second = std::move(value);
        return;
      }
    }
    q.emplace_back(std::move(key), std::move(value));
  });
}

/// A whole-string non-negative integer.
inline bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) {
    return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= 0;
}

/// "1-2-3" -> {1,2,3}; false when any part is not an integer.
inline bool parse_id_list(std::string_view s, std::vector<int64_t>& out) {
  out.clear();
  while (true) {
    const size_t dash = s.find('-');
    int64_t id = 0;
    if (!parse_int(s.substr(0, dash), id)) {
      return false;
    }
    out.push_back(id);
    if (dash == std::string_view::npos) {
      return true;
    }
    s = s.substr(dash + 1);
  }
}

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  json_writer writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

inline std::string json_string(std::string_view s) {
  rapidjson::StringBuffer buffer;
  json_writer writer(buffer);
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return {buffer.GetString(), buffer.GetSize()};
}

/// The `errors` member of a failed answer: {"field":"message"}.
inline std::string error_object(std::string_view field, std::string_view message) {
  return "{" + json_string(field) + ":" + json_string(message) + "}";
}

/// `parameters` echoes the query with string values, `[]` when empty.
inline std::string parameters_json(const query& q) {
  if (q.empty()) {
    return "[]";
  }
  std::string out = "{";
  for (const auto& [key, value] : q) {
    if (out.size() > 1) {
      out += ',';
    }
    out += json_string(key) + ":" + json_string(value);
  }
  return out + "}";
}

/// The JSON object in `path`; throws std::runtime_error naming the file and
/// what is wrong (unreadable, not JSON with the parser's offset, not an object).
inline rapidjson::Document parse_json_file(const std::string& path) {
  auto fail = [&path](const std::string& why) {
    return std::runtime_error("cannot use sample " + path + ": " + why);
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw fail("cannot open file");
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    throw fail(std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at offset " +
               std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) {
    throw fail("not a JSON object");
  }
  return doc;
}

/// The v3 envelope around a ready-made `response` (array or object).
inline std::string envelope(std::string_view get, const query& q, std::string_view errors,
                            size_t results, std::string_view response) {
  std::string out;
  out.reserve(response.size() + 200);
  out += "{\"get\":" + json_string(get) + ",\"parameters\":" + parameters_json(q);
  out += ",\"errors\":";
  out += errors;
  out += ",\"results\":" + std::to_string(results);
  out += ",\"paging\":{\"current\":1,\"total\":1},\"response\":";
  out += response;
  out += '}';
  return out;
}

/// Items joined into a JSON array.
template <class Strings> std::string json_array(const Strings& items) {
  size_t size = 2;
  for (const std::string& item : items) {
    size += item.size() + 1;
  }
  std::string out;
  out.reserve(size);
  out += '[';
  for (const std::string& item : items) {
    if (out.size() > 1) {
      out += ',';
    }
    out += item;
  }
  return out + ']';
}

/// `item`.object.name as an integer, 0 when absent or not one.
inline int64_t int_at(const rapidjson::Value& item, const char* object, const char* name) {
  auto o = item.FindMember(object);
  if (o == item.MemberEnd() || !o->value.IsObject()) {
    return 0;
  }
  auto v = o->value.FindMember(name);
  return v != o->value.MemberEnd() && v->value.IsInt64() ? v->value.GetInt64() : 0;
}

/// `item` with fixture.date shifted to `zone` and fixture.timezone set, as
/// API-Football answers a date query with timezone (UTC: as stored).
inline std::string in_zone(const std::string& item, const core::time_zone& zone) {
  if (zone.name() == "UTC") {
    return item;
  }
  rapidjson::Document doc;
  doc.Parse(item.data(), item.size());
  auto fixture = doc.IsObject() ? doc.FindMember("fixture") : doc.MemberEnd();
  if (doc.HasParseError() || fixture == doc.MemberEnd() || !fixture->value.IsObject()) {
    return item;
  }
  const int64_t at = int_at(doc, "fixture", "timestamp");
  const int offset = zone.offset_minutes_at(at);
  const std::time_t local = at + 60 * int64_t{offset};
  std::tm parts{};
  char text[40] = "";
  if (!gmtime_r(&local, &parts) || !std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts)) {
    return item;
  }
  const int a = offset < 0 ? -offset : offset;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 60, a % 60);
  auto& alloc = doc.GetAllocator();
  const std::string date = std::string(text) + suffix;
  fixture->value.RemoveMember("date");
  fixture->value.AddMember("date", rapidjson::Value(date.c_str(), alloc), alloc);
  fixture->value.RemoveMember("timezone");
  fixture->value.AddMember("timezone", rapidjson::Value(zone.name().c_str(), alloc), alloc);
  return to_json(doc);
}

} // namespace phoenix::fakes::detail
