// Two or three phoenix-bot processes on one database with the fake Telegram:
// exactly one polls; kill -9, SIGTERM and a lost lock connection hand over to
// a standby without losing an update, repeating only replies in flight, and
// a paused former leader confirms nothing once it runs again.
#include "tests/fakes/fake_api_football.hpp"
#include "tests/fakes/fake_telegram.hpp"
#include "tests/integration/child_process.hpp"
#include "tests/integration/delivery_ledger.hpp"
#include "tests/integration/test_database.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <regex>

using namespace phoenix;
using namespace phoenix::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

constexpr int in_flight_sends = 8; // net.max-connections-per-host of the instances

std::string help(int) {
  return "/help";
}

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

struct instance_group {
  fakes::fake_telegram telegram;
  fakes::fake_api_football football{fakes::options_for_tests()};
  test_database database{"leader"};
  fs::path folder = fs::temp_directory_path() / ("phoenix-leader-" + std::to_string(::getpid()));
  delivery_ledger ledger{telegram};
  std::vector<std::unique_ptr<child_process>> bots;

  instance_group() {
    fs::remove_all(folder);
    fs::create_directories(folder);
    telegram.set_latency("sendMessage", 10ms, 30ms); // sends in flight when a signal comes
  }
  ~instance_group() {
    bots.clear(); // SIGKILL those still running
    fs::remove_all(folder);
  }

  /// Starts instance `bots.size()` and waits for its role's log line.
  child_process& start(const std::string& role, std::vector<std::string> extra = {}) {
    auto n = std::to_string(bots.size());
    std::vector<std::string> args{
        "--telegram.api-url=" + telegram.base_url(), "--football.api-url=" + football.base_url(),
        "--telegram.poll-timeout=2s", "--cache.path=" + (folder / ("cache" + n)).string(),
        "--metrics.listen=\"\"",
        "--net.max-connections-per-host=" + std::to_string(in_flight_sends),
        "--limits.global-per-second=0", "--limits.chat-per-second=0", "--limits.group-per-minute=0",
        "--limits.user-commands-per-minute=0",
        // a paused leader's open transaction ends after this
        "--db.idle-in-transaction-timeout=2s"};
    args.insert(args.end(), extra.begin(), extra.end());
    bots.push_back(std::make_unique<child_process>(
        std::string{PHOENIX_BINARY_DIR} + "/bin/phoenix-bot", args,
        std::map<std::string, std::string>{{"TELEGRAM_BOT_TOKEN", telegram.token()},
                                           {"API_FOOTBALL_KEY", "test-key"},
                                           {"DATABASE_URL", database.uri()},
                                           {"PATH", "/usr/bin:/bin"}}));
    auto& bot = *bots.back();
    BOOST_REQUIRE_MESSAGE(bot.wait_for_line("leadership: " + role, 30s), bot.output());
    return bot;
  }

  /// Seconds from `since` until `bot` logs its first poll (getMe answered, getUpdates sent).
  double first_poll_after(child_process& bot, steady::time_point since) {
    BOOST_REQUIRE_MESSAGE(bot.wait_for_line("telegram_poller: polling as", 10s), bot.output());
    return seconds_since(since);
  }

  int64_t stored_epoch() {
    pqxx::connection c{database.uri()};
    pqxx::nontransaction tx{c};
    auto r = tx.exec("SELECT epoch FROM leadership");
    return r.empty() ? 0 : r[0][0].as<int64_t>();
  }

  /// Ends the backend holding the bot's lock, as a broken network would.
  void terminate_lock_holder() {
    pqxx::connection c{database.uri()};
    pqxx::nontransaction tx{c};
    auto r =
        tx.exec("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND granted AND database = (SELECT oid FROM pg_database"
                " WHERE datname = current_database())"
                // the holder idles between its checks; a migration holds its lock in a transaction
                " AND pid IN (SELECT pid FROM pg_stat_activity WHERE state = 'idle')");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
  }

  /// The lease owner of the job running now ("" while none runs).
  std::string running_job_owner() {
    pqxx::connection c{database.uri()};
    pqxx::nontransaction tx{c};
    auto r = tx.exec("SELECT lease_owner FROM jobs WHERE status = 'running'");
    return r.empty() ? "" : r[0][0].as<std::string>();
  }

  bool stop(child_process& bot) {
    bot.signal(SIGTERM);
    auto code = bot.wait_exit(30s);
    if (code != 0)
      BOOST_TEST_MESSAGE(bot.output());
    return code == 0;
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(leadership_tests, *boost::unit_test::label("fault"))

BOOST_AUTO_TEST_CASE(of_three_instances_exactly_one_polls_and_the_others_stand_by) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  instance_group g;
  auto& active = g.start("active (epoch 1)");
  auto& standby1 = g.start("standby");
  auto& standby2 = g.start("standby");
  g.ledger.push_many(300, 30, 1, help);
  auto answered = g.ledger.wait_until_answered(30s);
  BOOST_TEST(answered.exactly_once(), answered);
  BOOST_TEST(g.telegram.getupdates_conflicts() == 0u);
  BOOST_TEST(g.telegram.max_concurrent_getupdates() == 1);
  BOOST_TEST(g.stored_epoch() == 1);
  // The standbys never called Telegram.
  BOOST_TEST(g.stop(standby2));
  BOOST_TEST(g.stop(standby1));
  for (auto* standby : {&standby1, &standby2})
    BOOST_TEST(standby->output().find("polling as") == std::string::npos, standby->output());
  BOOST_TEST(g.stop(active));
}

BOOST_AUTO_TEST_CASE(kill_9_of_the_active_under_load_a_standby_answers_everything) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  instance_group g;
  auto& active = g.start("active (epoch 1)");
  auto& standby = g.start("standby");
  g.ledger.push_many(3000, 300, 1, help);
  g.telegram.wait_for_total_sent(1000, 30s);
  auto at_kill = g.telegram.sent_count();
  auto killed_at = steady::now();
  active.signal(SIGKILL);
  auto takeover = g.first_poll_after(standby, killed_at);
  BOOST_TEST(takeover < 5.0);
  BOOST_TEST(active.wait_exit(10s) == 128 + SIGKILL);
  auto answered = g.ledger.wait_until_answered(60s);
  BOOST_TEST_MESSAGE("kill -9 after " << at_kill << " replies; takeover " << takeover << " s; "
                                      << answered);
  BOOST_TEST(at_kill < 3000u); // the kill came under load
  BOOST_TEST(answered.lost == 0u);
  BOOST_TEST(answered.strays == 0u);
  // Repeats: replies that reached Telegram before their record reached the
  // database (the sends in flight, and records still in the pool's batch).
  BOOST_TEST(answered.duplicated <= static_cast<size_t>(2 * in_flight_sends));
  BOOST_TEST(g.telegram.getupdates_conflicts() == 0u);
  BOOST_TEST(g.stored_epoch() == 2);
  BOOST_TEST(g.stop(standby));
}

BOOST_AUTO_TEST_CASE(sigterm_of_the_active_hands_over_in_under_a_second) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  instance_group g;
  auto& active = g.start("active (epoch 1)");
  auto& standby = g.start("standby");
  // The handover waits for the updates in flight (here about 100): each
  // update is answered by one instance only.
  g.ledger.push_many(200, 100, 1, help);
  g.telegram.wait_for_total_sent(100, 30s);
  auto signalled_at = steady::now();
  active.signal(SIGTERM);
  auto handover = g.first_poll_after(standby, signalled_at);
  BOOST_TEST_MESSAGE("SIGTERM handover " << handover << " s");
  BOOST_TEST(handover <
             3.0); // generous: a wait for the next poll would not pass; the bench measures
  BOOST_TEST(active.wait_exit(30s) == 0);
  auto answered = g.ledger.wait_until_answered(60s);
  BOOST_TEST(answered.exactly_once(), answered);
  BOOST_TEST(g.stop(standby));
}

BOOST_AUTO_TEST_CASE(a_paused_leader_whose_lock_was_taken_confirms_nothing_and_stops) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  instance_group g;
  auto& old = g.start("active (epoch 1)");
  auto& standby = g.start("standby");
  g.telegram.set_latency("sendMessage", 300ms, 300ms); // replies in flight at the pause
  g.ledger.push_many(40, 40, 1, help);
  g.telegram.wait_for_calls("sendMessage", 1, 10s);
  old.signal(SIGSTOP);
  g.terminate_lock_holder();
  BOOST_REQUIRE_MESSAGE(standby.wait_for_line("leadership: active (epoch 2)", 10s),
                        standby.output());
  BOOST_TEST(g.stored_epoch() == 2);
  g.telegram.set_latency("sendMessage", 10ms, 10ms);
  g.ledger.push_many(40, 40, 100, help);
  old.signal(SIGCONT);
  // Its next lock check, or its first write (refused: epoch 1 < 2), stops it.
  BOOST_TEST(old.wait_exit(10s) == 4);
  BOOST_TEST(old.output().find("leadership: lost") != std::string::npos, old.output());
  auto answered = g.ledger.wait_until_answered(30s);
  BOOST_TEST(answered.lost == 0u, answered);
  BOOST_TEST(answered.strays == 0u);
  // Nothing the old leader wrote after the takeover landed: no write of its epoch succeeded.
  const auto& said = old.output();
  bool refused = said.find("refused") != std::string::npos;
  BOOST_TEST((!refused || said.find("epoch 1 is older than the stored 2") != std::string::npos),
             said);
  BOOST_TEST(g.stop(standby));
}

BOOST_AUTO_TEST_CASE(a_job_whose_instance_died_runs_again_elsewhere_and_is_told_once) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  instance_group g;
  const std::vector<std::string> queue{"--jobs.claim-interval=200ms", "--jobs.lease=1s"};
  std::vector<child_process*> bots{&g.start("active (epoch 1)", queue), &g.start("standby", queue)};
  g.football.set_latency(20s); // the job's first call is still out at the kill
  const int64_t chat = 31;
  g.telegram.push_message(chat, "/analyze 1149523");
  BOOST_REQUIRE(!g.telegram.wait_for_messages(chat, 1, 20s).empty()); // "started"
  std::string owner;
  for (auto until = steady::now() + 10s; owner.empty() && steady::now() < until;)
    owner = g.running_job_owner(); // polls the database, as an operator would
  BOOST_REQUIRE_MESSAGE(!owner.empty(), "no instance claimed the job");
  // The owner is "<host>:<pid>:<suffix>": kill that process, active or standby.
  auto runs_it = [&](child_process* b) {
    return owner.find(":" + std::to_string(b->pid()) + ":") != std::string::npos;
  };
  auto dead = std::find_if(bots.begin(), bots.end(), runs_it);
  BOOST_REQUIRE_MESSAGE(dead != bots.end(), "owner " << owner << " is neither instance");
  auto* survivor = bots[dead == bots.begin() ? 1 : 0];
  g.football.set_latency(0ms);
  (*dead)->signal(SIGKILL);
  BOOST_TEST((*dead)->wait_exit(10s) == 128 + SIGKILL);
  // After the lease the survivor claims it again, runs it and tells the user.
  auto said = g.telegram.wait_for_messages(chat, 2, 30s);
  BOOST_REQUIRE_EQUAL(said.size(), 2u);
  BOOST_TEST(said[1].plain_text.find("Analysis #") != std::string::npos, said[1].plain_text);
  BOOST_TEST(g.running_job_owner().empty());
  // Told once: nothing more comes however long the survivor keeps ticking.
  BOOST_TEST(g.telegram.wait_for_messages(chat, 3, 2s).size() == 2u);
  pqxx::connection c{g.database.uri()};
  pqxx::nontransaction tx{c};
  auto row = tx.exec1("SELECT status, attempts, notified FROM jobs");
  BOOST_TEST(row[0].as<std::string>() == "done");
  BOOST_TEST(row[1].as<int>() == 2);
  BOOST_TEST(row[2].as<bool>());
  BOOST_TEST(g.stop(*survivor));
}

BOOST_AUTO_TEST_SUITE_END()
