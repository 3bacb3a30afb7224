#include "core/db/db_text.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core::db;

BOOST_AUTO_TEST_SUITE(db_text_tests)

BOOST_AUTO_TEST_CASE(storable_text_keeps_valid_text) {
  for (std::string s : {"", "plain", "München ⚽ 🏆", "{\"a\",b}", "back\\slash", "\x7f"})
    BOOST_TEST(storable_text(s) == s);
}

BOOST_AUTO_TEST_CASE(storable_text_replaces_nul_and_invalid_utf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  BOOST_TEST(storable_text(std::string{"a\0b", 3}) == "a" + fffd + "b");
  BOOST_TEST(storable_text(std::string{"\0\0", 2}) == fffd + fffd);
  BOOST_TEST(storable_text("caf\xE9!") == "caf" + fffd + "!");            // Latin-1 é
  BOOST_TEST(storable_text("\xC0\xAF") == fffd + fffd);                   // overlong '/'
  BOOST_TEST(storable_text("\xED\xA0\x80x") == fffd + fffd + fffd + "x"); // a UTF-16 surrogate
  BOOST_TEST(storable_text("cut \xE2\x9A") == "cut " + fffd + fffd);      // truncated ⚽
}

BOOST_AUTO_TEST_CASE(array_literals_quote_every_element) {
  BOOST_TEST(array_literal(std::vector<std::string>{}) == "{}");
  BOOST_TEST(array_literal(std::vector<std::string>{""}) == R"({""})");
  BOOST_TEST(array_literal(std::vector<std::string>{"a", "NULL", "{x,y}"}) ==
             R"({"a","NULL","{x,y}"})");
  BOOST_TEST(array_literal(std::vector<std::string>{R"(Robert"); \)"}) == R"({"Robert\"); \\"})");
  BOOST_TEST(array_literal(std::vector<std::string>{std::string{"a\0b", 3}, "ok"}) ==
             "{\"a\xEF\xBF\xBD"
             "b\",\"ok\"}");
  BOOST_TEST(array_literal(std::vector<int64_t>{1, -2, INT64_MAX}) ==
             R"({"1","-2","9223372036854775807"})");
}

BOOST_AUTO_TEST_SUITE_END()
