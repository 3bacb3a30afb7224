#include "core/db/db_conninfo.hpp"
#include "core/db/db_types.hpp"

#include <boost/test/unit_test.hpp>
#include <libpq-fe.h>
#include <map>
#include <memory>

using namespace phoenix::core::db;
using namespace std::chrono_literals;

namespace {

// What libpq itself reads from a connection string ("error" if it cannot).
std::map<std::string, std::string> libpq_reads(const std::string& conninfo) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{
      PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree};
  if (!options) {
    PQfreemem(error);
    return {{"error", conninfo}};
  }
  std::map<std::string, std::string> out;
  for (auto* o = options.get(); o->keyword != nullptr; ++o)
    if (o->val != nullptr)
      out[o->keyword] = o->val;
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(db_conninfo_tests)

BOOST_AUTO_TEST_CASE(a_uri_gets_every_timeout_and_keeps_its_own_values) {
  connection_limits limits;
  limits.statement_timeout = 1500ms;
  auto read = libpq_reads(with_connection_defaults(
      "postgresql://phoenix:p%27a%5Css%20w@db1:5432,db2:5433/bot?sslmode=require", limits));
  BOOST_TEST(read["user"] == "phoenix");
  BOOST_TEST(read["password"] == "p'a\\ss w"); // quotes, backslash and space survive
  BOOST_TEST(read["host"] == "db1,db2");
  BOOST_TEST(read["port"] == "5432,5433");
  BOOST_TEST(read["dbname"] == "bot");
  BOOST_TEST(read["sslmode"] == "require");
  BOOST_TEST(read["connect_timeout"] == "3");
  BOOST_TEST(read["keepalives"] == "1");
  BOOST_TEST(read["keepalives_idle"] == "5");
  BOOST_TEST(read["keepalives_interval"] == "2");
  BOOST_TEST(read["keepalives_count"] == "3");
  BOOST_TEST(read["tcp_user_timeout"] == "11000");
  BOOST_TEST(read["client_encoding"] == "UTF8");
  BOOST_TEST(read["application_name"] == "phoenix");
  BOOST_TEST(read["options"] == "-c statement_timeout=1500");
}

BOOST_AUTO_TEST_CASE(the_operators_explicit_values_win) {
  connection_limits limits;
  auto read = libpq_reads(with_connection_defaults(
      "host=/run/pg keepalives_idle=60 connect_timeout=10 application_name=bot7 "
      "tcp_user_timeout=0 options='-c statement_timeout=0 -c search_path=bot'",
      limits));
  BOOST_TEST(read["host"] == "/run/pg");
  BOOST_TEST(read["keepalives_idle"] == "60");
  BOOST_TEST(read["connect_timeout"] == "10");
  BOOST_TEST(read["application_name"] == "bot7");
  BOOST_TEST(read["tcp_user_timeout"] == "0");
  BOOST_TEST(read["options"] == "-c statement_timeout=0 -c search_path=bot");
  BOOST_TEST(read["keepalives_interval"] == "2"); // not given: Phoenix's
}

BOOST_AUTO_TEST_CASE(own_server_options_are_kept_and_the_timeout_added) {
  auto read =
      libpq_reads(with_connection_defaults("postgresql://h/db?options=-c%20search_path%3Dbot", {}));
  BOOST_TEST(read["options"] == "-c search_path=bot -c statement_timeout=10000");
}

BOOST_AUTO_TEST_CASE(idle_transactions_are_ended_unless_the_operator_says_otherwise) {
  connection_limits limits;
  limits.idle_in_transaction_timeout = 5000ms;
  auto read = libpq_reads(with_connection_defaults("postgresql://h/db", limits));
  BOOST_TEST(read["options"] ==
             "-c statement_timeout=10000 -c idle_in_transaction_session_timeout=5000");
  read = libpq_reads(
      with_connection_defaults("host=h options='--idle-in-transaction-session-timeout=0'", limits));
  BOOST_TEST(read["options"] ==
             "--idle-in-transaction-session-timeout=0 -c statement_timeout=10000");
}

BOOST_AUTO_TEST_CASE(empty_and_unparsable_text) {
  // Empty: libpq's defaults (PGHOST, ...) and Phoenix's limits.
  auto read = libpq_reads(with_connection_defaults("", {}));
  BOOST_TEST(read.count("host") == 0u);
  BOOST_TEST(read["options"] == "-c statement_timeout=10000");
  // Unparsable: unchanged, so that connecting reports libpq's own error.
  BOOST_TEST(with_connection_defaults("postgresql://h/db?bogus=1", {}) ==
             "postgresql://h/db?bogus=1");
  BOOST_TEST(with_connection_defaults("host='unterminated", {}) == "host='unterminated");
}

BOOST_AUTO_TEST_CASE(the_answer_deadline_counts_statements) {
  BOOST_TEST(answer_deadline(ping{}, 10s, 5s).count() == std::chrono::nanoseconds{15s}.count());
  BOOST_TEST(answer_deadline(prune{}, 1s, 5s).count() == std::chrono::nanoseconds{9s}.count());
  BOOST_TEST(statement_count(upsert_users{}) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
