#include "core/football/upstream_answer.hpp"

#include "core/football/match_check.hpp"

namespace phoenix::core {

upstream_answer read_upstream_answer(const football_query& query, http_result result) {
  upstream_answer answer;
  answer.outcome = classify_upstream(query.kind, result);
  auto& outcome = answer.outcome;
  if (!outcome.data)
    return answer;
  // An answer about another fixture is neither cached nor shown; asking again would not help.
  if (auto mismatch = answer_mismatch(query, *outcome.data)) {
    outcome.data.reset();
    outcome.error = std::move(*mismatch);
    outcome.retryable = false;
    return answer;
  }
  answer.all_finished = all_finished(*outcome.data);
  answer.any_live = any_live(*outcome.data);
  answer.cache_body = cacheable_body(query.kind, std::move(result.response.body));
  return answer;
}

} // namespace phoenix::core
