#include "core/football/live_diff.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace phoenix::core {
namespace {

bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool starts_with_text(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && same_text(text.substr(0, prefix.size()), prefix);
}

bool is_missed_penalty(const event& e) {
  return e.type == "Goal" && same_text(e.detail, "Missed Penalty");
}
bool is_goal(const event& e) {
  return e.type == "Goal" && !is_missed_penalty(e);
}
bool is_red_card(const event& e) {
  return e.type == "Card" &&
         (same_text(e.detail, "Red Card") || same_text(e.detail, "Second Yellow card"));
}
// The API's wording varies: "Goal cancelled", "Goal Disallowed - offside", ...
bool is_goal_cancelled(const event& e) {
  return e.type == "Var" && (starts_with_text(e.detail, "Goal cancelled") ||
                             starts_with_text(e.detail, "Goal Disallowed"));
}

using when = std::pair<int, int>; // (elapsed, extra): 45+2 comes before 46
when time_of(const event& e) {
  return {e.elapsed.value_or(0), e.extra.value_or(0)};
}

std::optional<alert_kind> milestone(std::string_view status) {
  if (status == "1H")
    return alert_kind::kick_off;
  if (status == "HT")
    return alert_kind::half_time;
  if (status == "ET")
    return alert_kind::extra_time;
  if (status == "P")
    return alert_kind::penalty_shootout;
  if (status == "FT" || status == "AET" || status == "PEN")
    return alert_kind::full_time;
  if (status == "ABD" || status == "CANC" || status == "PST" || status == "AWD" || status == "WO")
    return alert_kind::match_stopped;
  return std::nullopt;
}

/// Home is side 0, away side 1; events of any other team are ignored.
std::optional<int> side_of(const live_match& match, int64_t team_id) {
  if (team_id == match.home.id)
    return 0;
  if (team_id == match.away.id)
    return 1;
  return std::nullopt;
}

int score_of(const score_pair& score, int side) {
  return (side == 0 ? score.home : score.away).value_or(0);
}

live_alert match_alert(const live_match& match, alert_kind kind, std::string key) {
  live_alert out;
  out.key = std::move(key);
  out.kind = kind;
  out.fixture_id = match.fixture_id;
  out.league_name = match.league_name;
  out.home = match.home;
  out.away = match.away;
  out.score = match.goals;
  out.penalty = match.penalty;
  out.status = match.status.short_name;
  out.elapsed = match.status.elapsed;
  out.extra = match.status.extra;
  return out;
}

live_alert event_alert(const live_match& match, alert_kind kind, int side, const event* source,
                       std::string key_tail) {
  const team_ref& team = side == 0 ? match.home : match.away;
  live_alert out =
      match_alert(match, kind,
                  std::to_string(match.fixture_id) + ":" + std::string(to_string(kind)) + ":" +
                      std::to_string(team.id) + ":" + key_tail);
  out.team_id = team.id;
  out.team_name = team.name;
  if (source != nullptr) {
    out.player = source->player;
    out.assist = source->assist;
    out.detail = source->detail;
    out.elapsed = source->elapsed;
    out.extra = source->extra;
  }
  return out;
}

struct side_events {
  std::vector<const event*> goals, cancellations, red_cards, missed_penalties;
};

std::array<side_events, 2> sort_events(const live_match& match) {
  // A shoot-out's misses are no alerts of their own: the result tells.
  const bool shootout = match.status.short_name == "P" || match.status.short_name == "PEN" ||
                        match.penalty.home.has_value();
  std::array<side_events, 2> sides;
  for (const event& e : match.events) {
    const std::optional<int> side = side_of(match, e.team_id);
    // The API marks shoot-out kicks so (older answers only by their 120+N minute).
    if (!side || e.comments == "Penalty Shootout")
      continue;
    side_events& into = sides[*side];
    if (is_goal(e))
      into.goals.push_back(&e);
    else if (is_goal_cancelled(e))
      into.cancellations.push_back(&e);
    else if (is_red_card(e))
      into.red_cards.push_back(&e);
    else if (is_missed_penalty(e) && !(shootout && e.extra && e.elapsed.value_or(0) >= 120))
      into.missed_penalties.push_back(&e);
  }
  auto by_time = [](const event* a, const event* b) { return time_of(*a) < time_of(*b); };
  for (side_events& side : sides)
    for (auto* list : {&side.goals, &side.cancellations, &side.red_cards, &side.missed_penalties})
      std::stable_sort(list->begin(), list->end(), by_time);
  return sides;
}

/// The goal events behind a side's score, in order: while the feed lists
/// more goals than the score counts, a VAR-cancelled one (the latest goal at
/// or before its cancellation) goes first, then shoot-out kicks (the latest).
std::vector<const event*> counted_goals(const side_events& side, int scored) {
  std::vector<const event*> goals = side.goals;
  for (const event* cancel : side.cancellations) {
    if (static_cast<int>(goals.size()) <= scored)
      break;
    auto after = std::upper_bound(goals.begin(), goals.end(), time_of(*cancel),
                                  [](const when& t, const event* g) { return t < time_of(*g); });
    if (after != goals.begin())
      goals.erase(std::prev(after));
  }
  if (static_cast<int>(goals.size()) > scored)
    goals.resize(static_cast<std::size_t>(std::max(scored, 0)));
  return goals;
}

using counted = std::array<std::vector<const event*>, 2>;

/// The score just before `moment`, when the feed names every goal; otherwise
/// the score stays the current one (right for what just happened).
void set_score_before(live_alert& alert, const live_match& match, const counted& goals,
                      const event& moment) {
  std::array<int, 2> before{};
  for (int side = 0; side < 2; ++side) {
    if (static_cast<int>(goals[side].size()) < score_of(match.goals, side))
      return;
    before[side] =
        static_cast<int>(std::count_if(goals[side].begin(), goals[side].end(), [&](const event* g) {
          return g != &moment && time_of(*g) <= time_of(moment);
        }));
  }
  alert.score = score_pair{before[0], before[1]};
}

/// Goals, red cards and missed penalties of one fixture as it stands, by key.
std::vector<live_alert> event_alerts(const live_match& match) {
  const std::array<side_events, 2> sides = sort_events(match);
  counted goals;
  for (int side = 0; side < 2; ++side)
    goals[side] = counted_goals(sides[side], score_of(match.goals, side));

  std::vector<live_alert> out;
  for (int side = 0; side < 2; ++side) {
    for (int ordinal = 1; ordinal <= score_of(match.goals, side); ++ordinal) {
      const event* source =
          ordinal <= static_cast<int>(goals[side].size()) ? goals[side][ordinal - 1] : nullptr;
      // VAR cancellations of this team before this goal: a goal scored again
      // after one gets a key of its own.
      const auto& cancels = sides[side].cancellations;
      const long earlier = source == nullptr
                               ? static_cast<long>(cancels.size())
                               : std::count_if(cancels.begin(), cancels.end(), [&](const event* c) {
                                   return time_of(*c) <= time_of(*source);
                                 });
      std::string tail = std::to_string(ordinal);
      if (earlier > 0)
        tail += "." + std::to_string(earlier);
      live_alert goal = event_alert(match, alert_kind::goal, side, source, tail);
      if (source != nullptr) {
        set_score_before(goal, match, goals, *source);
        (side == 0 ? goal.score.home : goal.score.away) = ordinal; // this goal included
      }
      out.push_back(std::move(goal));
    }
    int ordinal = 0;
    for (const event* card : sides[side].red_cards) {
      out.push_back(
          event_alert(match, alert_kind::red_card, side, card, std::to_string(++ordinal)));
      set_score_before(out.back(), match, goals, *card);
    }
    ordinal = 0;
    for (const event* miss : sides[side].missed_penalties) {
      out.push_back(
          event_alert(match, alert_kind::missed_penalty, side, miss, std::to_string(++ordinal)));
      set_score_before(out.back(), match, goals, *miss);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const live_alert& a, const live_alert& b) {
    return std::make_pair(a.elapsed.value_or(0), a.extra.value_or(0)) <
           std::make_pair(b.elapsed.value_or(0), b.extra.value_or(0));
  });
  return out;
}

const live_alert* find_key(const std::vector<live_alert>& alerts, const std::string& key) {
  auto found =
      std::find_if(alerts.begin(), alerts.end(), [&](const live_alert& a) { return a.key == key; });
  return found == alerts.end() ? nullptr : &*found;
}

/// Only what a reader would see changed: a corrected minute is not news.
bool named_differently(const live_alert& before, const live_alert& now) {
  return before.player != now.player || before.assist != now.assist || before.detail != now.detail;
}

void diff_fixture(const live_match* previous, const live_match& current,
                  std::vector<live_alert>& out) {
  const std::optional<alert_kind> now = milestone(current.status.short_name);
  const bool status_news =
      now && (previous == nullptr || milestone(previous->status.short_name) != now);
  const std::string id = std::to_string(current.fixture_id);
  if (status_news && *now == alert_kind::kick_off)
    out.push_back(match_alert(current, *now, id + ":kick_off"));

  const std::vector<live_alert> before =
      previous ? event_alerts(*previous) : std::vector<live_alert>{};
  const std::vector<live_alert> after = event_alerts(current);
  for (const live_alert& alert : after) {
    const live_alert* sent = find_key(before, alert.key);
    if (sent == nullptr) {
      out.push_back(alert);
    } else if (named_differently(*sent, alert)) {
      out.push_back(alert);
      out.back().action = alert_action::edit;
    }
  }
  // A goal gone from the score: one correction, keyed on the goal it takes back.
  for (const live_alert& gone : before) {
    if (gone.kind != alert_kind::goal || find_key(after, gone.key) != nullptr)
      continue;
    const int side = gone.team_id == current.home.id ? 0 : 1;
    if (score_of(current.goals, side) >= score_of(previous->goals, side))
      continue;
    live_alert cancelled = gone;
    cancelled.kind = alert_kind::goal_cancelled;
    cancelled.key = id + ":goal_cancelled" + gone.key.substr(gone.key.find(":goal:") + 5);
    cancelled.score = current.goals;
    cancelled.status = current.status.short_name;
    out.push_back(std::move(cancelled));
  }

  if (status_news && *now != alert_kind::kick_off) {
    std::string key = id + ":" + std::string(to_string(*now));
    if (*now == alert_kind::match_stopped)
      key += ":" + current.status.short_name;
    out.push_back(match_alert(current, *now, std::move(key)));
  }
}

} // namespace

std::string_view to_string(alert_kind kind) {
  switch (kind) {
  case alert_kind::kick_off:
    return "kick_off";
  case alert_kind::goal:
    return "goal";
  case alert_kind::missed_penalty:
    return "missed_penalty";
  case alert_kind::red_card:
    return "red_card";
  case alert_kind::goal_cancelled:
    return "goal_cancelled";
  case alert_kind::half_time:
    return "half_time";
  case alert_kind::extra_time:
    return "extra_time";
  case alert_kind::penalty_shootout:
    return "penalty_shootout";
  case alert_kind::full_time:
    return "full_time";
  case alert_kind::match_stopped:
    return "match_stopped";
  }
  return "unknown";
}

std::vector<live_alert> live_diff(const live_snapshot& previous, const live_snapshot& current) {
  std::vector<live_alert> out;
  for (const auto& [id, match] : current) {
    auto found = previous.find(id);
    diff_fixture(found == previous.end() ? nullptr : &found->second, match, out);
  }
  return out;
}

} // namespace phoenix::core
