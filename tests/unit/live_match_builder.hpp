// Live fixtures for the alert tests, written as a match goes: status, score,
// events. Home is team 10 "Rovers", away team 20 "United", fixture 700.
#pragma once

#include "core/football/live_diff.hpp"

#include <string>
#include <utility>

namespace phoenix::test {

struct live_builder {
  core::live_match match;

  live_builder(std::string status = "NS", std::optional<int> elapsed = std::nullopt) {
    match.fixture_id = 700;
    match.league_name = "Test League";
    match.home = core::team_ref{10, "Rovers", std::nullopt};
    match.away = core::team_ref{20, "United", std::nullopt};
    at(std::move(status), elapsed);
  }
  live_builder& at(std::string status, std::optional<int> elapsed) {
    match.status.short_name = std::move(status);
    match.status.elapsed = elapsed;
    return *this;
  }
  live_builder& score(int home, int away) {
    match.goals = core::score_pair{home, away};
    return *this;
  }
  live_builder& shootout(int home, int away) {
    match.penalty = core::score_pair{home, away};
    return *this;
  }
  live_builder& event(int64_t team, int minute, std::string type, std::string detail,
                      std::string player = "", std::optional<int> extra = std::nullopt) {
    core::event e;
    e.elapsed = minute;
    e.extra = extra;
    e.team_id = team;
    e.team_name = team == 10 ? "Rovers" : "United";
    e.type = std::move(type);
    e.detail = std::move(detail);
    e.player = std::move(player);
    match.events.push_back(std::move(e));
    return *this;
  }
  live_builder& goal(int64_t team, int minute, std::string player,
                     std::string detail = "Normal Goal") {
    return event(team, minute, "Goal", std::move(detail), std::move(player));
  }
  core::live_snapshot snapshot() const { return {{match.fixture_id, match}}; }
};

} // namespace phoenix::test
