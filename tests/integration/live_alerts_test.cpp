// The fake API-Football's scripted live matches, polled with the real HTTP
// client over loopback, decoded (decode_live_fixtures) and diffed poll by poll
// (live_diff): exactly the alerts the timeline holds, each once.
#include "core/football/live_diff.hpp"
#include "core/http/http_client.hpp"
#include "tests/fakes/fake_api_football.hpp"

#include <boost/test/unit_test.hpp>
#include <future>
#include <set>

using namespace phoenix;
using namespace std::chrono_literals;

namespace {

core::http_result get(core::http_client& client, const std::string& url) {
  core::http_request request;
  request.url = url;
  request.headers.emplace_back("x-apisports-key", "test-key");
  request.timeout = 5000ms;
  std::promise<core::http_result> answered;
  auto result = answered.get_future();
  client.async_request(std::move(request),
                       [&answered](core::http_result r) { answered.set_value(std::move(r)); });
  BOOST_REQUIRE(result.wait_for(20s) == std::future_status::ready);
  return result.get();
}

core::live_snapshot poll(core::http_client& client, const fakes::fake_api_football& fake) {
  const core::http_result result = get(client, fake.base_url() + "/fixtures?live=all");
  BOOST_REQUIRE_MESSAGE(result.ok(), result.message);
  BOOST_REQUIRE_EQUAL(result.response.status, 200u);
  auto decoded = core::decode_live_fixtures(result.response.body);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), decoded.error.detail);
  return std::move(*decoded.value);
}

std::string shown(const core::live_alert& alert) {
  std::string text = (alert.action == core::alert_action::edit ? "edit " : "send ") + alert.key;
  return alert.player.empty() ? text : text + " " + alert.player;
}

// The clock case polls as fast as loopback answers: no quota may interfere.
fakes::fake_api_football_options unlimited() {
  fakes::fake_api_football_options options = fakes::options_for_tests();
  options.per_minute_limit = options.daily_limit = 1000000000;
  return options;
}

struct live_poller {
  fakes::fake_api_football fake{unlimited()};
  core::http_client client{{1, 4, true, ""}};
  core::live_snapshot previous;
  std::vector<std::string> alerts;

  core::live_snapshot poll_and_diff() {
    core::live_snapshot current = poll(client, fake);
    for (const core::live_alert& alert : core::live_diff(previous, current))
      alerts.push_back(shown(alert));
    previous = current;
    return current;
  }
};

// The timeline of tests/fakes/data/api-football/live-scripted.json, step by step.
const std::vector<std::string> expected_alerts = {
    "send 9170001:kick_off",                           // step 1
    "send 9170001:goal:917001:1",                      // 2: the score only
    "send 9170002:kick_off",                           // 2: the second match
    "edit 9170001:goal:917001:1 R. Striker",           // 3: the scorer, late
    "send 9170001:goal:917002:1 U. Forward",           // 5 (4: minute corrected)
    "send 9170001:goal_cancelled:917002:1 U. Forward", // 6: VAR
    "send 9170002:match_stopped:ABD",                  // 6
    "send 9170001:half_time",                          // 7
    "send 9170001:red_card:917002:1 U. Defender",      // 8
    "send 9170001:missed_penalty:917001:1 R. Captain", // 9
    "send 9170001:goal:917002:1.1 R. Stopper",         // 10: own goal, after the VAR one
    "send 9170001:goal:917001:2 R. Striker",           // 11: penalty, 90+2
    "send 9170001:full_time",                          // 12
};

} // namespace

BOOST_AUTO_TEST_SUITE(live_alerts_tests)

BOOST_AUTO_TEST_CASE(a_scripted_match_polled_over_http_gives_exactly_its_alerts) {
  live_poller p;
  BOOST_REQUIRE_EQUAL(p.fake.live_steps(), 13);
  BOOST_CHECK_EQUAL(p.fake.live_step(), -1);
  // Off by default: live=all answers the samples, without the scripted fixture.
  BOOST_CHECK(poll(p.client, p.fake).count(9170001) == 0);

  p.fake.set_live_step(0);
  BOOST_CHECK(p.poll_and_diff().empty()); // both matches not started yet
  for (int step = 1; step < p.fake.live_steps(); ++step) {
    // Every other step through the control endpoint, as a separate process would.
    if (step % 2 == 0) {
      const auto control = get(p.client, p.fake.base_url() + "/__control?live_advance=1");
      BOOST_REQUIRE_EQUAL(control.response.status, 200u);
      BOOST_CHECK(control.response.body.find("\"live_step\":" + std::to_string(step)) !=
                  std::string::npos);
    } else {
      p.fake.advance_live();
    }
    p.poll_and_diff();
  }
  BOOST_CHECK_EQUAL_COLLECTIONS(p.alerts.begin(), p.alerts.end(), expected_alerts.begin(),
                                expected_alerts.end());
  // The last step stays; a poll after it is news to nobody.
  p.fake.advance_live();
  BOOST_CHECK_EQUAL(p.fake.live_step(), 12);
  const std::size_t before = p.alerts.size();
  p.poll_and_diff();
  BOOST_CHECK_EQUAL(p.alerts.size(), before);
  // fixtures?id= answers the scripted state too.
  const auto by_id = get(p.client, p.fake.base_url() + "/fixtures?id=9170001");
  BOOST_CHECK(by_id.response.body.find("\"short\":\"FT\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_restart_mid_match_recomputes_only_keys_already_made) {
  live_poller p;
  p.fake.set_live_step(0);
  for (int step = 1; step <= 9; ++step) {
    p.fake.set_live_step(step);
    p.poll_and_diff();
  }
  std::set<std::string> keys;
  for (const std::string& alert : p.alerts)
    keys.insert(alert.substr(5, alert.find(' ', 5) - 5));
  // A new process polls from nothing: every key it makes was made before, so
  // the alert store (alerts_sent) lets none through twice.
  const core::live_snapshot now = poll(p.client, p.fake);
  const auto again = core::live_diff({}, now);
  BOOST_CHECK(!again.empty());
  for (const core::live_alert& alert : again)
    BOOST_CHECK_MESSAGE(keys.count(alert.key) == 1, alert.key);
}

BOOST_AUTO_TEST_CASE(the_fake_plays_the_match_by_its_own_clock_and_refuses_bad_controls) {
  live_poller p;
  const auto bad = get(p.client, p.fake.base_url() + "/__control?live_step=x");
  BOOST_CHECK_EQUAL(bad.response.status, 400u);
  BOOST_CHECK_EQUAL(p.fake.live_step(), -1);

  p.fake.set_live_interval(20ms);
  // Polls until the scripted match is over (an observable condition, with a deadline).
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool over = false;
  while (!over && std::chrono::steady_clock::now() < deadline) {
    const core::live_snapshot now = p.poll_and_diff();
    over = now.count(9170001) && now.at(9170001).status.short_name == "FT";
  }
  BOOST_REQUIRE(over);
  BOOST_CHECK_EQUAL(p.fake.live_step(), 12);
  BOOST_CHECK_EQUAL(p.alerts.back(), "send 9170001:full_time");
  get(p.client, p.fake.base_url() + "/__control?live_off=1");
  BOOST_CHECK_EQUAL(p.fake.live_step(), -1);
}

BOOST_AUTO_TEST_SUITE_END()
