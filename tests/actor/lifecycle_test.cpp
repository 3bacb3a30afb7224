// The lifecycle actor under virtual time with scripted parts: the shutdown
// order (poller and its final offset, workers, cache flush, database drain,
// the pool last), the exit code of a fatal error, deadlines for silent parts.
#include "app/lifecycle.hpp"
#include "tests/actor/probes.hpp"

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;

struct lifecycle_fixture {
  captured_log log;
  virtual_system vs;
  scripted<telegram_poller_actor> poller{vs};
  scripted<caf::actor> dispatcher{vs};
  scripted<caf::actor> sender{vs};
  scripted<cache_actor> cache{vs};
  scripted<db_pool_actor> db{vs};
  down_watch watch{vs};
  std::shared_ptr<std::atomic<int>> exit_code = std::make_shared<std::atomic<int>>(0);
  caf::timespan deadline = 10s;
  lifecycle_actor root;

  lifecycle_fixture() {
    watch.monitor(poller.handle());
    watch.monitor(dispatcher.handle());
    watch.monitor(sender.handle());
    watch.monitor(cache.handle());
    watch.monitor(db.handle());
  }

  ~lifecycle_fixture() {
    caf::anon_send_exit(root, caf::exit_reason::kill);
    vs.run();
  }

  void start(bool with_poller = true) {
    lifecycle_parts parts;
    parts.workers = {dispatcher.handle(), sender.handle()};
    parts.cache = cache.handle();
    parts.last = {caf::actor_cast<caf::actor>(db.handle())};
    parts.db = db.handle();
    root = vs.sys->spawn(lifecycle, parts, deadline, exit_code);
    watch.monitor(root);
    if (with_poller)
      caf::anon_send(root, manage_atom::value, poller.handle());
    vs.run();
  }

  template <class... Ts> void send(Ts... xs) {
    caf::anon_send(root, xs...);
    vs.run();
  }

  bool workers_down() { return watch.down(dispatcher.handle()) && watch.down(sender.handle()); }
  bool workers_alive() { return !watch.down(dispatcher.handle()) && !watch.down(sender.handle()); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(lifecycle_actor_tests, lifecycle_fixture)

BOOST_AUTO_TEST_CASE(shutdown_stops_the_poller_then_workers_then_flushes_then_drains_the_pool) {
  start();
  send(shutdown_atom::value);
  poller.next_as<tg_stop_atom>(); // first: the poller stops and drains
  BOOST_TEST(workers_alive());
  BOOST_TEST(cache.count() == 0u);
  BOOST_TEST(db.count() == 0u);

  poller.reply(poller.last(), int64_t{1234}); // its final offset
  BOOST_TEST(log.lines_with("updates confirmed up to offset 1234") == 1u);
  BOOST_TEST(watch.down(poller.handle()));
  BOOST_TEST(workers_down());
  cache.next_as<flush_now_atom>();
  BOOST_TEST(!watch.down(cache.handle())); // not before its flush is on disk
  BOOST_TEST(db.count() == 0u);

  cache.reply(cache.last(), flush_report{true, 3, 120, 0s});
  BOOST_TEST(log.lines_with("cache on disk (3 entries, 120 bytes)") == 1u);
  BOOST_TEST(watch.down(cache.handle()));
  db.next_as<db_drain_atom>(); // the last writes reach the database
  BOOST_TEST(!watch.down(db.handle()));
  BOOST_TEST(!watch.down(root));

  db.reply(db.last(), true);
  BOOST_TEST(watch.down(db.handle())); // the pool last
  BOOST_TEST(watch.down(root));
  BOOST_TEST(*exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_fatal_error_sets_the_exit_code_and_shuts_down_once) {
  start();
  send(fatal_atom::value, 78);
  BOOST_TEST(*exit_code == 78);
  poller.next_as<tg_stop_atom>();
  send(shutdown_atom::value); // a second signal starts nothing new
  send(fatal_atom::value, 1);
  BOOST_TEST(!poller.has_next());
  poller.reply(poller.last(), int64_t{5});
  cache.next_as<flush_now_atom>();
  cache.reply(cache.last(), flush_report{});
  db.next_as<db_drain_atom>();
  db.reply(db.last(), true);
  BOOST_TEST(watch.down(root));
  BOOST_TEST(!cache.has_next());
}

BOOST_AUTO_TEST_CASE(parts_that_do_not_answer_do_not_hang_the_shutdown) {
  start();
  send(shutdown_atom::value);
  poller.next_as<tg_stop_atom>(); // never answered
  vs.advance(2 * deadline - 1ms); // the poller's own drain deadline comes first
  BOOST_TEST(cache.count() == 0u);
  vs.advance(1ms);
  BOOST_TEST(log.lines_with("poller did not stop cleanly") == 1u);
  BOOST_TEST(watch.down(poller.handle()));
  BOOST_TEST(workers_down());
  cache.next_as<flush_now_atom>(); // never answered either
  vs.advance(deadline);
  BOOST_TEST(log.lines_with("cache flush failed") == 1u);
  BOOST_TEST(watch.down(cache.handle()));
  db.next_as<db_drain_atom>(); // nor this
  BOOST_TEST(!watch.down(root));
  vs.advance(deadline);
  BOOST_TEST(log.lines_with("database writes did not finish") == 1u);
  BOOST_TEST(watch.down(db.handle()));
  BOOST_TEST(watch.down(root));
}

BOOST_AUTO_TEST_CASE(without_a_poller_shutdown_starts_with_the_workers) {
  start(false);
  send(shutdown_atom::value);
  BOOST_TEST(poller.count() == 0u);
  BOOST_TEST(workers_down());
  cache.next_as<flush_now_atom>();
}

// The live alerts run on the active instance only: told with the poller,
// stopped with it and the sender when another instance leads.
BOOST_AUTO_TEST_CASE(the_live_alerts_start_with_the_leadership_and_stop_when_it_is_lost) {
  scripted<live_alerts_actor> live{vs};
  watch.monitor(live.handle());
  start();
  send(manage_atom::value, live.handle());
  send(leader_atom::value, int64_t{7});
  auto [epoch] = live.next_as<leader_atom, int64_t>();
  BOOST_TEST(epoch == 7);
  send(lead_lost_atom::value);
  BOOST_TEST(watch.down(live.handle()));
  BOOST_TEST(*exit_code == exit_leadership_lost);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
