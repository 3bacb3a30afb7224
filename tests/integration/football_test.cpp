// The football front, its fetchers and the cache, for real, against the fake
// API-Football over loopback: coalescing, caching, stale answers, retries and
// typed errors.
#include "actors/api_fetcher.hpp"
#include "actors/cache.hpp"
#include "actors/football.hpp"
#include "actors/network_edge.hpp"
#include "app/config.hpp"
#include "tests/fakes/fake_api_football.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <filesystem>
#include <spdlog/spdlog.h>

using namespace phoenix;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using core::football_query;
using core::query_kind;

namespace {

struct football_fixture {
  fakes::fake_api_football fake{fakes::options_for_tests()};
  fs::path folder = fs::temp_directory_path() / ("phoenix-football-" + std::to_string(::getpid()));
  phoenix_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<core::http_client> http;
  cache_actor cache;
  football_actor front;

  explicit football_fixture(std::string key = "test-key", std::chrono::nanoseconds stats_ttl = 60s,
                            caf::timespan minute_window = 60s) {
    spdlog::set_level(spdlog::level::err);
    fs::create_directories(folder);
    sys = std::make_unique<caf::actor_system>(cfg);
    http = std::make_shared<core::http_client>(core::http_client_options{1, 64, true, ""});
    cache_config cc;
    cc.path = (folder / "cache.snapshot").string();
    cc.flush_interval = 1h;
    cc.limits.stale_for = 24h;
    cache = spawn_cache(*sys, cc);
    api_fetcher_config fc;
    fc.api_url = fake.base_url();
    fc.api_key = std::move(key);
    fc.request_timeout = 3s;
    fc.retries = 3;
    fc.backoff_base = 10ms;
    fc.ttl.stats = stats_ttl;
    fc.edge = spawn_football_edge(*sys, http);
    std::vector<api_fetcher_actor> fetchers;
    for (int i = 0; i < 4; ++i)
      fetchers.push_back(sys->spawn(api_fetcher, fc));
    football_config config;
    config.minute_window = minute_window;
    front = sys->spawn(football, cache, fetchers, config);
    for (auto& f : fetchers)
      front->attach_functor(
          [f](const caf::error&) { caf::anon_send_exit(f, caf::exit_reason::kill); });
  }

  ~football_fixture() {
    caf::anon_send_exit(front, caf::exit_reason::kill);
    caf::anon_send_exit(cache, caf::exit_reason::kill);
    sys->await_all_actors_done();
    sys.reset();
    http.reset();
    fs::remove_all(folder);
  }

  football_answer ask(const football_query& q) {
    caf::scoped_actor self{*sys};
    football_answer answer;
    self->request(front, 30s, football_get_atom::value, q)
        .receive([&](football_answer& a) { answer = std::move(a); },
                 [&](caf::error& e) { BOOST_FAIL("request failed: " << sys->render(e)); });
    return answer;
  }

  /// Sends all queries at once, then collects every answer.
  std::vector<football_answer> ask_all(const std::vector<football_query>& queries) {
    caf::scoped_actor self{*sys};
    for (auto& q : queries)
      self->send(front, football_get_atom::value, q);
    std::vector<football_answer> answers;
    for (size_t i = 0; i < queries.size(); ++i)
      self->receive([&](football_answer& a) { answers.push_back(std::move(a)); },
                    caf::after(std::chrono::seconds{30}) >> [&] { BOOST_FAIL("no answer"); });
    return answers;
  }

  football_stats stats() {
    caf::scoped_actor self{*sys};
    football_stats s;
    self->request(front, 5s, stats_atom::value)
        .receive([&](football_stats& x) { s = x; }, [](caf::error&) {});
    return s;
  }
};

const auto& fixtures_of(const football_answer& a) {
  return std::get<std::vector<core::fixture>>(*a.data);
}

} // namespace

BOOST_AUTO_TEST_SUITE(football_tests)

BOOST_AUTO_TEST_CASE(fixture_by_id_is_decoded) {
  football_fixture f;
  auto a = f.ask(football_query::fixture_by_id(1149523));
  BOOST_REQUIRE(a.ok);
  BOOST_REQUIRE(fixtures_of(a).size() == 1u);
  BOOST_TEST(fixtures_of(a)[0].id == 1149523);
  BOOST_TEST(!a.stale);
}

BOOST_AUTO_TEST_CASE(hundred_different_queries_do_not_wait_for_each_other) {
  football_fixture f;
  f.fake.set_latency(1000ms);
  std::vector<football_query> queries;
  for (int i = 0; i < 100; ++i)
    queries.push_back(football_query::fixture_by_id(5000 + i));
  auto started = std::chrono::steady_clock::now();
  auto answers = f.ask_all(queries);
  auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST((took < 5s)); // serially: 100 s
  for (auto& a : answers)
    BOOST_TEST(a.ok);
  BOOST_TEST(f.fake.calls("/fixtures") == 100u);
}

BOOST_AUTO_TEST_CASE(fifty_identical_queries_make_one_upstream_call) {
  football_fixture f;
  f.fake.set_latency(300ms);
  auto answers = f.ask_all(std::vector<football_query>(50, football_query::fixture_by_id(777)));
  BOOST_TEST(answers.size() == 50u);
  for (auto& a : answers) {
    BOOST_TEST(a.ok);
    BOOST_TEST(fixtures_of(a)[0].id == 777);
  }
  BOOST_TEST(f.fake.calls_for_fixture(777) == 1u);
  BOOST_TEST(f.stats().coalesced == 49u);
}

BOOST_AUTO_TEST_CASE(a_second_query_within_the_ttl_is_served_from_the_cache) {
  football_fixture f;
  BOOST_TEST(f.ask(football_query::of_kind(query_kind::statistics, 1208548)).ok);
  auto calls = f.fake.total_calls();
  auto again = f.ask(football_query::of_kind(query_kind::statistics, 1208548));
  BOOST_TEST(again.ok);
  BOOST_TEST(f.fake.total_calls() == calls);
  BOOST_TEST(f.stats().cache_hits == 1u);
}

BOOST_AUTO_TEST_CASE(cache_hits_reuse_the_decoded_answer) {
  football_fixture f;
  auto q = football_query::fixture_by_id(1149523);
  auto fresh = f.ask(q);
  auto first_hit = f.ask(q);
  auto second_hit = f.ask(q);
  BOOST_REQUIRE(fresh.ok && first_hit.ok && second_hit.ok);
  BOOST_TEST(f.fake.calls_for_fixture(1149523) == 1u);
  BOOST_TEST(f.stats().cache_hits == 2u);
  BOOST_TEST(first_hit.data != fresh.data);      // decoded from the cached text
  BOOST_TEST(second_hit.data == first_hit.data); // and not decoded again
  BOOST_TEST(fixtures_of(second_hit)[0].id == 1149523);
}

BOOST_AUTO_TEST_CASE(a_newer_cached_answer_is_decoded_afresh) {
  football_fixture f{"test-key", 1ns}; // statistics expire at once: hits are stale ones
  auto q = football_query::of_kind(query_kind::statistics, 1208548);
  BOOST_REQUIRE(f.ask(q).ok);
  f.fake.fail_next(100, 503);
  auto stale = f.ask(q);
  auto stale_again = f.ask(q);
  BOOST_REQUIRE(stale.stale && stale_again.stale);
  BOOST_TEST(stale_again.data == stale.data); // the same entry, decoded once
  f.fake.clear_faults();
  BOOST_REQUIRE(!f.ask(q).stale); // a fresh answer replaces the cached entry
  f.fake.fail_next(100, 503);
  auto newer = f.ask(q);
  BOOST_REQUIRE(newer.stale);
  BOOST_TEST(newer.data != stale.data); // the old decoded form is not served for it
  BOOST_TEST(f.stats().stale_served == 3u);
}

BOOST_AUTO_TEST_CASE(stale_data_is_served_with_its_age_when_upstream_fails) {
  football_fixture f{"test-key", 1ns}; // statistics expire at once
  auto q = football_query::of_kind(query_kind::statistics, 1208548);
  BOOST_REQUIRE(f.ask(q).ok);
  f.fake.fail_next(100, 503);
  auto stale = f.ask(q);
  BOOST_TEST(stale.ok);
  BOOST_TEST(stale.stale);
  BOOST_TEST((stale.age > caf::timespan::zero()));
  BOOST_TEST(f.stats().stale_served == 1u);
}

BOOST_AUTO_TEST_CASE(a_5xx_then_200_gives_one_answer_after_a_retry) {
  football_fixture f;
  f.fake.fail_next(1, 500);
  auto a = f.ask(football_query::fixture_by_id(4242));
  BOOST_TEST(a.ok);
  BOOST_TEST(f.fake.calls_for_fixture(4242) == 2u);
}

BOOST_AUTO_TEST_CASE(malformed_json_is_a_typed_error_and_not_retried) {
  football_fixture f;
  f.fake.malformed_next(1);
  auto a = f.ask(football_query::fixture_by_id(4343));
  BOOST_TEST(!a.ok);
  BOOST_TEST((a.error.code == core::football_errc::malformed));
  BOOST_TEST(!a.error.user_message.empty());
  BOOST_TEST(f.fake.calls_for_fixture(4343) == 1u);
}

BOOST_AUTO_TEST_CASE(errors_envelope_is_a_typed_error_without_retry) {
  football_fixture f;
  f.fake.envelope_error_next(1, "plan");
  auto a = f.ask(football_query::fixture_by_id(4444));
  BOOST_TEST((a.error.code == core::football_errc::plan_restricted));
  BOOST_TEST(f.fake.calls_for_fixture(4444) == 1u);
}

BOOST_AUTO_TEST_CASE(slower_than_the_deadline_is_a_timeout) {
  football_fixture f;
  f.fake.set_latency(10s);
  auto started = std::chrono::steady_clock::now();
  auto a = f.ask(football_query::fixture_by_id(4545));
  BOOST_TEST((a.error.code == core::football_errc::timeout));
  BOOST_TEST((std::chrono::steady_clock::now() - started < 6s));
}

BOOST_AUTO_TEST_CASE(a_wrong_or_missing_key_is_a_typed_error) {
  football_fixture wrong{"not-the-key"};
  BOOST_TEST(
      (wrong.ask(football_query::fixture_by_id(1)).error.code == core::football_errc::bad_key));
  football_fixture missing{""};
  auto a = missing.ask(football_query::fixture_by_id(1));
  BOOST_TEST((a.error.code == core::football_errc::bad_key));
}

BOOST_AUTO_TEST_CASE(the_day_budget_spent_answers_from_cache_or_with_a_clear_error) {
  football_fixture f;
  BOOST_REQUIRE(f.ask(football_query::fixture_by_id(1149523)).ok);
  f.fake.set_daily_remaining(0);
  BOOST_TEST(
      (f.ask(football_query::fixture_by_id(31)).error.code == core::football_errc::daily_quota));
  auto calls = f.fake.total_calls();
  auto a = f.ask(football_query::fixture_by_id(32));
  BOOST_TEST((a.error.code == core::football_errc::quota_exhausted));
  BOOST_TEST(f.fake.total_calls() == calls);                    // no call made
  BOOST_TEST(f.ask(football_query::fixture_by_id(1149523)).ok); // cached
}

BOOST_AUTO_TEST_CASE(a_spent_minute_budget_holds_the_next_call_until_the_window_turns) {
  football_fixture f{"test-key", 60s, 500ms};
  // The API says the minute budget is spent (errors.rateLimit). Not the
  // X-RateLimit-Remaining header: the fake's minute follows the wall clock,
  // and a minute turning over mid-test would make the test flaky.
  f.fake.envelope_error_next(1, "rateLimit");
  auto refused = f.ask(football_query::fixture_by_id(61));
  BOOST_TEST((refused.error.code == core::football_errc::rate_limited));
  auto started = std::chrono::steady_clock::now();
  auto held = f.ask(football_query::fixture_by_id(62));
  auto waited = std::chrono::steady_clock::now() - started;
  BOOST_TEST(held.ok);
  BOOST_TEST((waited >= 400ms));
  BOOST_TEST(f.stats().quota_waits == 1u);
  BOOST_TEST(f.fake.calls("/fixtures") == 2u); // no call was wasted on a refusal
}

BOOST_AUTO_TEST_CASE(a_held_call_nobody_waits_for_any_more_is_not_made) {
  football_fixture f{"test-key", 60s, 500ms};
  f.fake.envelope_error_next(1, "rateLimit"); // the minute budget is spent: calls are held
  BOOST_REQUIRE(
      (f.ask(football_query::fixture_by_id(63)).error.code == core::football_errc::rate_limited));
  caf::scoped_actor impatient{*f.sys};
  impatient->send(f.front, football_get_atom::value, football_query::fixture_by_id(64),
                  football_asker{1, 1ms});              // gives up long before the window turns
  auto held = f.ask(football_query::fixture_by_id(65)); // goes when the window turns
  BOOST_TEST(held.ok);
  BOOST_TEST(f.fake.calls_for_fixture(64) == 0u);
  BOOST_TEST(f.fake.calls("/fixtures") == 2u);
  BOOST_TEST(f.stats().held_dropped == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
