#include "core/football/football_query.hpp"

#include <cctype>
#include <cstdio>

namespace phoenix::core {

const char* to_string(query_kind kind) {
  switch (kind) {
  case query_kind::fixtures_by_date:
    return "fixtures";
  case query_kind::live_fixtures:
    return "live";
  case query_kind::fixture_by_id:
    return "fixture";
  case query_kind::statistics:
    return "statistics";
  case query_kind::head_to_head:
    return "headtohead";
  case query_kind::events:
    return "events";
  case query_kind::predictions:
    return "predictions";
  case query_kind::status:
    return "status";
  case query_kind::team_search:
    return "teams";
  case query_kind::team_fixtures:
    return "team_fixtures";
  case query_kind::standings:
    return "standings";
  }
  return "unknown";
}

football_query football_query::by_date(std::string date, int64_t league, std::string timezone) {
  football_query q;
  q.kind = query_kind::fixtures_by_date;
  q.date = std::move(date);
  q.league = league;
  q.timezone = std::move(timezone);
  return q;
}

football_query football_query::live() {
  football_query q;
  q.kind = query_kind::live_fixtures;
  return q;
}

football_query football_query::fixture_by_id(int64_t id) {
  return of_kind(query_kind::fixture_by_id, id);
}

football_query football_query::of_kind(query_kind kind, int64_t fixture) {
  football_query q;
  q.kind = kind;
  q.fixture = fixture;
  return q;
}

football_query football_query::head_to_head(int64_t a, int64_t b, int last) {
  football_query q;
  q.kind = query_kind::head_to_head;
  q.team_a = a;
  q.team_b = b;
  q.last = last;
  return q;
}

football_query football_query::teams(std::string search) {
  football_query q;
  q.kind = query_kind::team_search;
  q.search = std::move(search);
  return q;
}

football_query football_query::team_fixtures(int64_t team, int next, int last,
                                             std::string timezone) {
  football_query q;
  q.kind = query_kind::team_fixtures;
  q.team = team;
  q.next = next;
  q.last = next > 0 ? 0 : last;
  q.timezone = std::move(timezone);
  return q;
}

football_query football_query::standings(int64_t league, int64_t season) {
  football_query q;
  q.kind = query_kind::standings;
  q.league = league;
  q.season = season;
  return q;
}

std::string url_encode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

namespace {

void add(std::string& target, const char* name, const std::string& value) {
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += name;
  target += '=';
  target += url_encode(value);
}

void add_if(std::string& target, const char* name, int64_t value) {
  if (value != 0)
    add(target, name, std::to_string(value));
}

} // namespace

std::string request_target(const football_query& q) {
  std::string t;
  switch (q.kind) {
  case query_kind::fixtures_by_date:
    t = "/fixtures";
    add(t, "date", q.date);
    add_if(t, "league", q.league);
    add_if(t, "season", q.season);
    break;
  case query_kind::live_fixtures:
    t = "/fixtures";
    add(t, "live", "all");
    break;
  case query_kind::fixture_by_id:
    t = "/fixtures";
    add(t, "id", std::to_string(q.fixture));
    break;
  case query_kind::statistics:
    t = "/fixtures/statistics";
    add(t, "fixture", std::to_string(q.fixture));
    break;
  case query_kind::head_to_head:
    t = "/fixtures/headtohead";
    add(t, "h2h", std::to_string(q.team_a) + "-" + std::to_string(q.team_b));
    add_if(t, "last", q.last);
    break;
  case query_kind::events:
    t = "/fixtures/events";
    add(t, "fixture", std::to_string(q.fixture));
    break;
  case query_kind::predictions:
    t = "/predictions";
    add(t, "fixture", std::to_string(q.fixture));
    break;
  case query_kind::status:
    t = "/status";
    break;
  case query_kind::team_search:
    t = "/teams";
    add(t, "search", q.search);
    break;
  case query_kind::team_fixtures:
    t = "/fixtures";
    add(t, "team", std::to_string(q.team));
    add_if(t, "next", q.next);
    add_if(t, "last", q.last);
    break;
  case query_kind::standings:
    t = "/standings";
    add(t, "league", std::to_string(q.league));
    add(t, "season", std::to_string(q.season));
    break;
  }
  if (!q.timezone.empty() && q.kind != query_kind::status && q.kind != query_kind::team_search &&
      q.kind != query_kind::standings)
    add(t, "timezone", q.timezone);
  return t;
}

std::string cache_key(const football_query& q) {
  // The target names every parameter that changes the answer.
  return "football:" + request_target(q);
}

std::chrono::nanoseconds ttl_for(const football_query& q, const ttl_policy& p, bool all_finished,
                                 bool any_live) {
  switch (q.kind) {
  case query_kind::live_fixtures:
    return p.live;
  case query_kind::statistics:
  case query_kind::events:
    return p.stats;
  case query_kind::fixture_by_id:
    return all_finished ? p.finished : any_live ? p.stats : p.fixtures;
  case query_kind::head_to_head:
    return all_finished ? p.finished : p.fixtures;
  case query_kind::fixtures_by_date:
    return p.fixtures;
  case query_kind::predictions:
    return p.fixtures;
  case query_kind::status:
    return std::chrono::nanoseconds::zero();
  case query_kind::team_search:
    return p.teams;
  case query_kind::team_fixtures:
  case query_kind::standings:
    return any_live ? p.live : p.fixtures;
  }
  return p.fixtures;
}

} // namespace phoenix::core
