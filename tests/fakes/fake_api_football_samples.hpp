// The fake's data: the API-Football samples, read once at start and kept as
// ready-made JSON text, so answering a request is string concatenation rather
// than DOM work. Also the query-string and envelope helpers.
// Included only by fake_api_football.cpp.
#pragma once

#include "tests/fakes/fake_api_football_squads.hpp"
#include "tests/fakes/query_string.hpp"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
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

/// One fixture item of a sample, serialised once.
struct fixture_item {
  int64_t id = 0;
  int64_t league_id = 0;
  std::string json;
};

class sample_store {
public:
  explicit sample_store(const std::string& dir) : dir_(dir) {
    by_date = fixtures("fixtures-by-date.json");
    live = fixtures("fixtures-live.json");
    detailed = fixtures("fixtures-by-ids-with-details.json", with_squads);
    headtohead = fixtures("headtohead.json");
    statistics = items("fixture-statistics.json");
    events = items("fixture-events.json");
    predictions = items("predictions.json");
    token_message = error_text("error-missing-key.json", "token");
    rate_limit_message = error_text("error-rate-limit.json", "rateLimit");
    plan_message = error_text("error-plan-free-season.json", "plan");
    if (detailed.empty()) {
      fail("fixtures-by-ids-with-details.json", "no fixture in response");
    }
    // Detailed items first: an id answers with its richest sample.
    for (const auto* list : {&detailed, &live, &by_date, &headtohead}) {
      for (const fixture_item& item : *list) {
        by_id_.emplace(item.id, &item.json);
      }
    }
    make_template();
  }
  // by_id_ points into the lists above.
  sample_store(const sample_store&) = delete;
  sample_store& operator=(const sample_store&) = delete;

  std::vector<fixture_item> by_date, live, detailed, headtohead;
  std::vector<std::string> statistics, events, predictions;
  std::string token_message, rate_limit_message, plan_message;

  /// The sample with this id, else the first detailed fixture renumbered, so
  /// any id answers (benchmarks ask for many distinct ids).
  std::string fixture_json(int64_t id) const {
    if (auto found = by_id_.find(id); found != by_id_.end()) {
      return *found->second;
    }
    return template_head_ + std::to_string(id) + template_tail_;
  }

private:
  [[noreturn]] void fail(const std::string& file, const std::string& why) const {
    throw std::runtime_error("cannot use sample " + dir_ + "/" + file + ": " + why);
  }

  rapidjson::Document load(const std::string& file) const {
    std::ifstream in(dir_ + "/" + file, std::ios::binary);
    if (!in) {
      fail(file, "cannot open file");
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
      fail(file, std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at offset " +
                     std::to_string(doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) {
      fail(file, "not a JSON object");
    }
    return doc;
  }

  std::vector<std::string> items(const std::string& file) const {
    const rapidjson::Document doc = load(file);
    auto response = doc.FindMember("response");
    if (response == doc.MemberEnd() || !response->value.IsArray()) {
      fail(file, "no response array");
    }
    std::vector<std::string> out;
    for (const auto& item : response->value.GetArray()) {
      out.push_back(to_json(item));
    }
    return out;
  }

  static constexpr bool with_squads = true;

  std::vector<fixture_item> fixtures(const std::string& file, bool add_squads = false) const {
    const rapidjson::Document doc = load(file);
    auto response = doc.FindMember("response");
    if (response == doc.MemberEnd() || !response->value.IsArray()) {
      fail(file, "no response array");
    }
    std::vector<fixture_item> out;
    for (const auto& item : response->value.GetArray()) {
      if (!item.IsObject() || !item.HasMember("fixture") || !item["fixture"].IsObject() ||
          !item["fixture"].HasMember("id") || !item["fixture"]["id"].IsInt64()) {
        fail(file, "an item has no fixture.id");
      }
      fixture_item f;
      f.id = item["fixture"]["id"].GetInt64();
      if (item.HasMember("league") && item["league"].IsObject() && item["league"].HasMember("id") &&
          item["league"]["id"].IsInt64()) {
        f.league_id = item["league"]["id"].GetInt64();
      }
      f.json = to_json(item);
      if (add_squads && !item.HasMember("lineups") && !item.HasMember("players")) {
        append_squads(item, f.json);
      }
      out.push_back(std::move(f));
    }
    return out;
  }

  // Adds invented `lineups` and `players` (fake_api_football_squads.hpp)
  // before the item's closing brace.
  static void append_squads(const rapidjson::Value& item, std::string& json) {
    auto teams = item.FindMember("teams");
    if (teams == item.MemberEnd() || !teams->value.IsObject()) {
      return;
    }
    std::string lineups, players;
    for (const char* side : {"home", "away"}) {
      auto team = teams->value.FindMember(side);
      if (team == teams->value.MemberEnd() || !team->value.IsObject() ||
          !team->value.HasMember("id") || !team->value["id"].IsInt64()) {
        return;
      }
      auto id = team->value["id"].GetInt64();
      auto name = team->value.HasMember("name") ? to_json(team->value["name"]) : "null";
      lineups += (lineups.empty() ? "" : ",") + invented_lineup(id, name);
      players += (players.empty() ? "" : ",") + invented_team_players(id, name);
    }
    json.pop_back();
    json += R"(,"lineups":[)" + lineups + R"(],"players":[)" + players + "]}";
  }

  std::string error_text(const std::string& file, const char* field) const {
    const rapidjson::Document doc = load(file);
    auto errors = doc.FindMember("errors");
    if (errors == doc.MemberEnd() || !errors->value.IsObject() || !errors->value.HasMember(field) ||
        !errors->value[field].IsString()) {
      fail(file, std::string("no errors.") + field);
    }
    return errors->value[field].GetString();
  }

  // Serialises the first detailed fixture with a marker id and splits the
  // text around it; renumbering is then two appends.
  void make_template() {
    const char* file = "fixtures-by-ids-with-details.json";
    rapidjson::Document doc;
    doc.Parse(detailed.front().json.c_str());
    const std::string marker = "987654321987654321";
    doc["fixture"]["id"].SetInt64(987654321987654321);
    const std::string text = to_json(doc);
    const size_t at = text.find(marker);
    if (at == std::string::npos || text.find(marker, at + 1) != std::string::npos) {
      fail(file, "cannot make the renumbering template");
    }
    template_head_ = text.substr(0, at);
    template_tail_ = text.substr(at + marker.size());
  }

  std::string dir_;
  std::unordered_map<int64_t, const std::string*> by_id_;
  std::string template_head_, template_tail_;
};

} // namespace phoenix::fakes::detail
