// What Phoenix shows about football, decoded from API-Football v3 answers,
// and the typed errors with their user sentences. No JSON here: that lives in
// football_decode.cpp.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phoenix::core {

struct team_ref {
  int64_t id = 0;
  std::string name;
  std::optional<bool> winner; // null until the match is decided (and on draws)
};

// Either side is empty before kick-off or when that period was not played.
struct score_pair {
  std::optional<int> home;
  std::optional<int> away;
};

struct fixture_status {
  std::string long_name;  // "Match Finished"
  std::string short_name; // "FT"
  std::optional<int> elapsed;
  std::optional<int> extra; // stoppage minutes; only in 2024+ answers

  bool is_live() const {
    return is_one_of(short_name, {"1H", "HT", "2H", "ET", "BT", "P", "SUSP", "INT", "LIVE"});
  }
  bool is_finished() const { return is_one_of(short_name, {"FT", "AET", "PEN", "AWD", "WO"}); }
  bool is_scheduled() const { return is_one_of(short_name, {"TBD", "NS"}); }

private:
  static bool is_one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
    for (std::string_view candidate : codes) {
      if (code == candidate) {
        return true;
      }
    }
    return false;
  }
};

struct event {
  std::optional<int> elapsed;
  std::optional<int> extra;
  int64_t team_id = 0;
  std::string team_name;
  std::string player; // empty when the API sent null (common in live data)
  std::string assist; // empty when null
  std::string type;   // Goal, Card, subst, Var
  std::string detail; // "Normal Goal", "Yellow Card", "Substitution 1", ...
  std::string comments;
};

// One statistic as it should be displayed; the API mixes ints, "NN%" strings,
// numeric strings and null in the same list.
struct stat_value {
  enum class kind { none, integer, percent, decimal };
  kind k = kind::none;
  double number = 0;
  std::string text; // "78%", "1.92", "12"; "" for null
};

struct team_statistics {
  team_ref team;
  std::vector<std::pair<std::string, stat_value>> values; // type -> value, API order
};

struct fixture {
  int64_t id = 0;
  std::string referee;
  std::string timezone;
  std::string date; // ISO-8601 as sent, already shifted to `timezone`
  int64_t timestamp = 0;
  std::string venue_name;
  std::string venue_city;
  fixture_status status;
  int64_t league_id = 0;
  std::string league_name;
  std::string league_country;
  std::string league_round;
  int league_season = 0;
  team_ref home;
  team_ref away;
  score_pair goals;
  score_pair halftime;
  score_pair fulltime;
  score_pair extratime;
  score_pair penalty;
  std::vector<event> events;               // only with id/ids or live=all
  std::vector<team_statistics> statistics; // only with id/ids
};

struct prediction {
  std::optional<team_ref> winner;
  std::string winner_comment; // "Win or draw"
  std::string advice;
  std::string under_over; // "-2.5"; empty when null
  std::optional<bool> win_or_draw;
  std::string goals_home;
  std::string goals_away;
  std::string percent_home; // "45%"
  std::string percent_draw;
  std::string percent_away;
  team_ref home;
  team_ref away;
  // e.g. "form" -> ("60%", "40%"), in API order
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> comparison;
  std::string home_last5_form; // "80%"
  std::string away_last5_form;
};

/// A team found by /teams?search= (item.team).
struct team_info {
  int64_t id = 0;
  std::string name;
  std::string country;
};

/// One row of a league table (/standings: league.standings[group][row]).
struct standing_row {
  std::string league_name;
  std::string group; ///< "La Liga", "Group A"
  int rank = 0;
  team_ref team;
  int points = 0;
  int played = 0, win = 0, draw = 0, lose = 0;
  int goals_for = 0, goals_against = 0, goals_diff = 0;
  std::string form; ///< "WWDLW", "" when null
};

struct api_status {
  std::string plan;
  bool active = false;
  int64_t requests_current = 0;
  int64_t requests_limit_day = 0;
};

enum class football_errc {
  malformed,       // not JSON, truncated, or the wrong shape
  bad_key,         // errors.token
  rate_limited,    // errors.rateLimit (per-minute limit)
  daily_quota,     // errors.requests
  plan_restricted, // errors.plan
  bad_request,     // any other errors field (required, league, page, ...)
  // Set by the transport and scheduling code, never by the decoders:
  http_status,
  timeout,
  network,
  quota_exhausted,
  busy,
  user_budget, // the asking user's upstream budget (limits.user-upstream-per-minute) is spent
};

struct football_error {
  football_errc code = football_errc::malformed;
  std::string user_message; // one polite sentence a Telegram user may see; no internals
  std::string detail;       // for logs: the field and the API's text
};

namespace detail {
struct errc_text {
  std::string_view name;
  std::string_view user_message;
};

// Indexed by football_errc, in declaration order.
inline constexpr errc_text errc_texts[] = {
    {"malformed", "The football data service sent an unreadable answer; please try again."},
    {"bad_key", "The football data service rejected Phoenix's access key."},
    {"rate_limited", "The football data service is busy right now; please try again in a minute."},
    {"daily_quota", "Today's football data quota is used up; cached results only until tomorrow."},
    {"plan_restricted", "That is not available on the current data plan."},
    {"bad_request", "The football data service did not understand that request."},
    {"http_status",
     "The football data service is having trouble right now; please try again later."},
    {"timeout", "The football data service took too long to answer; please try again."},
    {"network", "Phoenix could not reach the football data service; please try again later."},
    {"quota_exhausted",
     "Phoenix has used today's football data allowance; cached results only until tomorrow."},
    {"busy", "Phoenix is busy right now; please try again in a moment."},
    {"user_budget", "You have asked for a lot of new football data within a minute; please wait "
                    "a minute and try again."},
};
static_assert(std::size(errc_texts) == static_cast<std::size_t>(football_errc::user_budget) + 1);

inline const errc_text& texts_of(football_errc code) {
  static constexpr errc_text unknown{
      "unknown", "The football data service is unavailable right now; please try again later."};
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(errc_texts) ? errc_texts[index] : unknown;
}
} // namespace detail

/// The sentence a Telegram user may see for `code`.
inline std::string_view football_user_message(football_errc code) {
  return detail::texts_of(code).user_message;
}

/// Short stable name of `code` for logs and metrics ("rate_limited").
inline std::string_view to_string(football_errc code) {
  return detail::texts_of(code).name;
}

/// Builds an error carrying the standard user sentence for `code`.
inline football_error make_football_error(football_errc code, std::string detail) {
  return football_error{code, std::string(football_user_message(code)), std::move(detail)};
}

template <class T> struct decoded {
  std::optional<T> value;
  football_error error; // meaningful only when !ok()

  bool ok() const { return value.has_value(); }
};

} // namespace phoenix::core
