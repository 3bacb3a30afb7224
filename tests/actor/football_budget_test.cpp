// The football front with a real cache and a scripted fetcher that holds every
// fetch until the test answers it: identical queries share one fetch, a failed
// fetch serves stale data with its age, and API-Football's minute and day
// budgets (from the answers' headers) hold or refuse calls.
#include "actors/football.hpp"
#include "tests/actor/arrived.hpp"
#include "tests/actor/cache_fixture.hpp"
#include "tests/actor/football_answers.hpp"
#include "tests/actor/kit/scripted_actor.hpp"

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;
using core::football_errc;
using core::football_query;

struct front_fixture : cache_fixture {
  std::unique_ptr<scripted<api_fetcher_actor>> fetcher;
  football_config front_config;
  football_actor front;
  std::unique_ptr<caf::scoped_actor> users; ///< send the queries, get the answers

  front_fixture() {
    config.limits.stale_for = 1h;
    front_config.minute_window = 60s;
    front_config.user_upstream_per_minute = 0;
  }

  ~front_fixture() {
    caf::anon_send_exit(front, caf::exit_reason::user_shutdown);
    vs->run();
    users.reset();
    fetcher.reset();
  }

  void start_front() {
    start();
    fetcher = std::make_unique<scripted<api_fetcher_actor>>(*vs);
    // Decoding is answered at once (as the real fetcher does); fetches are held.
    fetcher->answer_with([](const caf::message& m) -> std::optional<caf::message> {
      if (!m.match_elements<decode_atom, football_query, core::cache_entry_ptr>())
        return std::nullopt;
      auto decoded = core::decode_payload(m.get_as<football_query>(1).kind,
                                          m.get_as<core::cache_entry_ptr>(2)->value);
      football_answer answer;
      answer.ok = decoded.ok();
      if (answer.ok)
        answer.data = std::make_shared<const core::football_payload>(std::move(*decoded.value));
      return caf::make_message(answer);
    });
    front = vs->sys->spawn(football, cache, std::vector<api_fetcher_actor>{fetcher->handle()},
                           front_config);
    users = std::make_unique<caf::scoped_actor>(*vs->sys, true);
    vs->run();
  }

  void send(const football_query& query) {
    (*users)->send(front, football_get_atom::value, query);
    vs->run();
  }

  std::vector<football_answer> answers() { return arrived<football_answer>(*users); }

  /// The fetches asked for so far, oldest first.
  std::vector<const received*> fetches() const {
    std::vector<const received*> out;
    for (auto& r : fetcher->all())
      if (r.is<caf::atom_value, football_query>())
        out.push_back(&r);
    return out;
  }

  /// Answers a fetch with the live fixtures and these quota headers.
  void fetched_live(const received& fetch, std::optional<int64_t> day_remaining = std::nullopt,
                    std::optional<int64_t> minute_remaining = std::nullopt,
                    caf::timespan ttl = 15s) {
    auto read = core::read_upstream_answer(
        football_query::live(), api_football_http(200, api_football_body("fixtures-live.json")));
    fetch_result result;
    result.ok = true;
    result.data = std::make_shared<const core::football_payload>(std::move(*read.outcome.data));
    result.body = read.cache_body;
    result.ttl = ttl;
    result.day_remaining = day_remaining;
    result.minute_remaining = minute_remaining;
    result.attempts = 1;
    fetcher->reply(fetch, result);
  }

  /// Answers a fetch with an error.
  void fetch_failed(const received& fetch, football_errc code) {
    fetch_result result;
    result.error = core::make_football_error(code, "test");
    result.attempts = 1;
    fetcher->reply(fetch, result);
  }

  football_stats stats() { return vs->ask<football_stats>(front, stats_atom::value); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(football_front_budget_tests, front_fixture)

BOOST_AUTO_TEST_CASE(identical_queries_in_flight_share_one_fetch) {
  start_front();
  send(football_query::live());
  send(football_query::live());
  send(football_query::fixture_by_id(7));
  auto asked = fetches();
  BOOST_REQUIRE_EQUAL(asked.size(), 2u); // live once, fixture 7 once
  BOOST_TEST((asked[0]->get<football_query>(1).kind == core::query_kind::live_fixtures));
  BOOST_TEST(answers().empty());
  fetched_live(*asked[0]);
  auto got = answers();
  BOOST_REQUIRE_EQUAL(got.size(), 2u); // both askers of the live query, from one fetch
  BOOST_TEST((got[0].ok && got[1].ok));
  BOOST_TEST(got[0].data == got[1].data); // the very same decoded data
  send(football_query::live());           // now from the cache
  BOOST_TEST(fetches().size() == 2u);
  BOOST_TEST(answers().size() == 1u);
  auto s = stats();
  BOOST_TEST(s.coalesced == 1u);
  BOOST_TEST(s.cache_hits == 1u);
  BOOST_TEST(s.upstream_calls == 2u);
}

BOOST_AUTO_TEST_CASE(a_failed_fetch_serves_stale_data_with_its_age) {
  start_front();
  send(football_query::live());
  fetched_live(*fetches()[0], std::nullopt, std::nullopt, 15s);
  BOOST_TEST(answers().size() == 1u);
  vs->advance(2min); // past the TTL, within stale_for
  send(football_query::live());
  BOOST_REQUIRE_EQUAL(fetches().size(), 2u); // expired: fetched again
  fetch_failed(*fetches()[1], football_errc::network);
  auto got = answers();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST(got[0].ok);
  BOOST_TEST(got[0].stale);
  BOOST_TEST((got[0].age >= 2min));
  BOOST_TEST(std::get<std::vector<core::fixture>>(*got[0].data).size() == 7u);
  send(football_query::fixture_by_id(7)); // never cached: the error itself
  fetch_failed(*fetches()[2], football_errc::network);
  got = answers();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST(!got[0].ok);
  BOOST_TEST((got[0].error.code == football_errc::network));
  auto s = stats();
  BOOST_TEST(s.stale_served == 1u);
  BOOST_TEST(s.errors == 1u);
}

BOOST_AUTO_TEST_CASE(a_spent_minute_budget_holds_calls_until_the_quota_tick) {
  start_front();
  send(football_query::live());
  fetched_live(*fetches()[0], 5000, 0); // the headers say: no call left this minute
  BOOST_TEST(answers().size() == 1u);
  send(football_query::fixture_by_id(7));
  BOOST_TEST(fetches().size() == 1u); // held
  vs->advance(59s);
  BOOST_TEST(fetches().size() == 1u);
  BOOST_TEST(answers().empty());
  vs->advance(1s); // the minute turned: the quota tick sends it
  BOOST_TEST(fetches().size() == 2u);
  auto s = stats();
  BOOST_TEST(s.quota_waits == 1u);
  BOOST_TEST(s.day_remaining == 5000);
}

BOOST_AUTO_TEST_CASE(the_last_call_of_the_minute_in_flight_holds_the_next_until_its_answer) {
  start_front();
  send(football_query::live());
  fetched_live(*fetches()[0], std::nullopt, 1); // one call left this minute
  send(football_query::fixture_by_id(7));       // takes it
  send(football_query::fixture_by_id(8));       // must wait for 7's answer
  BOOST_REQUIRE_EQUAL(fetches().size(), 2u);
  vs->advance(front_config.fetch_timeout - 1s); // only 7's answer (or its deadline) frees it
  BOOST_TEST(fetches().size() == 2u);
  fetched_live(*fetches()[1], std::nullopt, 30);
  BOOST_REQUIRE_EQUAL(fetches().size(), 3u);
  BOOST_TEST(fetches()[2]->get<football_query>(1).fixture == 8);
}

BOOST_AUTO_TEST_CASE(a_spent_day_budget_refuses_calls_without_making_them) {
  start_front();
  send(football_query::live());
  fetched_live(*fetches()[0], 0, 9); // the day's last call
  BOOST_TEST(answers().size() == 1u);
  send(football_query::fixture_by_id(7));
  BOOST_TEST(fetches().size() == 1u); // not made
  auto got = answers();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST((got[0].error.code == football_errc::quota_exhausted));
  BOOST_TEST(!got[0].error.user_message.empty());
  BOOST_TEST(stats().day_remaining == 0);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
