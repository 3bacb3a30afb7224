// The football front under virtual time, with a real cache and a scripted
// fetcher: held calls whose askers all gave up are dropped unmade, a full
// held queue answers "busy" at once, and each user has a budget of upstream
// calls per minute that cache hits do not touch.
#include "actors/football.hpp"
#include "tests/actor/cache_fixture.hpp"

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;
using core::football_errc;
using core::football_query;

/// What the fetcher stub saw, and how it answers.
struct fetch_script {
  std::vector<football_query> fetched;
  int rate_limited_next = 0; ///< answer this many fetches with errors.rateLimit
};

api_fetcher_actor::behavior_type fetcher_stub(std::shared_ptr<fetch_script> script) {
  auto some_data = [] {
    return std::make_shared<const core::football_payload>(std::vector<core::fixture>{});
  };
  return {
      [script, some_data](fetch_atom, const football_query& query) {
        script->fetched.push_back(query);
        fetch_result result;
        if (script->rate_limited_next > 0) {
          --script->rate_limited_next;
          result.error = core::make_football_error(football_errc::rate_limited, "errors.rateLimit");
          return result;
        }
        result.ok = true;
        result.data = some_data();
        result.body = "[]";
        result.ttl = 1h;
        return result;
      },
      [some_data](decode_atom, const football_query&, const core::cache_entry_ptr&) {
        football_answer answer;
        answer.ok = true;
        answer.data = some_data();
        return answer;
      },
      [](retry_atom, uint64_t) {},
  };
}

struct football_fixture : cache_fixture {
  std::shared_ptr<fetch_script> script = std::make_shared<fetch_script>();
  api_fetcher_actor fetcher;
  football_actor front;
  football_config front_config;
  std::unique_ptr<caf::scoped_actor> users; ///< sends the queries, gets the answers

  football_fixture() { front_config.minute_window = 60s; }

  ~football_fixture() {
    caf::anon_send_exit(front, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(fetcher, caf::exit_reason::user_shutdown);
    vs->sched->run();
    users.reset();
  }

  void start_front() {
    start();
    fetcher = vs->sys->spawn(fetcher_stub, script);
    front = vs->sys->spawn(football, cache, std::vector<api_fetcher_actor>{fetcher}, front_config);
    users = std::make_unique<caf::scoped_actor>(*vs->sys, true);
    vs->sched->run();
  }

  /// Sends a query without waiting for its answer; the asker gives up after `patience`.
  void send(int64_t fixture, int64_t user, caf::timespan patience = 2min, bool background = false) {
    (*users)->send(front, football_get_atom::value, football_query::fixture_by_id(fixture),
                   football_asker{user, patience, background});
    vs->sched->run();
  }

  /// The answers that arrived so far.
  std::vector<football_answer> answers() {
    std::vector<football_answer> out;
    for (bool more = true; more;)
      (*users)->receive([&](football_answer& a) { out.push_back(std::move(a)); },
                        caf::after(std::chrono::seconds{0}) >> [&] { more = false; });
    return out;
  }

  /// Sends a query and returns its answer (fails the test if none arrived).
  football_answer ask(int64_t fixture, int64_t user) {
    send(fixture, user);
    auto got = answers();
    BOOST_REQUIRE_EQUAL(got.size(), 1u);
    return got.front();
  }

  /// Spends the minute budget: the API answers the next call with errors.rateLimit.
  void spend_the_minute_budget() {
    script->rate_limited_next = 1;
    auto refused = ask(999, 0);
    BOOST_REQUIRE(refused.error.code == football_errc::rate_limited);
  }

  size_t fetched(int64_t fixture) const {
    return std::count_if(script->fetched.begin(), script->fetched.end(),
                         [fixture](const football_query& q) { return q.fixture == fixture; });
  }

  football_stats stats() { return vs->ask<football_stats>(front, stats_atom::value); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(football_front_tests)

BOOST_FIXTURE_TEST_CASE(a_held_call_is_dropped_when_every_asker_gave_up, football_fixture) {
  start_front();
  spend_the_minute_budget(); // calls are held for 60 s
  send(1, 11, 30s);          // gives up after 30 s
  send(2, 12, 30s);          // gives up too, but another asker joins it
  vs->advance(20s);
  send(2, 13, 2min);
  send(3, 14, 2min); // still waits when the minute turns
  BOOST_TEST(stats().quota_waits == 3u);
  vs->advance(41s); // the minute budget is back
  BOOST_TEST(fetched(1) == 0u);
  BOOST_TEST(fetched(2) == 1u);
  BOOST_TEST(fetched(3) == 1u);
  BOOST_TEST(answers().size() == 3u); // 2 (twice) and 3; nothing for the one who gave up
  auto s = stats();
  BOOST_TEST(s.held_dropped == 1u);
  BOOST_TEST(s.upstream_calls == 3u); // the refused one, 2 and 3
}

BOOST_FIXTURE_TEST_CASE(a_full_held_queue_answers_busy_at_once, football_fixture) {
  front_config.max_held = 2;
  start_front();
  spend_the_minute_budget();
  send(1, 11);
  send(2, 12);
  BOOST_TEST(answers().empty()); // both held
  auto busy = ask(3, 13);
  BOOST_TEST((busy.error.code == football_errc::busy));
  BOOST_TEST(busy.error.user_message ==
             "Phoenix is very busy right now; please try again in a minute.");
  send(1, 14); // joins a held call: no room needed
  BOOST_TEST(answers().empty());
  BOOST_TEST(stats().held_refused == 1u);
  vs->advance(61s);
  BOOST_TEST(answers().size() == 3u);
  BOOST_TEST(fetched(3) == 0u);
}

// The live alerts' poll never waits in line with users: refused at once
// while the budget is spent, made when it has room.
BOOST_FIXTURE_TEST_CASE(a_background_call_is_refused_rather_than_held, football_fixture) {
  start_front();
  spend_the_minute_budget();
  send(1, 0, 2min, true);
  auto refused = answers();
  BOOST_REQUIRE_EQUAL(refused.size(), 1u);
  BOOST_TEST((refused[0].error.code == football_errc::busy));
  BOOST_TEST(stats().quota_waits == 0u);
  send(2, 11); // a user's call is held as before
  BOOST_TEST(stats().quota_waits == 1u);
  vs->advance(61s);
  BOOST_TEST(answers().size() == 1u);
  send(1, 0, 2min, true);
  BOOST_TEST(answers().size() == 1u);
  BOOST_TEST(fetched(1) == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_full_held_queue_first_drops_the_calls_nobody_waits_for,
                        football_fixture) {
  front_config.max_held = 1;
  start_front();
  spend_the_minute_budget();
  send(1, 11, 10s);
  vs->advance(11s); // the asker of 1 gave up: its place is free
  send(2, 12);
  BOOST_TEST(answers().empty());
  auto s = stats();
  BOOST_TEST(s.held_refused == 0u);
  BOOST_TEST(s.held_dropped == 1u);
  vs->advance(50s);
  BOOST_TEST(answers().size() == 1u);
  BOOST_TEST(fetched(1) == 0u);
  BOOST_TEST(fetched(2) == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_user_beyond_the_budget_is_refused_and_cache_hits_are_free,
                        football_fixture) {
  front_config.user_upstream_per_minute = 3;
  start_front();
  for (int64_t fixture : {1, 2, 3})
    BOOST_TEST(ask(fixture, 5).ok);
  BOOST_TEST(ask(1, 5).ok); // cached: free
  auto refused = ask(4, 5);
  BOOST_TEST((refused.error.code == football_errc::user_budget));
  BOOST_TEST(refused.error.user_message == "You have asked for a lot of new football data within "
                                           "a minute; please wait a minute and try again.");
  BOOST_TEST(fetched(4) == 0u);
  BOOST_TEST(ask(4, 6).ok); // another user has a budget of their own
  BOOST_TEST(ask(4, 5).ok); // now cached
  BOOST_TEST(stats().user_refusals == 1u);
  vs->advance(60s);
  BOOST_TEST(ask(5, 5).ok); // a new minute
  BOOST_TEST(script->fetched.size() == 5u);
}

BOOST_FIXTURE_TEST_CASE(a_call_goes_when_anyone_waiting_for_it_has_budget, football_fixture) {
  front_config.user_upstream_per_minute = 1;
  start_front();
  BOOST_TEST(ask(1, 5).ok);
  // User 5 is out of budget; user 6 asks the same while 5's lookup is under way.
  (*users)->send(front, football_get_atom::value, football_query::fixture_by_id(2),
                 football_asker{5, 30s});
  (*users)->send(front, football_get_atom::value, football_query::fixture_by_id(2),
                 football_asker{6, 30s});
  vs->sched->run();
  auto got = answers();
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST((got[0].ok && got[1].ok));
  BOOST_TEST(fetched(2) == 1u);
  BOOST_TEST((ask(3, 6).error.code == football_errc::user_budget)); // 6 paid for 2
}

BOOST_FIXTURE_TEST_CASE(queries_without_a_user_are_never_refused, football_fixture) {
  front_config.user_upstream_per_minute = 1;
  start_front();
  for (int64_t fixture = 1; fixture <= 5; ++fixture)
    BOOST_TEST(ask(fixture, 0).ok);
  BOOST_TEST(stats().user_refusals == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
