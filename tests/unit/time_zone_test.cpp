#include "core/football/time_zone.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

using phoenix::core::time_zone;

namespace {

// 2026-01-15 12:00 UTC and 2026-07-15 12:00 UTC.
constexpr int64_t winter = 1768478400;
constexpr int64_t summer = 1784116800;
// 2040-01-15 12:00 UTC and 2040-07-15 12:00 UTC: past the last transition
// that tzdata's files list (2037), where only their footer rule tells.
constexpr int64_t winter_2040 = 2210169600;
constexpr int64_t summer_2040 = 2225880000;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(time_zone_tests)

BOOST_AUTO_TEST_CASE(utc_needs_no_file) {
  std::string error;
  auto utc = time_zone::load("UTC", &error);
  BOOST_REQUIRE(utc);
  BOOST_TEST(utc->offset_minutes_at(summer) == 0);
  BOOST_TEST(utc->name() == "UTC");
  BOOST_TEST(time_zone::load("", &error).has_value());
  BOOST_TEST(time_zone{}.offset_minutes_at(summer_2040) == 0);
}

BOOST_AUTO_TEST_CASE(the_offset_follows_daylight_saving_time) {
  std::string error;
  auto berlin = time_zone::load("Europe/Berlin", &error);
  BOOST_REQUIRE_MESSAGE(berlin, error);
  BOOST_TEST(berlin->offset_minutes_at(winter) == 60);
  BOOST_TEST(berlin->offset_minutes_at(summer) == 120);
  auto new_york = time_zone::load("America/New_York", &error);
  BOOST_REQUIRE_MESSAGE(new_york, error);
  BOOST_TEST(new_york->offset_minutes_at(winter) == -300);
  BOOST_TEST(new_york->offset_minutes_at(summer) == -240);
  auto kolkata = time_zone::load("Asia/Kolkata", &error);
  BOOST_REQUIRE_MESSAGE(kolkata, error);
  BOOST_TEST(kolkata->offset_minutes_at(summer) == 330);
}

// The hand-written reader (and date/tz's OS reader alone) kept the last
// transition's offset after 2037: London stayed on GMT in July 2040.
BOOST_AUTO_TEST_CASE(future_dates_follow_the_files_footer_rule) {
  std::string error;
  auto london = time_zone::load("Europe/London", &error);
  BOOST_REQUIRE_MESSAGE(london, error);
  BOOST_TEST(london->offset_minutes_at(winter_2040) == 0);
  BOOST_TEST(london->offset_minutes_at(summer_2040) == 60);
  auto new_york = time_zone::load("America/New_York", &error);
  BOOST_REQUIRE_MESSAGE(new_york, error);
  BOOST_TEST(new_york->offset_minutes_at(winter_2040) == -300);
  BOOST_TEST(new_york->offset_minutes_at(summer_2040) == -240);
  auto sao_paulo = time_zone::load("America/Sao_Paulo", &error); // no DST since 2019
  BOOST_REQUIRE_MESSAGE(sao_paulo, error);
  BOOST_TEST(sao_paulo->offset_minutes_at(winter_2040) == -180);
  BOOST_TEST(sao_paulo->offset_minutes_at(summer_2040) == -180);
}

BOOST_AUTO_TEST_CASE(names_are_tzdatas_own_and_letter_case_is_forgiven) {
  std::string error;
  auto london = time_zone::load("europe/LONDON", &error);
  BOOST_REQUIRE_MESSAGE(london, error);
  BOOST_TEST(london->name() == "Europe/London");
}

BOOST_AUTO_TEST_CASE(unknown_or_unsafe_names_are_refused_with_a_reason) {
  std::string error;
  BOOST_TEST(!time_zone::load("Nowhere/City", &error));
  BOOST_TEST(error.find("unknown time zone \"Nowhere/City\"") != std::string::npos, error);
  BOOST_TEST(!time_zone::load("../../etc/passwd", &error));
  BOOST_TEST(!time_zone::load("/etc/passwd", &error));
  BOOST_TEST(!time_zone::load("Europe/", &error));
}

BOOST_AUTO_TEST_CASE(the_footer_is_the_rule_after_the_last_newline_pair) {
  BOOST_TEST(time_zone::footer_of(file_bytes("/usr/share/zoneinfo/Europe/London")) ==
             "GMT0BST,M3.5.0/1,M10.5.0");
  BOOST_TEST(time_zone::footer_of("not a tzif file at all, but long enough to be one..\n") == "");
  BOOST_TEST(time_zone::footer_of("") == "");
  auto bytes = file_bytes("/usr/share/zoneinfo/Europe/Berlin");
  for (size_t cut = 0; cut < bytes.size(); cut += 7) // every truncation: no crash
    (void)time_zone::footer_of(bytes.substr(0, cut));
}

BOOST_AUTO_TEST_SUITE_END()
