#include "core/football/time_zone.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

using phoenix::core::time_zone;

namespace {

// 2026-01-15 12:00 UTC and 2026-07-15 12:00 UTC.
constexpr int64_t winter = 1768478400;
constexpr int64_t summer = 1784116800;

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
  auto utc = time_zone::load("UTC", &error, "/nonexistent");
  BOOST_REQUIRE(utc);
  BOOST_TEST(utc->offset_minutes_at(summer) == 0);
  BOOST_TEST(time_zone::load("", &error, "/nonexistent").has_value());
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

BOOST_AUTO_TEST_CASE(unknown_or_unsafe_names_are_refused_with_a_reason) {
  std::string error;
  BOOST_TEST(!time_zone::load("Nowhere/City", &error));
  BOOST_TEST(error.find("no such zone") != std::string::npos, error);
  BOOST_TEST(!time_zone::load("../../etc/passwd", &error));
  BOOST_TEST(error.find("not a zone name") != std::string::npos, error);
  BOOST_TEST(!time_zone::load("/etc/passwd", &error));
}

BOOST_AUTO_TEST_CASE(damaged_files_are_refused_not_misread) {
  auto bytes = file_bytes("/usr/share/zoneinfo/Europe/Berlin");
  BOOST_REQUIRE(bytes.size() > 100);
  BOOST_TEST(time_zone::parse(bytes).has_value());
  for (size_t cut = 0; cut + 1 < bytes.size(); cut += 7) // every truncation: no crash
    (void)time_zone::parse(std::string_view(bytes).substr(0, cut));
  BOOST_TEST(!time_zone::parse(std::string_view(bytes).substr(0, 60)));
  BOOST_TEST(!time_zone::parse("not a tzif file at all, but long enough to have a header...."));
  auto corrupt = bytes;
  corrupt[32] = '\x7f'; // timecnt's high byte: an absurd transition count
  BOOST_TEST(!time_zone::parse(corrupt));
}

BOOST_AUTO_TEST_SUITE_END()
