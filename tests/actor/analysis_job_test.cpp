// An "analyze" job under virtual time, with a scripted football front and a
// scripted job registry: the three steps asked in order, progress on each,
// the report (or the user-facing reason) in job_done, the step timeout.
#include "actors/analysis_job.hpp"
#include "core/bot/analysis_report.hpp"
#include "core/bot/bot_text.hpp"
#include "tests/actor/probes.hpp"

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;

core::fixture match_of(int64_t id, int64_t home, int64_t away) {
  core::fixture f;
  f.id = id;
  f.home = {home, "Arsenal", std::nullopt};
  f.away = {away, "Chelsea", std::nullopt};
  f.league_name = "Premier League";
  f.date = "2024-05-01T19:00:00+00:00";
  f.status.short_name = "NS";
  return f;
}

core::fixture finished(core::fixture f, int home_goals, int away_goals) {
  f.status.short_name = "FT";
  f.goals.home = home_goals;
  f.goals.away = away_goals;
  return f;
}

football_answer answer_of(core::football_payload payload) {
  football_answer a;
  a.ok = true;
  a.data = std::make_shared<const core::football_payload>(std::move(payload));
  return a;
}

struct analysis_fixture {
  virtual_system vs;
  scripted<football_actor> football{vs};
  scripted<job_registry_actor> registry{vs};
  down_watch watch{vs};
  caf::scoped_actor spawner{*vs.sys, true};
  caf::actor job;

  /// Starts job 7 of chat 42 for fixture 1234.
  void start(const std::string& parameters = "1234") {
    core::job_record record;
    record.id = 7;
    record.owner_chat = 42;
    record.kind = "analyze";
    record.parameters = parameters;
    job = analysis_runner(football.handle())(spawner.ptr(), registry.handle(), record);
    watch.monitor(job);
    vs.run();
  }

  /// The next query the job asked the football front, with who asked.
  std::pair<core::football_query, football_asker> next_query() {
    auto [query, asker] =
        football.next_as<football_get_atom, core::football_query, football_asker>();
    return {query, asker};
  }

  /// The next progress line the job reported.
  std::string next_progress() {
    auto [id, line] = registry.next_as<job_progress_atom, int64_t, std::string>();
    BOOST_TEST(id == 7);
    return line;
  }

  /// The job's final report (ok, result), after any progress lines.
  std::pair<bool, std::string> done() {
    while (registry.has_next()) {
      auto& r = registry.next();
      if (r.is<caf::atom_value, int64_t, std::string>())
        continue; // a progress line
      BOOST_REQUIRE_MESSAGE((r.is<caf::atom_value, int64_t, bool, std::string>()) &&
                                r.get<caf::atom_value>(0) == job_done_atom::value,
                            "not job_done: " << caf::to_string(r.content));
      BOOST_TEST(r.get<int64_t>(1) == 7);
      BOOST_TEST(!registry.has_next());
      return {r.get<bool>(2), r.get<std::string>(3)};
    }
    BOOST_FAIL("the job did not report its end");
    return {};
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(analysis_job_actor_tests, analysis_fixture)

BOOST_AUTO_TEST_CASE(it_asks_for_fixture_head_to_head_and_prediction_then_reports) {
  start();
  BOOST_TEST(next_progress() == core::analysis_progress(core::analysis_step::fixture));
  auto [first, asker] = next_query();
  BOOST_TEST((first.kind == core::query_kind::fixture_by_id));
  BOOST_TEST(first.fixture == 1234);
  BOOST_TEST(asker.user == 42); // the job's calls spend its chat's budget
  BOOST_TEST((asker.patience == caf::timespan{60s}));
  auto match = match_of(1234, 1, 2);
  football.reply(football.last(), answer_of(std::vector<core::fixture>{match}));

  BOOST_TEST(next_progress() == core::analysis_progress(core::analysis_step::head_to_head));
  auto h2h = next_query().first;
  BOOST_TEST((h2h.kind == core::query_kind::head_to_head));
  BOOST_TEST(h2h.team_a == 1);
  BOOST_TEST(h2h.team_b == 2);
  BOOST_TEST(h2h.last == 10);
  football.reply(football.last(),
                 answer_of(std::vector<core::fixture>{finished(match_of(900, 1, 2), 2, 1),
                                                      finished(match_of(901, 2, 1), 0, 0)}));

  BOOST_TEST(next_progress() == core::analysis_progress(core::analysis_step::prediction));
  auto forecast_query = next_query().first;
  BOOST_TEST((forecast_query.kind == core::query_kind::predictions));
  BOOST_TEST(forecast_query.fixture == 1234);
  core::prediction forecast;
  forecast.home = match.home;
  forecast.away = match.away;
  forecast.advice = "Double chance: Arsenal or draw";
  football.reply(football.last(), answer_of(std::vector<core::prediction>{forecast}));

  auto [ok, report] = done();
  BOOST_TEST(ok);
  BOOST_TEST(report == core::render_analysis(7, match,
                                             {finished(match_of(900, 1, 2), 2, 1),
                                              finished(match_of(901, 2, 1), 0, 0)},
                                             forecast));
  BOOST_TEST(report.find("Arsenal 1 wins, 1 draws, Chelsea 0 wins") != std::string::npos);
  BOOST_TEST(report.find("Double chance") != std::string::npos);
  BOOST_TEST(!football.has_next());
  BOOST_TEST(watch.down(job)); // the worker ends with its report
}

BOOST_AUTO_TEST_CASE(a_football_failure_fails_the_job_with_the_user_facing_reason) {
  start();
  next_query();
  football_answer refused;
  refused.error = core::make_football_error(core::football_errc::daily_quota, "errors.requests");
  football.reply(football.last(), refused);
  auto [ok, result] = done();
  BOOST_TEST(!ok);
  BOOST_TEST(result == core::football_user_message(core::football_errc::daily_quota));
  BOOST_TEST(result.find("errors.requests") == std::string::npos); // no internals
  BOOST_TEST(!football.has_next());
  BOOST_TEST(watch.down(job));
}

BOOST_AUTO_TEST_CASE(no_fixture_or_another_one_fails_the_job) {
  start();
  next_query();
  football.reply(football.last(), answer_of(std::vector<core::fixture>{}));
  BOOST_TEST(done().second == core::not_found_text());

  start(); // another one, answered about another fixture
  next_query();
  football.reply(football.last(), answer_of(std::vector<core::fixture>{match_of(999, 1, 2)}));
  auto [ok, result] = done();
  BOOST_TEST(!ok);
  BOOST_TEST(result == core::football_user_message(core::football_errc::malformed));
}

BOOST_AUTO_TEST_CASE(no_answer_fails_the_job_after_its_step_timeout) {
  start();
  next_progress();
  next_query(); // held: the front never answers
  vs.advance(60s - 1ms);
  BOOST_TEST(!registry.has_next());
  BOOST_TEST(!watch.down(job));
  vs.advance(1ms);
  auto [ok, result] = done();
  BOOST_TEST(!ok);
  BOOST_TEST(result == core::analysis_timeout_result());
  BOOST_TEST(watch.down(job));
}

BOOST_AUTO_TEST_CASE(later_steps_that_fail_or_time_out_still_give_a_report) {
  start();
  next_query();
  auto match = match_of(1234, 1, 2);
  football.reply(football.last(), answer_of(std::vector<core::fixture>{match}));
  next_query();
  football.fail(football.last(), caf::sec::request_timeout); // head-to-head fails
  auto forecast_query = next_query().first;
  BOOST_TEST((forecast_query.kind == core::query_kind::predictions));
  vs.advance(60s); // the prediction never comes
  auto [ok, report] = done();
  BOOST_TEST(ok);
  BOOST_TEST(report.find("No earlier meetings on record.") != std::string::npos);
  BOOST_TEST(report.find("No prediction available") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
