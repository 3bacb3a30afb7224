// Line-ups and player statistics for the fake's detailed fixtures. A real
// `fixtures?id=` answer carries both (about 40 KB of a 45-50 KB body) although
// Phoenix shows neither; the project's data files leave them out, so the fake
// makes them up at start, with invented players, in the documented shape. A
// burst of upstream answers then costs Phoenix what real ones would.
// Included only by fake_api_football_samples.hpp.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace phoenix::fakes::detail {

/// Players per team in `players` (the whole match squad, as API-Football lists it) and
/// in `lineups` (starting eleven, then the bench).
inline constexpr int squad_players = 20;
inline constexpr int starting_eleven = 11;
inline constexpr int bench_players = 9;

inline int64_t invented_player_id(int64_t team_id, int shirt) {
  return team_id * 100 + shirt;
}

inline std::string invented_team_json(int64_t team_id, const std::string& name_json) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                R"({"id":%lld,"name":%s,"logo":"https://media.example.invalid/teams/%lld.png")",
                static_cast<long long>(team_id), name_json.c_str(),
                static_cast<long long>(team_id));
  return buf;
}

/// One team's `lineups` item: formation, coach, starting eleven and bench.
inline std::string invented_lineup(int64_t team_id, const std::string& name_json) {
  std::string out =
      R"({"team":)" + invented_team_json(team_id, name_json) +
      R"(,"colors":{"player":{"primary":"1f3a93","number":"ffffff","border":"1f3a93"},)"
      R"("goalkeeper":{"primary":"222222","number":"ffffff","border":"222222"}}},)";
  char buf[320];
  std::snprintf(
      buf, sizeof buf,
      R"("coach":{"id":%lld,"name":"Coach %lld","photo":"https://media.example.invalid/coachs/%lld.png"},"formation":"4-3-3",)",
      static_cast<long long>(team_id + 900000), static_cast<long long>(team_id),
      static_cast<long long>(team_id + 900000));
  out += buf;
  static const char* positions = "GDDDDMMMFFF";
  auto player = [&](int shirt, bool starter) {
    auto id = static_cast<long long>(invented_player_id(team_id, shirt));
    if (starter)
      std::snprintf(
          buf, sizeof buf,
          R"({"player":{"id":%lld,"name":"Player %lld","number":%d,"pos":"%c","grid":"%d:%d"}})",
          id, id, shirt, positions[shirt - 1], shirt == 1 ? 1 : 2 + (shirt - 2) / 4,
          shirt == 1 ? 1 : 1 + (shirt - 2) % 4);
    else
      std::snprintf(
          buf, sizeof buf,
          R"({"player":{"id":%lld,"name":"Player %lld","number":%d,"pos":"%c","grid":null}})", id,
          id, shirt, "DMF"[shirt % 3]);
    return std::string{buf};
  };
  out += R"("startXI":[)";
  for (int shirt = 1; shirt <= starting_eleven; ++shirt)
    out += (shirt > 1 ? "," : "") + player(shirt, true);
  out += R"(],"substitutes":[)";
  for (int i = 0; i < bench_players; ++i)
    out += (i > 0 ? "," : "") + player(starting_eleven + 1 + i, false);
  return out + "]}";
}

/// One player's `players[].players` item with a full statistics block.
inline std::string invented_player_statistics(int64_t team_id, int shirt) {
  auto id = static_cast<long long>(invented_player_id(team_id, shirt));
  bool starter = shirt <= starting_eleven;
  char buf[1400];
  std::snprintf(
      buf, sizeof buf,
      R"({"player":{"id":%lld,"name":"Player %lld","photo":"https://media.example.invalid/players/%lld.png"},)"
      R"("statistics":[{"games":{"minutes":%d,"number":%d,"position":"%c","rating":"%d.%d","captain":%s,"substitute":%s},)"
      R"("offsides":null,"shots":{"total":%d,"on":%d},"goals":{"total":null,"conceded":0,"assists":null,"saves":null},)"
      R"("passes":{"total":%d,"key":%d,"accuracy":"%d"},"tackles":{"total":%d,"blocks":null,"interceptions":%d},)"
      R"("duels":{"total":%d,"won":%d},"dribbles":{"attempts":%d,"success":%d,"past":null},)"
      R"("fouls":{"drawn":%d,"committed":%d},"cards":{"yellow":0,"red":0},)"
      R"("penalty":{"won":null,"commited":null,"scored":0,"missed":0,"saved":null}}]})",
      id, id, id, starter ? 90 : 25, shirt, "GDDDDMMMFFFDMFDMGDMF"[shirt - 1], 6 + shirt % 3,
      shirt % 10, shirt == 4 ? "true" : "false", starter ? "false" : "true", shirt % 4, shirt % 3,
      20 + 3 * shirt, shirt % 5, 70 + shirt, shirt % 6, shirt % 4, 5 + shirt, 2 + shirt % 5,
      shirt % 4, shirt % 3, shirt % 3, shirt % 2);
  return buf;
}

/// One team's `players` item.
inline std::string invented_team_players(int64_t team_id, const std::string& name_json) {
  std::string out = R"({"team":)" + invented_team_json(team_id, name_json) +
                    R"(,"update":"2024-01-01T00:00:00+00:00"},"players":[)";
  for (int shirt = 1; shirt <= squad_players; ++shirt)
    out += (shirt > 1 ? "," : "") + invented_player_statistics(team_id, shirt);
  return out + "]}";
}

} // namespace phoenix::fakes::detail
