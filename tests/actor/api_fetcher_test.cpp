// The API fetcher under virtual time with a scripted football edge: one GET
// with the key per attempt, data with its TTL and the quota the headers
// announce, retries (5xx, network) with backoff inside request_timeout, no
// retry for what a retry cannot mend, and a deadline that always ends a call.
#include "actors/api_fetcher.hpp"
#include "tests/actor/arrived.hpp"
#include "tests/actor/football_answers.hpp"
#include "tests/actor/kit/scripted_actor.hpp"
#include "tests/actor/kit/telegram_answers.hpp"

#include <functional>

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;
using core::football_errc;
using core::football_query;

struct fetcher_fixture {
  captured_log log;
  virtual_system vs;
  scripted<football_edge_actor> edge{vs};
  api_fetcher_config config;
  api_fetcher_actor fetcher;
  caf::scoped_actor front{*vs.sys, true}; ///< asks, as the football front does
  std::vector<fetch_result> results;

  fetcher_fixture() {
    config.api_url = "http://football.test";
    config.api_key = "KEY123";
    config.request_timeout = 10s;
    config.retries = 3;
    config.backoff_base = 200ms;
    config.backoff_cap = 5s;
    config.ttl.live = 7s;
    config.edge = edge.handle();
  }

  ~fetcher_fixture() {
    caf::anon_send_exit(fetcher, caf::exit_reason::user_shutdown);
    vs.run();
  }

  void start() {
    fetcher = vs.sys->spawn(api_fetcher, config);
    vs.run();
  }

  void fetch(const football_query& query) {
    front->send(fetcher, fetch_atom::value, query);
    vs.run();
  }

  /// The results that came back so far, in order.
  std::vector<fetch_result>& results_now() {
    for (auto& r : arrived<fetch_result>(front))
      results.push_back(std::move(r));
    return results;
  }

  /// The next request the fetcher gave the edge.
  core::http_request next_request() {
    auto [request, query] = edge.next_as<http_atom, core::http_request, football_query>();
    return request;
  }

  /// Answers the request last handed out as the edge does: the exchange read.
  void answer(core::http_result http) {
    auto query = edge.last().get<football_query>(2);
    edge.reply(edge.last(), core::read_upstream_answer(query, std::move(http)));
  }

  /// Every attempt from now on gets this exchange at once.
  void always(std::function<core::http_result()> http) {
    edge.answer_with([http](const caf::message& m) -> std::optional<caf::message> {
      return caf::make_message(core::read_upstream_answer(m.get_as<football_query>(2), http()));
    });
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(api_fetcher_actor_tests, fetcher_fixture)

BOOST_AUTO_TEST_CASE(a_call_is_one_get_with_the_key_and_data_comes_with_its_ttl) {
  start();
  fetch(football_query::live());
  auto request = next_request();
  BOOST_TEST(request.method == "GET");
  BOOST_TEST(request.url == "http://football.test/fixtures?live=all");
  BOOST_REQUIRE_EQUAL(request.headers.size(), 1u);
  BOOST_TEST(request.headers[0].first == "x-apisports-key");
  BOOST_TEST(request.headers[0].second == "KEY123");
  BOOST_TEST((request.timeout == 10s)); // the whole call's time is left
  answer(api_football_http(200, api_football_body("fixtures-live.json")));
  auto& got = results_now();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST(got[0].ok);
  BOOST_TEST(std::get<std::vector<core::fixture>>(*got[0].data).size() == 7u);
  BOOST_TEST((got[0].ttl == 7s)); // ttl.live
  BOOST_TEST(!got[0].body.empty());
  BOOST_TEST(got[0].attempts == 1u);
  fetch(football_query::fixture_by_id(1149519)); // finished: kept for ttl.finished
  BOOST_TEST(next_request().url == "http://football.test/fixtures?id=1149519");
  answer(api_football_http(200, api_football_body("fixtures-by-ids-with-details.json")));
  BOOST_REQUIRE_EQUAL(results_now().size(), 2u);
  BOOST_TEST((results[1].ttl == config.ttl.finished));
}

BOOST_AUTO_TEST_CASE(the_quota_headers_are_reported_with_data_and_errors) {
  start();
  fetch(football_query::live());
  next_request();
  answer(api_football_http(200, api_football_body("fixtures-live.json"), 6543, 9));
  fetch(football_query::live());
  next_request();
  answer(api_football_http(200, api_football_body("error-rate-limit.json"), 6500, 0));
  fetch(football_query::live());
  next_request();
  answer(api_football_http(200, api_football_body("fixtures-live.json")));
  auto& got = results_now();
  BOOST_REQUIRE_EQUAL(got.size(), 3u);
  BOOST_TEST(got[0].day_remaining.value_or(-1) == 6543);
  BOOST_TEST(got[0].minute_remaining.value_or(-1) == 9);
  BOOST_TEST(!got[1].ok);
  BOOST_TEST(got[1].day_remaining.value_or(-1) == 6500);
  BOOST_TEST(got[1].minute_remaining.value_or(-1) == 0);
  BOOST_TEST(!got[2].day_remaining.has_value()); // no headers: nothing known
  BOOST_TEST(!got[2].minute_remaining.has_value());
}

BOOST_AUTO_TEST_CASE(a_5xx_is_retried_after_a_backoff_then_succeeds) {
  start();
  fetch(football_query::live());
  next_request();
  answer(api_football_http(503, "<html>Service Unavailable</html>"));
  BOOST_TEST(results_now().empty());
  vs.advance(config.backoff_base); // the first backoff is at most backoff_base
  auto retry = next_request();
  BOOST_TEST(retry.url == "http://football.test/fixtures?live=all");
  BOOST_TEST(log.lines_with("attempt 2 in") == 1u);
  answer(api_football_http(200, api_football_body("fixtures-live.json")));
  BOOST_REQUIRE_EQUAL(results_now().size(), 1u);
  BOOST_TEST(results[0].ok);
  BOOST_TEST(results[0].attempts == 2u);
}

BOOST_AUTO_TEST_CASE(network_errors_are_retried_until_the_attempts_run_out) {
  start();
  always([] { return network_failure(core::http_errc::connect); });
  fetch(football_query::live());
  BOOST_TEST(edge.count() == 1u);
  for (int second = 0; second < 5; ++second)
    vs.advance(1s);               // backoffs of at most 200, 400 and 800 ms: one retry per step
  BOOST_TEST(edge.count() == 4u); // the first attempt and `retries` more
  auto& got = results_now();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST(!got[0].ok);
  BOOST_TEST((got[0].error.code == football_errc::network));
  BOOST_TEST(got[0].attempts == 4u);
  BOOST_TEST(log.lines_with("failed after 4 attempt(s)") == 1u);
}

BOOST_AUTO_TEST_CASE(a_failure_at_the_deadline_is_not_retried) {
  start();
  fetch(football_query::live());
  next_request();
  vs.advance(config.request_timeout); // the edge answers just as the call's time is up
  answer(api_football_http(502, "Bad Gateway"));
  vs.advance(10s);
  BOOST_TEST(edge.count() == 1u);
  auto& got = results_now();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST((got[0].error.code == football_errc::network));
}

BOOST_AUTO_TEST_CASE(what_a_retry_cannot_mend_is_answered_after_one_attempt) {
  start();
  struct refusal {
    core::http_result http;
    football_errc code;
  };
  std::vector<refusal> refusals{
      {api_football_http(429, "Too Many Requests"), football_errc::rate_limited},
      {api_football_http(403, "Forbidden"), football_errc::bad_key},
      {api_football_http(200, api_football_body("error-rate-limit.json")),
       football_errc::rate_limited},
      {api_football_http(200, api_football_body("error-missing-key.json")), football_errc::bad_key},
      {api_football_http(200, api_football_errors(R"({"requests":"You have reached the limit"})")),
       football_errc::daily_quota},
      {api_football_http(200, api_football_body("error-plan-free-season.json")),
       football_errc::plan_restricted},
      {network_failure(core::http_errc::bad_url), football_errc::network},
  };
  for (size_t i = 0; i < refusals.size(); ++i) {
    BOOST_TEST_CONTEXT("refusal " << i) {
      fetch(football_query::live());
      next_request();
      answer(refusals[i].http);
      vs.advance(10s);
      BOOST_TEST(!edge.has_next()); // never retried
      auto& got = results_now();
      BOOST_REQUIRE_EQUAL(got.size(), i + 1);
      BOOST_TEST(!got[i].ok);
      BOOST_TEST((got[i].error.code == refusals[i].code));
      BOOST_TEST(!got[i].error.user_message.empty());
      BOOST_TEST(got[i].attempts == 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_call_whose_deadline_has_passed_is_not_made) {
  config.request_timeout = caf::timespan::zero();
  start();
  fetch(football_query::live());
  BOOST_TEST(edge.count() == 0u);
  auto& got = results_now();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST((got[0].error.code == football_errc::timeout));
  BOOST_TEST(got[0].attempts == 0u);
}

BOOST_AUTO_TEST_CASE(an_edge_that_never_answers_ends_in_a_timeout) {
  start();
  fetch(football_query::live());
  next_request();                                // held for ever
  vs.advance(config.request_timeout + 5s - 1ms); // the client's own timeout plus a margin
  BOOST_TEST(results_now().empty());
  vs.advance(1ms);
  vs.advance(10s);
  BOOST_TEST(edge.count() == 1u); // the call's time is over: no retry
  auto& got = results_now();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST((got[0].error.code == football_errc::timeout));
}

BOOST_AUTO_TEST_CASE(a_cached_entry_is_decoded_and_checked_against_its_query) {
  start();
  auto query = football_query::fixture_by_id(1149519);
  auto read = core::read_upstream_answer(
      query, api_football_http(200, api_football_body("fixtures-by-ids-with-details.json")));
  auto entry = std::make_shared<core::cache_entry>();
  entry->key = core::cache_key(query);
  entry->value = read.cache_body;
  core::cache_entry_ptr cached = entry;
  auto answer = vs.ask<football_answer>(fetcher, decode_atom::value, query, cached);
  BOOST_TEST(answer.ok);
  BOOST_TEST(std::get<std::vector<core::fixture>>(*answer.data).front().id == 1149519);
  auto other = vs.ask<football_answer>(fetcher, decode_atom::value,
                                       football_query::fixture_by_id(42), cached);
  BOOST_TEST(!other.ok); // an answer about another fixture is no answer
  BOOST_TEST(edge.count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
