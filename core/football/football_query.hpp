// What Phoenix asks API-Football: typed queries, their request targets, cache
// keys and cache lifetimes. Decoding the answers is in football_decode.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace phoenix::core {

enum class query_kind : uint8_t {
  fixtures_by_date, ///< /fixtures?date=&league=&season=&timezone=
  live_fixtures,    ///< /fixtures?live=all
  fixture_by_id,    ///< /fixtures?id= (with events, lineups, statistics)
  statistics,       ///< /fixtures/statistics?fixture=
  head_to_head,     ///< /fixtures/headtohead?h2h=A-B&last=
  events,           ///< /fixtures/events?fixture=
  predictions,      ///< /predictions?fixture=
  status,           ///< /status (account and daily quota; not counted by the API)
  team_search,      ///< /teams?search= (at least 3 characters)
  team_fixtures,    ///< /fixtures?team=&next= or &last= (&timezone=)
  standings,        ///< /standings?league=&season=
};

const char* to_string(query_kind kind);

struct football_query {
  query_kind kind = query_kind::status;
  std::string date;     ///< YYYY-MM-DD (fixtures_by_date)
  int64_t league = 0;   ///< 0: any
  int64_t season = 0;   ///< 0: not sent
  std::string timezone; ///< "": the API's default (UTC)
  int64_t fixture = 0;  ///< fixture_by_id, statistics, events, predictions
  int64_t team_a = 0;   ///< head_to_head
  int64_t team_b = 0;
  int last = 0;       ///< head_to_head: the last N meetings (0: all)
  std::string search; ///< team_search: part of a team's name
  int64_t team = 0;   ///< team_fixtures
  int next = 0;       ///< team_fixtures: the next N (else the last N: `last`)

  static football_query by_date(std::string date, int64_t league, std::string timezone);
  static football_query live();
  static football_query fixture_by_id(int64_t id);
  static football_query of_kind(query_kind kind, int64_t fixture);
  static football_query head_to_head(int64_t a, int64_t b, int last);
  static football_query teams(std::string search);
  /// The team's next `next` fixtures, or (next 0) its last `last` ones.
  static football_query team_fixtures(int64_t team, int next, int last, std::string timezone);
  static football_query standings(int64_t league, int64_t season);
};

/// "/fixtures?date=2024-05-01&league=39&timezone=Europe%2FLondon"
std::string request_target(const football_query& query);

/// Identical queries share the key (coalescing, cache).
std::string cache_key(const football_query& query);

/// Cache lifetimes per kind of data (football.ttl-*).
struct ttl_policy {
  std::chrono::nanoseconds live = std::chrono::seconds{15};
  std::chrono::nanoseconds stats = std::chrono::seconds{60};
  std::chrono::nanoseconds finished = std::chrono::hours{24};
  std::chrono::nanoseconds fixtures = std::chrono::minutes{10};
  std::chrono::nanoseconds teams = std::chrono::hours{24}; ///< API-Football: 1 call/day
};

/// What the data's state says about its lifetime: the caller tells whether every
/// fixture in the answer is finished / any is live (ignored for kinds without status).
std::chrono::nanoseconds ttl_for(const football_query& query, const ttl_policy& policy,
                                 bool all_finished, bool any_live);

/// Percent-encodes a query parameter value.
std::string url_encode(const std::string& value);

} // namespace phoenix::core
