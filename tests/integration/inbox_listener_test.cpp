// Updates a standby accepted from a webhook, against a real PostgreSQL: the
// commit notifies the bot's listener (and no other bot's), the active
// instance's own commits count them as waiting, and they are taken once, in
// update id order, without those handled already.
#include "core/db/db_conninfo.hpp"
#include "core/db/db_inbox_listener.hpp"
#include "tests/integration/ready_database.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>

using namespace phoenix::core::db;
using namespace std::chrono_literals;

namespace {

constexpr int64_t bot = 777;

keep_pushed_update kept(int64_t id, bool by_standby) {
  return keep_pushed_update{bot, id, "{\"update_id\":" + std::to_string(id) + "}", by_standby};
}

} // namespace

BOOST_AUTO_TEST_SUITE(inbox_listener_tests)

BOOST_AUTO_TEST_CASE(a_standbys_commit_wakes_this_bots_listener_only) {
  READY_DB_OR_SKIP(db, c);
  inbox_listener listener{with_connection_defaults(db->uri(), {}), bot};
  BOOST_TEST(listener.wait(10ms)); // new: anything may have come while it was away
  BOOST_TEST(listener.connected());
  BOOST_TEST(!listener.wait(10ms));
  BOOST_REQUIRE(run(*c, kept(10, true)).ok());
  auto t0 = std::chrono::steady_clock::now();
  BOOST_TEST(listener.wait(5000ms));
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 2s)); // woken, not timed out
  // The active instance's own commit notifies nobody; another bot's is not ours.
  BOOST_REQUIRE(run(*c, kept(11, false)).ok());
  BOOST_REQUIRE(run(*c, keep_pushed_update{bot + 1, 12, "{}", true}).ok());
  BOOST_TEST(!listener.wait(300ms));
}

BOOST_AUTO_TEST_CASE(standbys_updates_are_counted_and_taken_once_in_id_order) {
  READY_DB_OR_SKIP(db, c);
  BOOST_REQUIRE(run(*c, kept(22, true)).ok());
  BOOST_REQUIRE(run(*c, kept(20, true)).ok());
  BOOST_REQUIRE(run(*c, kept(21, true)).ok());
  BOOST_REQUIRE(run(*c, mark_processed{bot, {21}, 0}).ok()); // handled meanwhile
  BOOST_REQUIRE(run(*c, kept(21, true)).ok());               // its write came late
  auto own = run(*c, kept(23, false));
  BOOST_TEST(own.count == 1);
  BOOST_TEST(own.waiting == 2); // 20 and 22 (21 was handled and is not kept again)
  auto taken = run(*c, take_standby_updates{bot});
  BOOST_TEST(taken.ids == (std::vector<int64_t>{20, 22}));
  BOOST_TEST(taken.bodies.size() == 2u);
  BOOST_TEST(run(*c, take_standby_updates{bot}).ids.empty());
  BOOST_TEST(run(*c, kept(24, false)).waiting == 0);
  // Still in the inbox for a takeover's replay until handled.
  BOOST_TEST(run(*c, load_inbox{bot}).ids.size() == 4u); // 20, 22, 23, 24
}

BOOST_AUTO_TEST_SUITE_END()
