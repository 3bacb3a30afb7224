// Turns one HTTP request into the fake's reply: control plane (/__control,
// /__stats), then counting, faults, auth, quota and the v3 endpoints, in the
// order the real service applies them (edge, then key, then quota).
// Included only by fake_api_football.cpp.
#pragma once

#include "tests/fakes/fake_api_football_live.hpp"
#include "tests/fakes/fake_api_football_samples.hpp"
#include "tests/fakes/fake_api_football_state.hpp"
#include "tests/fakes/fake_http_server.hpp"

#include <algorithm>
#include <boost/beast/http.hpp>
#include <functional>
#include <string>
#include <utility>

namespace phoenix::fakes::detail {

namespace http = boost::beast::http;

/// The answer to send (after `delay`), or a reset instead of an answer.
struct reply {
  http::response<http::string_body> res;
  bool reset = false;
  bool close = false;
  milliseconds delay{0};
  bool counted = false; ///< a counted call: router::answered() when it ends
};

class router {
public:
  router(const sample_store& samples, live_script& live, server_state& state, std::string api_key,
         std::function<void(bool)> set_accepting)
      : samples_(samples), live_(live), state_(state), api_key_(std::move(api_key)),
        set_accepting_(std::move(set_accepting)) {}

  /// A counted call's answer is written now (or its delay was cancelled).
  void answered() const { state_.answered(); }

  reply handle(const http::request<http::string_body>& req) const {
    std::string path;
    query q;
    parse_target(std::string_view(req.target().data(), req.target().size()), path, q);
    // RapidAPI's base URL has a /v3 prefix, the direct one has none.
    if (path.rfind("/v3/", 0) == 0) {
      path.erase(0, 3);
    }
    if (path == "/__control") {
      return control(q);
    }
    if (path == "/__stats") {
      return stats();
    }

    state_.record_call(path, fixture_ids(q));
    const fault_decision fault = state_.take_fault();
    reply r;
    r.counted = true;
    r.delay = fault.delay;
    r.close = fault.close;
    if (fault.what == fault_decision::kind::reset) {
      r.reset = true;
      return r;
    }
    if (fault.what == fault_decision::kind::fail) {
      r.res = failure(fault.status);
      return r;
    }
    // The edge refuses a request without a key before the API sees it.
    auto key = req.find("x-apisports-key");
    if (key == req.end() || key->value().empty()) {
      r.res = text(http::status::forbidden, "text/plain",
                   "Missing application key, Check our documentation on how to add your API "
                   "key in headers.");
      return r;
    }
    const std::string get = path.empty() ? path : path.substr(1);
    if (key->value() != api_key_) {
      r.res = json(envelope(get, q, error_object("token", samples_.token_message), 0, "[]"));
      return r;
    }
    if (fault.what == fault_decision::kind::envelope) {
      r.res =
          json(envelope(get, q, error_object(fault.field, envelope_message(fault.field)), 0, "[]"));
      return r;
    }
    if (fault.raw_body) {
      r.res = json(*fault.raw_body);
      return r;
    }
    if (req.method() != http::verb::get) {
      r.res = text(http::status::method_not_allowed, "application/json",
                   "{\"message\":\"Only GET requests are supported.\"}");
      return r;
    }

    quota_view quota{};
    std::string body;
    if (path == "/status") {
      quota = state_.quota(); // does not count against the quota
      body = envelope(get, q, "[]", 1, status_response(quota));
    } else if (!known(path)) {
      r.res =
          text(http::status::not_found, "application/json",
               envelope(get, q, error_object("endpoint", "This endpoint do not exist."), 0, "[]"));
      return r;
    } else {
      const quota_verdict verdict = state_.consume(quota);
      if (verdict == quota_verdict::day_exceeded) {
        body = envelope(get, q,
                        error_object("requests", "You have reached the request limit for the day, "
                                                 "Go to https://dashboard.api-football.com to "
                                                 "upgrade your plan."),
                        0, "[]");
      } else if (verdict == quota_verdict::minute_exceeded) {
        body = envelope(get, q, error_object("rateLimit", rate_limit_message(quota)), 0, "[]");
      } else {
        body = endpoint(path, get, q);
      }
    }
    // Half of a JSON object never parses: its closing brace is gone.
    if (fault.malformed) {
      body.resize(body.size() / 2);
    }
    r.res = json(std::move(body));
    r.res.set("x-ratelimit-requests-limit", std::to_string(quota.day_limit));
    r.res.set("x-ratelimit-requests-remaining", std::to_string(quota.day_remaining));
    r.res.set("X-RateLimit-Limit", std::to_string(quota.minute_limit));
    r.res.set("X-RateLimit-Remaining", std::to_string(quota.minute_remaining));
    return r;
  }

private:
  using response = http::response<http::string_body>;

  static response text(http::status status, const char* type, std::string body) {
    return make_response(status, "fake-api-football", type, std::move(body));
  }
  static response json(std::string body) {
    return text(http::status::ok, "application/json", std::move(body));
  }

  static response failure(int status) {
    response res;
    if (status == 502 || status == 503 || status == 504) {
      const std::string title = std::to_string(status) + (status == 502   ? " Bad Gateway"
                                                          : status == 503 ? " Service Unavailable"
                                                                          : " Gateway Time-out");
      res = text(http::status::ok, "text/html",
                 "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" +
                     title +
                     "</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n");
    } else if (status == 403) {
      res = text(http::status::ok, "text/plain",
                 "Missing application key, Check our documentation on how to add your API key in "
                 "headers.");
    } else if (status == 204) {
      res = text(http::status::ok, "application/json", "");
    } else {
      // 499 and 500 as documented; any other status gets the same message.
      res = text(http::status::ok, "application/json",
                 "{\"message\":\"Something went wrong while fetching details. Try again later.\"}");
    }
    res.result(static_cast<unsigned>(status));
    if (status == 499) {
      res.reason("Time Out");
    }
    return res;
  }

  std::string envelope_message(const std::string& field) const {
    if (field == "token") {
      return samples_.token_message;
    }
    if (field == "rateLimit") {
      return rate_limit_message(state_.quota());
    }
    if (field == "plan") {
      return samples_.plan_message;
    }
    if (field == "requests") {
      return "You have reached the request limit for the day, Go to "
             "https://dashboard.api-football.com to upgrade your plan.";
    }
    return "Injected error.";
  }

  // The sample's wording, with this fake's limit in place of the sample's.
  std::string rate_limit_message(const quota_view& quota) const {
    std::string text = samples_.rate_limit_message;
    const size_t digits = text.find_first_of("0123456789");
    if (digits != std::string::npos) {
      const size_t end = text.find_first_not_of("0123456789", digits);
      text.replace(digits, end - digits, std::to_string(quota.minute_limit));
    }
    return text;
  }

  static std::string status_response(const quota_view& quota) {
    return "{\"account\":{\"firstname\":\"Fake\",\"lastname\":\"Phoenix\",\"email\":"
           "\"fake@example.invalid\"},\"subscription\":{\"plan\":\"Pro\",\"end\":"
           "\"2099-12-31T00:00:00+00:00\",\"active\":true},\"requests\":{\"current\":" +
           std::to_string(quota.day_limit - quota.day_remaining) +
           ",\"limit_day\":" + std::to_string(quota.day_limit) + "}}";
  }

  static bool known(const std::string& path) {
    return path == "/fixtures" || path == "/fixtures/statistics" ||
           path == "/fixtures/headtohead" || path == "/fixtures/events" || path == "/predictions" ||
           path == "/teams" || path == "/standings";
  }

  static std::vector<int64_t> fixture_ids(const query& q) {
    std::vector<int64_t> ids, more;
    int64_t id = 0;
    for (const char* name : {"id", "fixture"}) {
      if (const std::string* v = find_param(q, name); v && parse_int(*v, id)) {
        ids.push_back(id);
      }
    }
    if (const std::string* v = find_param(q, "ids"); v && parse_id_list(*v, more)) {
      ids.insert(ids.end(), more.begin(), more.end());
    }
    return ids;
  }

  static std::string fail_envelope(const std::string& get, const query& q, const char* field,
                                   const char* message) {
    return envelope(get, q, error_object(field, message), 0, "[]");
  }
  template <class Strings>
  static std::string ok_envelope(const std::string& get, const query& q, const Strings& items) {
    return envelope(get, q, "[]", items.size(), json_array(items));
  }

  std::string endpoint(const std::string& path, const std::string& get, const query& q) const {
    if (path == "/fixtures") {
      return fixtures(get, q);
    }
    if (path == "/teams") {
      const std::string* search = find_param(q, "search");
      if (!search) {
        return fail_envelope(get, q, "required", "At least one parameter is required.");
      }
      if (search->size() < 3) {
        return fail_envelope(get, q, "search", "The Search field must be at least 3 characters.");
      }
      return ok_envelope(get, q, samples_.teams_matching(*search));
    }
    if (path == "/standings") {
      const std::string* league = find_param(q, "league");
      const std::string* season = find_param(q, "season");
      int64_t league_id = 0, year = 0;
      if (!season) {
        return fail_envelope(get, q, "season", "The Season field is required.");
      }
      if (!parse_int(*season, year) || (league && !parse_int(*league, league_id))) {
        return fail_envelope(get, q, "season", "The Season field must be a 4-digit YYYY number.");
      }
      const bool held = league_id == samples_.standings.league && year == samples_.standings.season;
      return ok_envelope(get, q, held ? samples_.standings.items : std::vector<std::string>{});
    }
    if (path == "/fixtures/headtohead") {
      const std::string* h2h = find_param(q, "h2h");
      std::vector<int64_t> teams;
      if (!h2h) {
        return fail_envelope(get, q, "required", "The H2h field is required.");
      }
      if (!parse_id_list(*h2h, teams) || teams.size() != 2) {
        return fail_envelope(get, q, "h2h", "The H2h field must contain two team ids: ID-ID.");
      }
      int64_t last = 0;
      const std::string* last_text = find_param(q, "last");
      if (last_text && !parse_int(*last_text, last)) {
        return fail_envelope(get, q, "last", "The Last field must contain an integer.");
      }
      return ok_envelope(get, q, samples_.meetings(teams[0], teams[1], last));
    }
    // statistics, events, predictions: the sample about this fixture, or nothing.
    const std::string* fixture = find_param(q, "fixture");
    int64_t id = 0;
    if (!fixture) {
      return fail_envelope(get, q, "required", "The Fixture field is required.");
    }
    if (!parse_int(*fixture, id)) {
      return fail_envelope(get, q, "fixture", "The Fixture field must contain an integer.");
    }
    if (path == "/fixtures/statistics") {
      return ok_envelope(get, q, samples_.about(samples_.statistics, id));
    }
    if (path == "/fixtures/events") {
      return ok_envelope(get, q, samples_.about(samples_.events, id));
    }
    return ok_envelope(get, q, samples_.about(samples_.predictions, id));
  }

  std::string fixtures(const std::string& get, const query& q) const {
    if (q.empty()) {
      return fail_envelope(get, q, "required", "At least one parameter is required.");
    }
    const std::string* id = find_param(q, "id");
    const std::string* ids = find_param(q, "ids");
    const std::string* live = find_param(q, "live");
    if (id && live) {
      return fail_envelope(get, q, "id", "The Id field cannot be used with live field.");
    }
    std::vector<std::string> items;
    if (id) {
      int64_t n = 0;
      if (!parse_int(*id, n)) {
        return fail_envelope(get, q, "id", "The Id field must be an integer.");
      }
      if (auto item = live_.fixture_json(n)) {
        items.push_back(std::move(*item));
      } else if (auto sample = samples_.fixture_json(n)) {
        items.push_back(std::move(*sample));
      }
    } else if (ids) {
      std::vector<int64_t> list;
      if (!parse_id_list(*ids, list)) {
        return fail_envelope(get, q, "ids", "The Ids field must contain ids separated by '-'.");
      }
      if (list.size() > 20) {
        return fail_envelope(get, q, "ids", "Maximum of 20 ids allowed.");
      }
      for (int64_t n : list) {
        if (auto item = samples_.fixture_json(n)) {
          items.push_back(std::move(*item));
        }
      }
    } else if (live) {
      // "all", or league ids "39-140" filtering the live sample.
      std::vector<int64_t> leagues;
      const bool all = *live == "all" || !parse_id_list(*live, leagues);
      if (all) {
        leagues.clear();
      }
      if (auto scripted = live_.live_items(leagues)) {
        return ok_envelope(get, q, *scripted);
      }
      for (const fixture_item& f : samples_.live) {
        if (all || std::find(leagues.begin(), leagues.end(), f.league_id) != leagues.end()) {
          items.push_back(f.json);
        }
      }
    } else if (const std::string* team = find_param(q, "team")) {
      int64_t team_id = 0, next = 0, last = 0;
      const std::string* next_text = find_param(q, "next");
      const std::string* last_text = find_param(q, "last");
      if (!parse_int(*team, team_id) || (next_text && !parse_int(*next_text, next)) ||
          (last_text && !parse_int(*last_text, last)) || next > 99 || last > 99) {
        return fail_envelope(get, q, "team", "The Team, Next and Last fields must be integers.");
      }
      const std::string* timezone = find_param(q, "timezone");
      std::string error;
      auto zone = core::time_zone::load(timezone ? *timezone : "UTC", &error);
      if (!zone) {
        return fail_envelope(get, q, "timezone", "The Timezone field is not a valid time zone.");
      }
      items = samples_.of_team(team_id, next, last, *zone);
    } else if (const std::string* date = find_param(q, "date")) {
      // With league (season is not checked) and timezone, as Phoenix asks.
      int64_t league = 0;
      const std::string* league_text = find_param(q, "league");
      if (league_text && !parse_int(*league_text, league)) {
        return fail_envelope(get, q, "league", "The League field must contain an integer.");
      }
      const std::string* timezone = find_param(q, "timezone");
      std::string error;
      auto zone = core::time_zone::load(timezone ? *timezone : "UTC", &error);
      if (!zone) {
        return fail_envelope(get, q, "timezone", "The Timezone field is not a valid time zone.");
      }
      items = samples_.on_date(*date, league, *zone);
    }
    // Any other filter (team, round, ...) matches nothing here.
    return ok_envelope(get, q, items);
  }

  reply control(const query& q) const;
  reply stats() const;

  const sample_store& samples_;
  live_script& live_;
  server_state& state_;
  std::string api_key_;
  std::function<void(bool)> set_accepting_;
};

} // namespace phoenix::fakes::detail
