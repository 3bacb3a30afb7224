#include "core/db/db_leadership.hpp"

#include <boost/test/unit_test.hpp>
#include <libpq-fe.h>
#include <map>
#include <memory>

using namespace phoenix::core::db;
using namespace std::chrono_literals;

namespace {

std::map<std::string, std::string> libpq_reads(const std::string& conninfo) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{
      PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree};
  BOOST_REQUIRE(options);
  std::map<std::string, std::string> out;
  for (auto* o = options.get(); o->keyword != nullptr; ++o)
    if (o->val != nullptr)
      out[o->keyword] = o->val;
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(db_leadership_tests)

BOOST_AUTO_TEST_CASE(the_bot_id_is_the_tokens_number_before_the_colon) {
  BOOST_TEST(bot_id_of_token("123456:TEST-token") == 123456);
  BOOST_TEST(bot_id_of_token("7000000001:AAH") == 7000000001);
  BOOST_TEST(bot_id_of_token("") == 0);
  BOOST_TEST(bot_id_of_token("no-colon") == 0);
  BOOST_TEST(bot_id_of_token(":abc") == 0);
  BOOST_TEST(bot_id_of_token("12a4:abc") == 0);
  BOOST_TEST(bot_id_of_token("99999999999999999999:abc") == 0); // would overflow
}

BOOST_AUTO_TEST_CASE(each_bot_has_its_own_stable_lock_key_apart_from_the_migration_lock) {
  // Fixed across builds and machines: every instance of a bot must agree.
  BOOST_TEST(leader_lock_key(123456) == leader_lock_key(123456));
  BOOST_TEST(leader_lock_key(123456) == static_cast<int64_t>(0x83ffc5ed0517aadbULL));
  BOOST_TEST(leader_lock_key(123456) != leader_lock_key(123457));
  BOOST_TEST(leader_lock_key(0) != leader_lock_key(1));
  BOOST_TEST(leader_lock_key(123456) != 0x50484F454E4958LL); // migrations' key
}

BOOST_AUTO_TEST_CASE(the_lock_connection_has_the_ha_keepalives_and_gives_up_before_the_server) {
  keepalive_settings k{3s, 2s, 4};
  auto read = libpq_reads(leader_conninfo("postgresql://phoenix@db1/bot", k, 1500ms));
  BOOST_TEST(read["host"] == "db1");
  BOOST_TEST(read["keepalives"] == "1");
  BOOST_TEST(read["keepalives_idle"] == "3");
  BOOST_TEST(read["keepalives_interval"] == "2");
  BOOST_TEST(read["keepalives_count"] == "4");
  // The holder drops an unanswered check after 3 s, before PostgreSQL frees
  // the lock of a silent holder (3 + 2 * 4 = 11 s).
  BOOST_TEST(read["tcp_user_timeout"] == "3000");
  BOOST_TEST(dead_holder_freed_after(k).count() == 11);
  BOOST_TEST(read["options"] == "-c statement_timeout=1500");
}

BOOST_AUTO_TEST_CASE(the_server_side_keepalives_are_session_settings) {
  BOOST_TEST(server_keepalive_sql({2s, 1s, 3}) ==
             "SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; "
             "SET tcp_keepalives_count = 3");
}

BOOST_AUTO_TEST_CASE(roles_go_standby_to_active_to_lost_only) {
  BOOST_TEST(role_change_allowed(leader_role::standby, leader_role::active));
  BOOST_TEST(role_change_allowed(leader_role::active, leader_role::lost));
  BOOST_TEST(!role_change_allowed(leader_role::lost, leader_role::active));
  BOOST_TEST(!role_change_allowed(leader_role::lost, leader_role::standby));
  BOOST_TEST(!role_change_allowed(leader_role::active, leader_role::standby));
  BOOST_TEST(!role_change_allowed(leader_role::off, leader_role::active));
  BOOST_TEST(std::string{role_name(leader_role::active)} == "active");
  BOOST_TEST(std::string{role_name(leader_role::standby)} == "standby");
  BOOST_TEST(std::string{role_name(leader_role::lost)} == "lost");
}

BOOST_AUTO_TEST_SUITE_END()
