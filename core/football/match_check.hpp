// Whether an API-Football answer is about what Phoenix asked for. Upstream has
// sent a prediction of another match for /analyze; whatever carries a fixture
// id or team ids is checked against the request, so that a part about another
// fixture or team is left out with a note, never shown as this match's.
#pragma once

#include "core/football/football_payload.hpp"
#include "core/football/football_query.hpp"
#include "core/football/football_types.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace phoenix::core {

/// The fixture with `fixture_id` in a /fixtures?id= answer, or nullptr.
const fixture* requested_fixture(const std::vector<fixture>& answer, int64_t fixture_id);

/// A malformed error when the main data of `payload` is not what `query` asked
/// for: a /fixtures?id= answer whose fixtures are all other ones. Such an
/// answer is neither shown nor cached. nullopt when it fits (or has nothing
/// to check).
std::optional<football_error> answer_mismatch(const football_query& query,
                                              const football_payload& payload);

/// Whether `team_id` is the home or the away team of `match`.
bool plays_in(const fixture& match, int64_t team_id);

/// The meetings of the two teams of `match` (either side at home); others
/// are counted in `left_out`.
std::vector<fixture> meetings_between(const fixture& match, const std::vector<fixture>& answer,
                                      std::size_t& left_out);

/// Whether `forecast` names the home and the away team of `match`.
bool prediction_is_for(const prediction& forecast, const fixture& match);

/// Events and statistics of a team that does not play in the match.
struct foreign_parts {
  std::size_t events = 0;
  std::size_t statistics = 0;
  bool any() const { return events + statistics > 0; }
};

/// Counts the events and statistics entries of `match` whose team id is set
/// and is neither of its teams.
foreign_parts foreign_parts_of(const fixture& match);

/// `match` without those parts.
fixture without_foreign_parts(const fixture& match);

/// The note shown where parts were left out ("" when none were).
std::string left_out_note(const foreign_parts& parts);

} // namespace phoenix::core
