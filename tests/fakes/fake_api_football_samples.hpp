// The fake's data: the API-Football samples, read once at start and kept as
// ready-made JSON text, so answering a request is string concatenation rather
// than DOM work.
// Included only by fake_api_football.cpp.
#pragma once

#include "core/football/time_zone.hpp"
#include "tests/fakes/fake_api_football_json.hpp"
#include "tests/fakes/fake_api_football_squads.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
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

/// One fixture item of a sample, serialised once, with what requests select it by.
struct fixture_item {
  int64_t id = 0;
  int64_t league_id = 0;
  int64_t home_id = 0, away_id = 0;
  int64_t timestamp = 0;  ///< kick-off, Unix seconds
  bool scheduled = false; ///< status NS or TBD: a "next" fixture of its teams
  std::string json;
};

/// The items of a sample about one fixture (statistics, events, predictions).
struct fixture_items {
  int64_t fixture = 0; ///< the sample's parameters.fixture
  std::vector<std::string> items;
};

/// Fixture ids from `first` to `last` (none when last < first).
struct id_range {
  int64_t first = 1, last = 0;
  bool contains(int64_t id) const { return id >= first && id <= last; }
};

/// Answers like API-Football: a fixture id answers its own fixture or
/// nothing, a date its own fixtures or none. Ids in `generated` (for tests
/// and benchmarks asking for many distinct fixtures) answer as the first
/// detailed fixture, renumbered.
class sample_store {
public:
  sample_store(const std::string& dir, id_range generated) : dir_(dir), generated_(generated) {
    by_date = fixtures("fixtures-by-date.json");
    live = fixtures("fixtures-live.json");
    detailed = fixtures("fixtures-by-ids-with-details.json", with_squads);
    headtohead = fixtures("headtohead.json");
    statistics = items("fixture-statistics.json");
    events = items("fixture-events.json");
    predictions = items("predictions.json");
    teams = team_items("teams.json");
    standings = optional_items("standings.json");
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
  fixture_items statistics, events, predictions;
  std::vector<std::pair<std::string, std::string>> teams; ///< lower-case name, item
  /// standings.json (optional): its league and season, and its items.
  struct standings_sample {
    int64_t league = 0, season = 0;
    std::vector<std::string> items;
  } standings;
  std::string token_message, rate_limit_message, plan_message;

  /// The fixture with this id: from the data, else generated; none for any other id.
  std::optional<std::string> fixture_json(int64_t id) const {
    if (auto found = by_id_.find(id); found != by_id_.end()) {
      return *found->second;
    }
    if (generated_.contains(id)) {
      return template_head_ + std::to_string(id) + template_tail_;
    }
    return std::nullopt;
  }

  /// A sample's items when they are about fixture `id` (a generated id is the
  /// fixture it copies), else none.
  const std::vector<std::string>& about(const fixture_items& sample, int64_t id) const {
    static const std::vector<std::string> none;
    const bool copy = !by_id_.count(id) && generated_.contains(id);
    return (copy ? detailed.front().id : id) == sample.fixture ? sample.items : none;
  }

  /// Every fixture of the data whose kick-off falls on `date` (YYYY-MM-DD) in
  /// `zone`, of league `league` unless it is 0. (The items keep their UTC dates.)
  std::vector<std::string> on_date(const std::string& date, int64_t league,
                                   const core::time_zone& zone) const {
    std::vector<std::string> out;
    std::unordered_map<int64_t, bool> seen;
    for (const auto* list : {&by_date, &live, &headtohead, &detailed}) {
      for (const fixture_item& f : *list) {
        if (seen[f.id] || (league != 0 && f.league_id != league)) {
          continue;
        }
        seen[f.id] = true;
        const std::time_t local = f.timestamp + 60 * int64_t{zone.offset_minutes_at(f.timestamp)};
        std::tm parts{};
        char day[16] = "";
        if (gmtime_r(&local, &parts) && std::strftime(day, sizeof day, "%Y-%m-%d", &parts) &&
            date == day) {
          out.push_back(in_zone(f.json, zone));
        }
      }
    }
    return out;
  }

  /// Team `team`'s fixtures in the data: the next `next` (scheduled, soonest
  /// first) or else the last `last` (played, newest first), each fixture once.
  std::vector<std::string> of_team(int64_t team, int64_t next, int64_t last,
                                   const core::time_zone& zone) const {
    std::vector<const fixture_item*> found;
    std::unordered_map<int64_t, bool> seen;
    for (const auto* list : {&detailed, &by_date, &live, &headtohead}) {
      for (const fixture_item& f : *list) {
        if ((f.home_id == team || f.away_id == team) && f.scheduled == (next > 0) && !seen[f.id]) {
          seen[f.id] = true;
          found.push_back(&f);
        }
      }
    }
    std::sort(found.begin(), found.end(), [next](const fixture_item* a, const fixture_item* b) {
      return next > 0 ? a->timestamp < b->timestamp : a->timestamp > b->timestamp;
    });
    std::vector<std::string> out;
    for (const fixture_item* f : found) {
      if (static_cast<int64_t>(out.size()) < (next > 0 ? next : last)) {
        out.push_back(in_zone(f->json, zone));
      }
    }
    return out;
  }

  /// The teams whose name holds `search` (letter case ignored), as /teams?search= answers.
  std::vector<std::string> teams_matching(const std::string& search) const {
    std::vector<std::string> out;
    const std::string wanted = lower(search);
    for (const auto& [name, item] : teams) {
      if (name.find(wanted) != std::string::npos) {
        out.push_back(item);
      }
    }
    return out;
  }

  /// The meetings of teams `a` and `b` (either at home), the first `last` of
  /// them as the sample lists them (newest first); all when `last` is 0.
  std::vector<std::string> meetings(int64_t a, int64_t b, int64_t last) const {
    std::vector<std::string> out;
    for (const fixture_item& f : headtohead) {
      if (((f.home_id == a && f.away_id == b) || (f.home_id == b && f.away_id == a)) &&
          (last == 0 || static_cast<int64_t>(out.size()) < last)) {
        out.push_back(f.json);
      }
    }
    return out;
  }

private:
  [[noreturn]] void fail(const std::string& file, const std::string& why) const {
    throw std::runtime_error("cannot use sample " + dir_ + "/" + file + ": " + why);
  }

  rapidjson::Document load(const std::string& file) const {
    return parse_json_file(dir_ + "/" + file);
  }

  fixture_items items(const std::string& file) const {
    const rapidjson::Document doc = load(file);
    auto response = doc.FindMember("response");
    if (response == doc.MemberEnd() || !response->value.IsArray()) {
      fail(file, "no response array");
    }
    fixture_items out;
    auto parameters = doc.FindMember("parameters");
    if (parameters == doc.MemberEnd() || !parameters->value.IsObject() ||
        !parameters->value.HasMember("fixture") || !parameters->value["fixture"].IsString() ||
        !parse_int(parameters->value["fixture"].GetString(), out.fixture)) {
      fail(file, "no parameters.fixture");
    }
    for (const auto& item : response->value.GetArray()) {
      out.items.push_back(to_json(item));
    }
    return out;
  }

  static std::string lower(std::string text) {
    for (char& c : text) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
  }

  // teams.json and standings.json are optional: a --samples folder without
  // them finds no team and no table (an empty response).
  rapidjson::Document load_optional(const std::string& file) const {
    rapidjson::Document doc;
    if (!std::ifstream(dir_ + "/" + file)) {
      doc.Parse(R"({"response":[]})");
      return doc;
    }
    doc = load(file);
    auto response = doc.FindMember("response");
    if (response == doc.MemberEnd() || !response->value.IsArray()) {
      fail(file, "no response array");
    }
    return doc;
  }

  std::vector<std::pair<std::string, std::string>> team_items(const std::string& file) const {
    std::vector<std::pair<std::string, std::string>> out;
    const rapidjson::Document doc = load_optional(file);
    for (const auto& item : doc["response"].GetArray()) {
      auto team = item.IsObject() ? item.FindMember("team") : item.MemberEnd();
      if (!item.IsObject() || team == item.MemberEnd() || !team->value.IsObject() ||
          !team->value.HasMember("name") || !team->value["name"].IsString()) {
        fail(file, "an item has no team.name");
      }
      out.emplace_back(lower(team->value["name"].GetString()), to_json(item));
    }
    return out;
  }

  standings_sample optional_items(const std::string& file) const {
    standings_sample out;
    const rapidjson::Document doc = load_optional(file);
    for (const auto& item : doc["response"].GetArray()) {
      out.league = int_at(item, "league", "id");
      out.season = int_at(item, "league", "season");
      out.items.push_back(to_json(item));
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
      f.league_id = int_at(item, "league", "id");
      f.timestamp = int_at(item, "fixture", "timestamp");
      if (item["fixture"].HasMember("status") && item["fixture"]["status"].IsObject()) {
        auto s = item["fixture"]["status"].FindMember("short");
        f.scheduled = s != item["fixture"]["status"].MemberEnd() && s->value.IsString() &&
                      (std::string(s->value.GetString()) == "NS" ||
                       std::string(s->value.GetString()) == "TBD");
      }
      if (item.HasMember("teams") && item["teams"].IsObject()) {
        f.home_id = int_at(item["teams"], "home", "id");
        f.away_id = int_at(item["teams"], "away", "id");
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
  id_range generated_;
  std::unordered_map<int64_t, const std::string*> by_id_;
  std::string template_head_, template_tail_;
};

} // namespace phoenix::fakes::detail
