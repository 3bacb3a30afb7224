// The /analyze report: a match, its head-to-head record, recent form, the
// statistics when played, and the API's prediction. HTML, escaped.
#pragma once

#include "core/football/football_types.hpp"

#include <optional>
#include <string>
#include <vector>

namespace phoenix::core {

/// Wins, draws and goals of the two teams over their meetings.
struct head_to_head_record {
  int played = 0;
  int home_wins = 0; ///< wins of `match.home` (wherever they played)
  int away_wins = 0;
  int draws = 0;
  int home_goals = 0;
  int away_goals = 0;
};

head_to_head_record tally(const fixture& match, const std::vector<fixture>& meetings);

/// `job_id` heads the report; `meetings` are finished or not (only finished count).
/// Meetings of other teams and a prediction for another match (other home or
/// away team) are left out with a note: never shown as this match's.
std::string render_analysis(int64_t job_id, const fixture& match,
                            const std::vector<fixture>& meetings,
                            const std::optional<prediction>& forecast);

/// The steps of an analysis job, as its progress line shows them (/job).
enum class analysis_step { fixture, head_to_head, prediction };
std::string analysis_progress(analysis_step step);

/// Why an analysis failed when the football front did not answer its step in time (plain text).
std::string analysis_timeout_result();

} // namespace phoenix::core
