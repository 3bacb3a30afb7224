#include "core/bot/analysis_report.hpp"

#include "core/bot/bot_text.hpp"
#include "core/football/match_check.hpp"
#include "core/text/html_text.hpp"

namespace phoenix::core {

head_to_head_record tally(const fixture& match, const std::vector<fixture>& meetings) {
  head_to_head_record r;
  for (auto& m : meetings) {
    if (m.id == match.id || !m.status.is_finished() || !m.goals.home || !m.goals.away)
      continue;
    // Orient every meeting from the point of view of this match's home team.
    bool same_sides = m.home.id == match.home.id;
    int ours = same_sides ? *m.goals.home : *m.goals.away;
    int theirs = same_sides ? *m.goals.away : *m.goals.home;
    ++r.played;
    r.home_goals += ours;
    r.away_goals += theirs;
    if (ours > theirs)
      ++r.home_wins;
    else if (ours < theirs)
      ++r.away_wins;
    else
      ++r.draws;
  }
  return r;
}

std::string render_analysis(int64_t job_id, const fixture& match,
                            const std::vector<fixture>& answered_meetings,
                            const std::optional<prediction>& answered_forecast) {
  // Parts about other teams or another match are left out, each with a note.
  std::size_t other_meetings = 0;
  auto meetings = meetings_between(match, answered_meetings, other_meetings);
  bool foreign_forecast = answered_forecast && !prediction_is_for(*answered_forecast, match);
  std::optional<prediction> forecast;
  if (!foreign_forecast)
    forecast = answered_forecast;
  auto home = html_escape(match.home.name);
  auto away = html_escape(match.away.name);
  std::string out =
      "<b>Analysis #" + std::to_string(job_id) + ": " + home + " – " + away + "</b>\n";
  out += html_escape(match.league_name) + " · " + html_escape(match.date.substr(0, 10)) + " · " +
         html_escape(status_label(match.status)) + "\n";
  auto record = tally(match, meetings);
  out += "\n<b>Head to head</b> (last " + std::to_string(record.played) + " finished)\n";
  if (record.played == 0) {
    out += "No earlier meetings on record.\n";
  } else {
    out += home + " " + std::to_string(record.home_wins) + " wins, " +
           std::to_string(record.draws) + " draws, " + away + " " +
           std::to_string(record.away_wins) + " wins\n";
    out += "Goals " + std::to_string(record.home_goals) + ":" + std::to_string(record.away_goals) +
           "\n";
  }
  if (other_meetings > 0)
    out += "<i>Left out: " + std::to_string(other_meetings) +
           (other_meetings == 1 ? " match" : " matches") +
           " of other teams that the data service sent as meetings of these two.</i>\n";
  if (forecast) {
    if (!forecast->home_last5_form.empty() || !forecast->away_last5_form.empty())
      out += "\n<b>Recent form</b>\n" + home + ": " + html_escape(forecast->home_last5_form) +
             "\n" + away + ": " + html_escape(forecast->away_last5_form) + "\n";
    out += "\n<b>Prediction</b>\n";
    if (!forecast->advice.empty())
      out += html_escape(forecast->advice) + "\n";
    if (!forecast->percent_home.empty())
      out += "Win chances: " + home + " " + html_escape(forecast->percent_home) + ", draw " +
             html_escape(forecast->percent_draw) + ", " + away + " " +
             html_escape(forecast->percent_away) + "\n";
    for (auto& [what, sides] : forecast->comparison)
      out += html_escape(what) + ": " + html_escape(sides.first) + " – " +
             html_escape(sides.second) + "\n";
  } else if (foreign_forecast) {
    out += "\n<i>No prediction shown: the data service sent one for another match.</i>\n";
  } else {
    out += "\nNo prediction available for this match.\n";
  }
  if (!match.statistics.empty()) {
    // The match was played: the full statistics as /stats shows them.
    out += "\n" + render_stats(match);
  }
  return out;
}

std::string analysis_progress(analysis_step step) {
  switch (step) {
  case analysis_step::fixture:
    return "loading the fixture";
  case analysis_step::head_to_head:
    return "loading head-to-head";
  case analysis_step::prediction:
    return "loading the prediction";
  }
  return "working";
}

std::string analysis_timeout_result() {
  return "The football data service did not answer in time.";
}

} // namespace phoenix::core
