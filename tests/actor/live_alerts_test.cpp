// The live alerts under virtual time, with the real football front (a
// scripted fetcher serves the live fixtures), the real sender (a scripted
// Telegram edge answers) and an in-memory alert store in the db pool's
// place: alerts reach each subscribed chat once, a late scorer edits the
// goal message, a restart sends only what was claimed and never sent, a
// standby polls nothing, and nobody subscribed means no API call.
#include "actors/football.hpp"
#include "actors/live_alerts.hpp"
#include "actors/telegram_sender.hpp"
#include "tests/actor/cache_fixture.hpp"
#include "tests/actor/kit/scripted_actor.hpp"
#include "tests/actor/kit/telegram_answers.hpp"

#include <map>
#include <set>

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;
namespace db = core::db;

/// What API-Football's live=all says now.
struct live_script {
  std::vector<core::fixture> live;
  size_t fetched = 0;
};

api_fetcher_actor::behavior_type live_fetcher(std::shared_ptr<live_script> script) {
  return {
      [script](fetch_atom, const core::football_query&) {
        ++script->fetched;
        fetch_result result;
        result.ok = true;
        result.data = std::make_shared<const core::football_payload>(script->live);
        return result; // ttl 0: not cached, each poll asks again
      },
      [](decode_atom, const core::football_query&, const core::cache_entry_ptr&) {
        return football_answer{};
      },
      [](retry_atom, uint64_t) {},
  };
}

// Fixture 700: Rovers (10) v United (20), `minute` played, events as given.
core::fixture match_at(int minute, int home_goals, std::vector<core::event> events = {}) {
  core::fixture f;
  f.id = 700;
  f.league_name = "Test League";
  f.status.short_name = "1H";
  f.status.elapsed = minute;
  f.home = core::team_ref{10, "Rovers", std::nullopt};
  f.away = core::team_ref{20, "United", std::nullopt};
  f.goals = core::score_pair{home_goals, 0};
  f.events = std::move(events);
  return f;
}

core::event home_goal(int minute, std::string player) {
  core::event e;
  e.elapsed = minute;
  e.team_id = 10;
  e.team_name = "Rovers";
  e.type = "Goal";
  e.detail = "Normal Goal";
  e.player = std::move(player);
  return e;
}

/// subscriptions and alerts_sent, as the db operations use them.
struct alert_store {
  std::map<int64_t, std::set<int64_t>> subscribers; ///< team -> chats
  std::map<std::pair<std::string, int64_t>, int64_t>
      sent; ///< (key, chat) -> message id, 0: claimed
  std::vector<std::string> ops;

  std::optional<caf::message> operator()(const caf::message& m) {
    const auto& op = m.get_as<db::operation>(1);
    ops.push_back(db::name_of(op));
    db::reply r;
    if (std::holds_alternative<db::subscribed_teams>(op)) {
      for (const auto& [team, chats] : subscribers)
        if (!chats.empty())
          r.ids.push_back(team);
    } else if (auto* o = std::get_if<db::list_subscribers>(&op)) {
      std::set<int64_t> chats;
      for (int64_t team : o->team_ids)
        chats.insert(subscribers[team].begin(), subscribers[team].end());
      r.ids.assign(chats.begin(), chats.end());
    } else if (auto* o = std::get_if<db::claim_alert>(&op)) {
      for (int64_t chat : o->chat_ids)
        if (sent.emplace(std::make_pair(o->alert_key, chat), 0).first->second == 0)
          r.ids.push_back(chat);
    } else if (auto* o = std::get_if<db::record_alert_sent>(&op)) {
      sent[{o->alert_key, o->chat_id}] = o->message_id;
    } else if (auto* o = std::get_if<db::load_alert_messages>(&op)) {
      for (const auto& [where, message] : sent)
        if (where.first == o->alert_key && message != 0) {
          r.ids.push_back(where.second);
          r.message_ids.push_back(message);
        }
    } else if (auto* o = std::get_if<db::drop_subscriptions>(&op)) {
      for (auto& [team, chats] : subscribers)
        chats.erase(o->chat_id);
    }
    return caf::make_message(r);
  }

  size_t count(const std::string& name) const { return std::count(ops.begin(), ops.end(), name); }
};

/// Bot API calls as Telegram got them: method and body.
struct telegram_log {
  std::vector<std::pair<std::string, std::string>> calls;
  std::set<int64_t> blocked; ///< chats answering 403
  int64_t next_message = 500;

  std::optional<caf::message> operator()(const caf::message& m) {
    const auto& request = m.get_as<core::http_request>(1);
    auto method = request.url.substr(request.url.rfind('/') + 1);
    calls.emplace_back(method, request.body);
    for (int64_t chat : blocked)
      if (request.body.find("\"chat_id\":" + std::to_string(chat) + ",") != std::string::npos)
        return caf::make_message(bot_api_error(403, "Forbidden: bot was blocked by the user"));
    if (method == "sendMessage")
      return caf::make_message(message_sent(++next_message));
    return caf::make_message(bot_api_ok());
  }

  size_t count(const std::string& method, const std::string& part = "") const {
    return std::count_if(calls.begin(), calls.end(), [&](const auto& call) {
      return call.first == method && call.second.find(part) != std::string::npos;
    });
  }
};

struct live_fixture : cache_fixture {
  std::shared_ptr<live_script> script = std::make_shared<live_script>();
  alert_store store;
  telegram_log telegram;
  std::unique_ptr<scripted<db_pool_actor>> db;
  std::unique_ptr<scripted<telegram_edge_actor>> edge;
  api_fetcher_actor fetcher;
  football_actor front;
  telegram_sender_actor sender;
  live_alerts_actor live;
  live_alerts_config config;

  live_fixture() {
    config.poll_interval = 60s;
    start(); // the cache
    db = std::make_unique<scripted<db_pool_actor>>(*vs);
    edge = std::make_unique<scripted<telegram_edge_actor>>(*vs);
    db->answer_with([this](const caf::message& m) { return store(m); });
    edge->answer_with([this](const caf::message& m) { return telegram(m); });
    fetcher = vs->sys->spawn(live_fetcher, script);
    front =
        vs->sys->spawn(football, cache, std::vector<api_fetcher_actor>{fetcher}, football_config{});
    telegram_sender_config out;
    out.token = "123:SECRET";
    out.limits = {30, 1, 20, 0ms};
    out.edge = edge->handle();
    out.db = db->handle();
    sender = vs->sys->spawn(telegram_sender, out);
    config.football = front;
    config.db = db->handle();
    config.sender = sender;
  }

  ~live_fixture() {
    for (auto a : {caf::actor_cast<caf::actor>(live), caf::actor_cast<caf::actor>(sender),
                   caf::actor_cast<caf::actor>(front), caf::actor_cast<caf::actor>(fetcher)})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    vs->sched->run();
  }

  /// Starts the engine and lets its first fan-out (paced) go out.
  void start_live() {
    live = vs->sys->spawn(live_alerts, config);
    vs->sched->run();
    vs->advance_in_steps(500ms);
  }

  /// A restart: the actor (and its last snapshot) is gone, the store stays.
  void restart_live() {
    caf::anon_send_exit(live, caf::exit_reason::kill);
    vs->sched->run();
    start_live();
  }

  live_stats stats() { return vs->ask<live_stats>(live, stats_atom::value); }

  /// Advances virtual time past the per-chat limit, then applies what the
  /// sender told the db pool without asking (a 403: drop_subscriptions).
  void settle(caf::timespan d = 2s) {
    vs->advance_in_steps(d);
    for (; told < db->all().size(); ++told)
      if (!db->all()[told].is_request)
        store(db->all()[told].content);
  }
  size_t told = 0;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(live_alerts_actor_tests, live_fixture)

BOOST_AUTO_TEST_CASE(a_match_plays_out_in_each_subscribed_chat_with_the_late_scorer_edited) {
  store.subscribers[10] = {1, 2};
  store.subscribers[99] = {3}; // follows a team that does not play
  script->live = {match_at(1, 0)};
  start_live();
  BOOST_TEST(telegram.count("sendMessage", "Kick-off") == 2u);
  BOOST_TEST(telegram.count("sendMessage", "\"chat_id\":3,") == 0u);
  BOOST_TEST(store.sent.at({"700:kick_off", 1}) != 0); // recorded with its message id

  script->live = {match_at(12, 1, {home_goal(12, "")})}; // the score first
  settle(60s);
  BOOST_TEST(telegram.count("sendMessage") == 4u);
  auto goal_message = store.sent.at({"700:goal:10:1", 2});
  BOOST_TEST(goal_message != 0);

  script->live = {match_at(14, 1, {home_goal(12, "R. Striker")})}; // the scorer, late
  settle(60s);
  BOOST_TEST(telegram.count("sendMessage") == 4u); // no second message
  BOOST_TEST(telegram.count("editMessageText", "R. Striker") == 2u);
  BOOST_TEST(telegram.count("editMessageText", "\"message_id\":" + std::to_string(goal_message)) ==
             1u);

  settle(60s); // nothing new
  auto s = stats();
  BOOST_TEST(s.polls == 4u);
  BOOST_TEST(s.sent == 4u);
  BOOST_TEST(s.edited == 2u);
  BOOST_TEST(script->fetched == 4u); // one live=all call per interval
}

// A long fan-out (60 chats, kick-off and goal: 120 messages at 29/s) is
// still queued when the scorer is named: every goal message gets the name,
// those recorded by then from the database, the rest as they are accepted;
// none is edited twice.
BOOST_AUTO_TEST_CASE(a_scorer_named_while_the_goal_is_still_queued_reaches_every_message) {
  config.poll_interval = 1s;
  for (int64_t chat = 1; chat <= 60; ++chat)
    store.subscribers[10].insert(chat);
  script->live = {match_at(12, 1, {home_goal(12, "")})};
  start_live(); // 0.5 s: about 15 kick-offs out
  script->live = {match_at(14, 1, {home_goal(12, "R. Striker")})};
  settle(1s); // the second poll: the goal's messages all still queued
  BOOST_TEST(telegram.count("sendMessage") < 60u);
  settle(10s);
  BOOST_TEST(telegram.count("sendMessage") == 120u);
  BOOST_TEST(telegram.count("sendMessage", "R. Striker") == 0u); // queued with the first text
  BOOST_TEST(telegram.count("editMessageText", "R. Striker") == 60u);
  BOOST_TEST(telegram.count("editMessageText") == 60u); // once each
  std::set<std::string> edited;
  for (const auto& [method, body] : telegram.calls)
    if (method == "editMessageText")
      edited.insert(body.substr(body.find("\"message_id\":")));
  BOOST_TEST(edited.size() == 60u); // 60 different messages
  BOOST_TEST(stats().edited == 60u);
}

BOOST_AUTO_TEST_CASE(a_restart_sends_only_what_was_claimed_and_never_sent) {
  store.subscribers[20] = {1, 2, 3};
  script->live = {match_at(12, 1, {home_goal(12, "R. Striker")})};
  store.sent[{"700:kick_off", 1}] = 401; // sent before the crash
  store.sent[{"700:kick_off", 2}] = 0;   // claimed, then the crash
  store.sent[{"700:goal:10:1", 1}] = 402;
  start_live();
  settle(); // the goal waits a second behind each chat's kick-off
  BOOST_TEST(telegram.count("sendMessage", "Kick-off") == 2u); // chats 2 and 3
  BOOST_TEST(telegram.count("sendMessage", "\"chat_id\":1,") == 0u);
  BOOST_TEST(telegram.count("sendMessage") == 4u); // and the goal to 2 and 3
  restart_live();
  settle(60s);
  BOOST_TEST(telegram.count("sendMessage") == 4u); // nothing twice
  BOOST_TEST(store.count("claim_alert") == 4u);
}

BOOST_AUTO_TEST_CASE(nobody_subscribed_means_no_call_to_the_api) {
  script->live = {match_at(1, 0)};
  start_live();
  settle(60s);
  settle(60s);
  BOOST_TEST(script->fetched == 0u);
  BOOST_TEST(stats().idle_ticks == 3u);
  store.subscribers[10] = {1};
  settle(60s);
  BOOST_TEST(script->fetched == 1u);
  BOOST_TEST(telegram.count("sendMessage", "Kick-off") == 1u);
}

BOOST_AUTO_TEST_CASE(a_standby_polls_nothing_until_it_leads) {
  config.await_leadership = true;
  store.subscribers[10] = {1};
  script->live = {match_at(1, 0)};
  start_live();
  settle(5min);
  BOOST_TEST(store.ops.empty());
  BOOST_TEST(script->fetched == 0u);
  caf::anon_send(live, leader_atom::value, int64_t{2});
  vs->sched->run();
  BOOST_TEST(telegram.count("sendMessage", "Kick-off") == 1u);
}

BOOST_AUTO_TEST_CASE(a_chat_that_blocked_the_bot_loses_its_subscriptions) {
  store.subscribers[10] = {1, 2};
  telegram.blocked = {2};
  script->live = {match_at(1, 0)};
  start_live();
  settle();
  BOOST_TEST(store.count("drop_subscriptions") == 1u);
  BOOST_TEST(store.subscribers[10] == (std::set<int64_t>{1}));
  BOOST_TEST(stats().failed == 1u);
  script->live = {match_at(12, 1, {home_goal(12, "R. Striker")})};
  settle(60s);
  BOOST_TEST(telegram.count("sendMessage", "\"chat_id\":2,") == 1u); // the kick-off only
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
