// API-Football answers for scripted football edges and stand-ins: the bodies
// Phoenix ships (tests/fakes/data/api-football), HTTP results carrying them
// with quota headers, and what the edge makes of them (read_upstream_answer).
#pragma once

#include "core/football/football_payload.hpp"
#include "core/football/upstream_answer.hpp"
#include "messages/football.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

namespace phoenix::test {

/// One of the project's own API-Football answers, by file name.
inline std::string api_football_body(const std::string& name) {
  std::ifstream in(std::string{PHOENIX_SOURCE_DIR} + "/tests/fakes/data/api-football/" + name,
                   std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open the project's answer " << name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// An API-Football envelope with an empty response and these errors.
inline std::string api_football_errors(const std::string& errors_json) {
  return R"({"get":"fixtures","parameters":{},"errors":)" + errors_json +
         R"(,"results":0,"paging":{"current":1,"total":1},"response":[]})";
}

/// An HTTP exchange with API-Football that got `status` and `body`, with the
/// quota headers when given.
inline core::http_result api_football_http(unsigned status, std::string body,
                                           std::optional<int64_t> day_remaining = std::nullopt,
                                           std::optional<int64_t> minute_remaining = std::nullopt) {
  core::http_result r;
  r.response.status = status;
  r.response.headers.emplace_back("Content-Type", "application/json");
  if (day_remaining)
    r.response.headers.emplace_back("x-ratelimit-requests-remaining",
                                    std::to_string(*day_remaining));
  if (minute_remaining)
    r.response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(*minute_remaining));
  r.response.body = std::move(body);
  return r;
}

/// The decoded data of one of the project's answers.
inline std::shared_ptr<const core::football_payload> project_payload(core::query_kind kind,
                                                                     const std::string& name) {
  auto decoded = core::decode_payload(kind, api_football_body(name));
  BOOST_REQUIRE_MESSAGE(decoded.ok(), "the project's answer " << name << " does not decode");
  return std::make_shared<const core::football_payload>(std::move(*decoded.value));
}

/// A football front's good answer carrying `data`.
inline football_answer data_answer(std::shared_ptr<const core::football_payload> data) {
  football_answer answer;
  answer.ok = true;
  answer.data = std::move(data);
  return answer;
}

/// A football front's error answer.
inline football_answer error_answer(core::football_errc code, const std::string& detail) {
  football_answer answer;
  answer.error = core::make_football_error(code, detail);
  return answer;
}

} // namespace phoenix::test
