// Scripted live matches (tests/fakes/data/api-football/live-scripted.json): a
// timeline of steps, each a full state of every scripted match. While a step
// is set, fixtures?live=all answers the scripted matches at that step instead
// of fixtures-live.json, and fixtures?id= a scripted fixture's current state.
// The step moves by control (set, advance) or by its own clock (one step per
// interval). Included only by fake_api_football.cpp.
#pragma once

#include "tests/fakes/fake_api_football_json.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace phoenix::fakes::detail {

class live_script {
public:
  using clock = std::chrono::steady_clock;

  /// Reads the timeline; throws std::runtime_error naming what is wrong.
  /// A missing file is no script (steps() 0): a samples folder of its own
  /// need not have one.
  explicit live_script(const std::string& file) {
    if (!std::ifstream(file))
      return;
    const rapidjson::Document doc = parse_json_file(file);
    auto matches = doc.FindMember("matches");
    if (matches == doc.MemberEnd() || !matches->value.IsArray() || matches->value.Empty())
      fail(file, "no matches array");
    for (const auto& item : matches->value.GetArray())
      matches_.push_back(read_match(file, item));
    for (const scripted_match& m : matches_)
      steps_ = std::max(steps_, static_cast<int>(m.states.size()));
  }

  /// Steps in the timeline; step 0 is the first, -1 means "not scripted".
  int steps() const { return steps_; }

  /// The current step, or -1 while the fake answers live=all from its samples.
  int step() const {
    std::lock_guard lock(mutex_);
    return current_locked();
  }
  /// -1 turns the script off; a step past the last stays at the last.
  void set_step(int step) {
    std::lock_guard lock(mutex_);
    base_ = std::clamp(step, -1, steps_ - 1);
    since_ = clock::now();
  }
  /// Moves on `n` steps (from -1: to step n - 1).
  void advance(int n) {
    std::lock_guard lock(mutex_);
    base_ = std::clamp(current_locked() + n, -1, steps_ - 1);
    since_ = clock::now();
  }
  /// One step per `interval` from now on (0: only by control). Starts the
  /// script at step 0 when it is off.
  void set_interval(std::chrono::milliseconds interval) {
    std::lock_guard lock(mutex_);
    base_ = std::min(std::max(current_locked(), interval.count() > 0 ? 0 : -1), steps_ - 1);
    since_ = clock::now();
    interval_ = interval;
  }

  /// The live items now, of these leagues (none: all), or nullopt while the
  /// script is off.
  std::optional<std::vector<std::string>> live_items(const std::vector<int64_t>& leagues) const {
    const int now = step();
    if (now < 0)
      return std::nullopt;
    std::vector<std::string> items;
    for (const scripted_match& m : matches_) {
      const state& s = m.at(now);
      const bool asked = leagues.empty() ||
                         std::find(leagues.begin(), leagues.end(), m.league_id) != leagues.end();
      if (s.playing_or_over && asked)
        items.push_back(s.json);
    }
    return items;
  }
  /// A scripted fixture's state now, while the script is on.
  std::optional<std::string> fixture_json(int64_t id) const {
    const int now = step();
    for (const scripted_match& m : matches_)
      if (now >= 0 && m.id == id)
        return m.at(now).json;
    return std::nullopt;
  }

private:
  struct state {
    bool playing_or_over = false; // live=all leaves out matches not started
    std::string json;
  };
  struct scripted_match {
    int64_t id = 0;
    int64_t league_id = 0;
    std::vector<state> states;
    const state& at(int step) const { return states[std::min<size_t>(step, states.size() - 1)]; }
  };

  [[noreturn]] static void fail(const std::string& file, const std::string& why) {
    throw std::runtime_error("cannot use live script " + file + ": " + why);
  }

  // The API's item: the fixture header with the step's status, then league,
  // teams, goals, score and events.
  static scripted_match read_match(const std::string& file, const rapidjson::Value& item) {
    if (!item.IsObject() || !item.HasMember("fixture") || !item["fixture"].IsObject() ||
        !item["fixture"].HasMember("id") || !item["fixture"]["id"].IsInt64() ||
        !item.HasMember("steps") || !item["steps"].IsArray() || item["steps"].Empty())
      fail(file, "a match needs fixture.id and a non-empty steps array");
    scripted_match out;
    out.id = item["fixture"]["id"].GetInt64();
    if (item.HasMember("league") && item["league"].IsObject() && item["league"].HasMember("id") &&
        item["league"]["id"].IsInt64())
      out.league_id = item["league"]["id"].GetInt64();
    for (const auto& step : item["steps"].GetArray()) {
      if (!step.IsObject() || !step.HasMember("status") || !step["status"].IsObject() ||
          !step["status"].HasMember("short") || !step["status"]["short"].IsString())
        fail(file, "a step of fixture " + std::to_string(out.id) + " has no status.short");
      rapidjson::Document whole;
      auto& a = whole.GetAllocator();
      whole.SetObject();
      rapidjson::Value header(item["fixture"], a);
      header.AddMember("status", rapidjson::Value(step["status"], a), a);
      whole.AddMember("fixture", header, a);
      for (const char* part : {"league", "teams"})
        if (item.HasMember(part))
          whole.AddMember(rapidjson::StringRef(part), rapidjson::Value(item[part], a), a);
      for (const char* part : {"goals", "score", "events"})
        if (step.HasMember(part))
          whole.AddMember(rapidjson::StringRef(part), rapidjson::Value(step[part], a), a);
      const std::string status = step["status"]["short"].GetString();
      out.states.push_back(state{status != "NS" && status != "TBD", to_json(whole)});
    }
    return out;
  }

  int current_locked() const {
    if (base_ < 0 || interval_.count() <= 0)
      return base_;
    const auto passed = (clock::now() - since_) / interval_;
    return static_cast<int>(std::min<int64_t>(base_ + passed, steps_ - 1));
  }

  std::vector<scripted_match> matches_;
  int steps_ = 0;
  mutable std::mutex mutex_;
  int base_ = -1;
  clock::time_point since_ = clock::now();
  std::chrono::milliseconds interval_{0};
};

} // namespace phoenix::fakes::detail
