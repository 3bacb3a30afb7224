#include "actors/api_fetcher.hpp"

#include "actors/network_edge.hpp"
#include "core/football/football_payload.hpp"
#include "core/football/match_check.hpp"
#include "core/football/quota_tracker.hpp"
#include "core/football/upstream_answer.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = api_fetcher_actor::stateful_pointer<api_fetcher_state>;

constexpr std::chrono::seconds edge_margin{5};

void on_http_done(self_pointer self, uint64_t id, core::upstream_answer& answer);

void finish(self_pointer self, uint64_t id, fetch_result result) {
  auto pos = self->state.calls.find(id);
  if (pos == self->state.calls.end())
    return;
  result.attempts = pos->second.attempts;
  pos->second.promise.deliver(std::move(result));
  self->state.calls.erase(pos);
}

fetch_result failure(core::football_error error) {
  fetch_result result;
  result.error = std::move(error);
  return result;
}

// Sends one attempt; its completion comes back as an http_done message.
void send_attempt(self_pointer self, uint64_t id) {
  auto& call = self->state.calls.at(id);
  auto left = call.deadline - self->clock().now();
  if (left <= caf::timespan::zero())
    return finish(self, id,
                  failure(core::transport_error(core::football_errc::timeout,
                                                "deadline passed before the call")));
  auto& config = self->state.config;
  core::http_request request;
  request.url = config.api_url + core::request_target(call.query);
  request.headers.emplace_back("x-apisports-key", config.api_key);
  request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(left);
  ++call.attempts;
  // The client's own timeout answers first; the margin only covers an edge that never does.
  self->request(config.edge, left + edge_margin, http_atom::value, std::move(request), call.query)
      .then([self, id](core::upstream_answer& answer) { on_http_done(self, id, answer); },
            [self, id, query = call.query](const caf::error& err) {
              auto answer = core::read_upstream_answer(query, http_failure(err));
              on_http_done(self, id, answer);
            });
}

void on_http_done(self_pointer self, uint64_t id, core::upstream_answer& answer) {
  auto pos = self->state.calls.find(id);
  if (pos == self->state.calls.end())
    return;
  auto& call = pos->second;
  auto& config = self->state.config;
  auto& outcome = answer.outcome;
  if (outcome.data) {
    fetch_result ok;
    ok.ok = true;
    ok.ttl = core::ttl_for(call.query, config.ttl, answer.all_finished, answer.any_live);
    ok.data = std::make_shared<const core::football_payload>(std::move(*outcome.data));
    ok.body = std::move(answer.cache_body);
    ok.day_remaining = outcome.day_remaining;
    ok.minute_remaining = outcome.minute_remaining;
    return finish(self, id, std::move(ok));
  }
  auto now = self->clock().now();
  if (outcome.retryable && call.attempts <= static_cast<uint32_t>(config.retries)) {
    std::uniform_real_distribution<double> unit{0.0, 1.0};
    auto wait = core::full_jitter_backoff(static_cast<int>(call.attempts) - 1, config.backoff_base,
                                          config.backoff_cap, unit(self->state.random));
    // Only if the attempt after the backoff still has time to run.
    if (now + wait < call.deadline) {
      spdlog::debug("api_fetcher: {} failed ({}), attempt {} in {} ms",
                    core::to_string(call.query.kind), outcome.error.detail, call.attempts + 1,
                    wait.count());
      self->delayed_send(self, wait, retry_atom::value, id);
      return;
    }
  }
  spdlog::warn("api_fetcher: {} failed after {} attempt(s): {}", core::to_string(call.query.kind),
               call.attempts, outcome.error.detail);
  auto failed = failure(std::move(outcome.error));
  failed.day_remaining = outcome.day_remaining;
  failed.minute_remaining = outcome.minute_remaining;
  finish(self, id, std::move(failed));
}

} // namespace

api_fetcher_actor::behavior_type api_fetcher(self_pointer self, api_fetcher_config config) {
  self->state.config = std::move(config);
  return {
      [self](fetch_atom, const core::football_query& query) -> caf::result<fetch_result> {
        auto& st = self->state;
        auto id = st.next_id++;
        auto promise = self->make_response_promise<fetch_result>();
        st.calls.emplace(
            id, fetch_call{query, promise, self->clock().now() + st.config.request_timeout, 0});
        send_attempt(self, id);
        return promise;
      },
      [](decode_atom, const core::football_query& query, const core::cache_entry_ptr& entry) {
        football_answer answer;
        auto decoded = core::decode_payload(query.kind, entry ? entry->value : std::string_view{});
        if (decoded.ok())
          if (auto mismatch = core::answer_mismatch(query, *decoded.value)) {
            decoded.value.reset();
            decoded.error = std::move(*mismatch);
          }
        answer.ok = decoded.ok();
        if (decoded.ok())
          answer.data = std::make_shared<const core::football_payload>(std::move(*decoded.value));
        else
          answer.error = std::move(decoded.error);
        return answer;
      },
      [self](retry_atom, uint64_t id) {
        if (self->state.calls.count(id) != 0)
          send_attempt(self, id);
      },
  };
}

} // namespace phoenix
