// The commands' database operations on a real PostgreSQL: the subscription
// cap, unsubscribing by name, and a user's time zone beside their settings.
#include "tests/integration/ready_database.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core::db;

namespace {

using ids = std::vector<int64_t>;
using names = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(settings_db_tests)

BOOST_AUTO_TEST_CASE(subscribe_stops_at_the_cap_and_lists_names) {
  READY_DB_OR_SKIP(db, c);
  BOOST_TEST(run(*c, subscribe{5, 42, "Arsenal", 2}).count == 1);
  BOOST_TEST(run(*c, subscribe{5, 42, "Arsenal", 2}).count == 0); // already
  BOOST_TEST(run(*c, subscribe{5, 1859, "Arsenal W", 2}).count == 1);
  BOOST_TEST(run(*c, subscribe{5, 536, "Sevilla", 2}).count == -1); // the cap
  BOOST_TEST(run(*c, subscribe{5, 42, "Arsenal", 2}).count == 0);   // at the cap, still "already"
  BOOST_TEST(run(*c, subscribe{6, 536, "Sevilla", 2}).count == 1);  // per chat
  BOOST_TEST(run(*c, subscribe{5, 536, "Sevilla", 0}).count == 1);  // 0: no cap
  auto listed = run(*c, list_subscriptions{5});
  BOOST_TEST(listed.ids == (ids{42, 536, 1859}));
  BOOST_TEST(listed.bodies == (names{"Arsenal", "Sevilla", "Arsenal W"}));
}

BOOST_AUTO_TEST_CASE(unsubscribe_by_name_takes_the_exact_or_only_match) {
  READY_DB_OR_SKIP(db, c);
  run(*c, subscribe{5, 42, "Arsenal"});
  run(*c, subscribe{5, 1859, "Arsenal W"});
  run(*c, subscribe{5, 536, "Sevilla"});
  auto several = run(*c, unsubscribe_team{5, "ars"}); // two hold it, neither exactly
  BOOST_TEST(several.count == 0);
  BOOST_TEST(several.bodies == (names{"Arsenal", "Arsenal W"}));
  auto exact = run(*c, unsubscribe_team{5, "ARSENAL"}); // exactly one, though two hold it
  BOOST_TEST(exact.count == 1);
  BOOST_TEST(exact.bodies == (names{"Arsenal"}));
  auto only = run(*c, unsubscribe_team{5, "w"}); // the only one holding it
  BOOST_TEST(only.count == 1);
  BOOST_TEST(only.ids == (ids{1859}));
  auto none = run(*c, unsubscribe_team{5, "100%_"}); // no pattern characters
  BOOST_TEST(none.count == 0);
  BOOST_TEST(none.ids.empty());
  BOOST_TEST(run(*c, list_subscriptions{5}).ids == (ids{536}));
  BOOST_TEST(run(*c, unsubscribe_team{6, "Sevilla"}).count == 0); // another chat's
}

BOOST_AUTO_TEST_CASE(a_users_zone_is_kept_and_read_with_the_chats_subscriptions) {
  READY_DB_OR_SKIP(db, c);
  auto fresh = run(*c, load_settings{7, 42});
  BOOST_TEST(fresh.bodies == (names{""}));
  BOOST_TEST(fresh.count == 0);
  BOOST_TEST(run(*c, set_timezone{7, "Asia/Tokyo"}).count == 1); // a new users row
  run(*c, upsert_users{{{7, "ann", "en"}}});                     // keeps the zone
  run(*c, subscribe{42, 536, "Sevilla"});
  auto settings = run(*c, load_settings{7, 42});
  BOOST_TEST(settings.bodies == (names{"Asia/Tokyo"}));
  BOOST_TEST(settings.count == 1);
  BOOST_TEST(run(*c, set_timezone{7, "Europe/London"}).count == 1);
  BOOST_TEST(run(*c, load_settings{7, 42}).bodies == (names{"Europe/London"}));
}

BOOST_AUTO_TEST_SUITE_END()
