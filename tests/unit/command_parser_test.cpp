#include "core/telegram/command_parser.hpp"

#include <boost/test/unit_test.hpp>
#include <random>
#include <string>

using namespace phoenix::core;

namespace {

constexpr std::string_view bot = "phoenix_bot";

std::string joined_args(const bot_command& command) {
  std::string out;
  for (const auto& arg : command.args)
    out += (out.empty() ? "" : "|") + arg;
  return out;
}

// 2024-05-01T23:30:00Z
constexpr int64_t may_first_late = 1714606200;

std::string day_iso(std::string_view word, int64_t now, int offset = 0) {
  auto day = parse_day(word, now, offset);
  return day ? day->iso : "none";
}

} // namespace

BOOST_AUTO_TEST_SUITE(command_parser_tests)

BOOST_AUTO_TEST_CASE(reads_commands_with_and_without_bot_name) {
  auto plain = parse_command("/stats 123", bot);
  BOOST_REQUIRE(plain);
  BOOST_TEST(plain->name == "stats");
  BOOST_TEST(joined_args(*plain) == "123");

  auto addressed = parse_command("/Stats@phoenix_bot 123", bot);
  BOOST_REQUIRE(addressed);
  BOOST_TEST(addressed->name == "stats");
  BOOST_TEST(joined_args(*addressed) == "123");

  BOOST_TEST(parse_command("/stats@Phoenix_BOT", "@phoenix_bot").has_value());
  auto bare = parse_command("/start", bot);
  BOOST_REQUIRE(bare);
  BOOST_TEST(bare->name == "start");
  BOOST_TEST(bare->args.empty());
}

BOOST_AUTO_TEST_CASE(ignores_commands_for_other_bots_and_plain_text) {
  BOOST_TEST(!parse_command("/stats@other_bot 1", bot));
  BOOST_TEST(!parse_command("/stats@ 1", bot));
  BOOST_TEST(!parse_command("/stats@phoenix_bot 1", "")); // own name unknown yet
  BOOST_TEST(!parse_command("hello /stats 1", bot));
  BOOST_TEST(!parse_command("", bot));
  BOOST_TEST(!parse_command("/", bot));
  BOOST_TEST(!parse_command("/ stats", bot));
  BOOST_TEST(!parse_command("/stats-x 1", bot));
  BOOST_TEST(!parse_command("/st\xC3\xA4ts", bot));
  BOOST_TEST(!parse_command("//stats", bot));
  BOOST_TEST(!parse_command("/" + std::string(33, 'a'), bot));
  BOOST_TEST(parse_command("/" + std::string(32, 'a'), bot).has_value());
}

BOOST_AUTO_TEST_CASE(splits_arguments_on_any_whitespace) {
  auto command = parse_command("  /fixtures\t tomorrow \n\r 39  \n", bot);
  BOOST_REQUIRE(command);
  BOOST_TEST(command->name == "fixtures");
  BOOST_TEST(joined_args(*command) == "tomorrow|39");
  auto newline = parse_command("/live\nplease", bot);
  BOOST_REQUIRE(newline);
  BOOST_TEST(joined_args(*newline) == "please");
}

BOOST_AUTO_TEST_CASE(bounds_huge_input) {
  std::string many = "/stats";
  for (int i = 0; i < 10000; ++i)
    many += " " + std::to_string(i);
  auto command = parse_command(many, bot);
  BOOST_REQUIRE(command);
  BOOST_TEST(command->args.size() == max_command_args);
  BOOST_TEST(command->args.back() == "9");

  auto long_arg = parse_command("/stats " + std::string(1 << 20, '7'), bot);
  BOOST_REQUIRE(long_arg);
  BOOST_TEST(long_arg->args.at(0).size() == max_command_arg_bytes);

  std::string umlauts = "/stats ";
  for (int i = 0; i < 80; ++i)
    umlauts += "\xC3\xBC"; // ü: 160 bytes, cut at 100 must not split a character
  auto cut = parse_command(umlauts + "\xC3", bot);
  BOOST_REQUIRE(cut);
  BOOST_TEST(cut->args.at(0).size() == 100u);
  BOOST_TEST(cut->args.at(0).substr(98) == "\xC3\xBC");
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash) {
  std::mt19937 random(42);
  for (int round = 0; round < 2000; ++round) {
    std::string text = round % 2 ? "/stats " : "/";
    const std::size_t length = random() % 300;
    for (std::size_t i = 0; i < length; ++i)
      text += static_cast<char>(random() % 256);
    if (auto command = parse_command(text, bot)) {
      BOOST_TEST(command->args.size() <= max_command_args);
      for (const auto& arg : command->args)
        BOOST_TEST(arg.size() <= max_command_arg_bytes);
    }
  }
}

BOOST_AUTO_TEST_CASE(fixture_ids_are_positive_digits_up_to_ten_to_the_twelfth) {
  BOOST_TEST(parse_fixture_id("1").value_or(0) == 1);
  BOOST_TEST(parse_fixture_id("1149519").value_or(0) == 1149519);
  BOOST_TEST(parse_fixture_id("007").value_or(0) == 7);
  BOOST_TEST(parse_fixture_id("1000000000000").value_or(0) == 1000000000000);
  for (std::string_view bad : {"", "0", "000", "1000000000001", "99999999999999999999999", "-5",
                               "+5", "12a", " 12", "1.5", "\xEF\xBC\x91"})
    BOOST_TEST(!parse_fixture_id(bad), bad);
}

BOOST_AUTO_TEST_CASE(relative_days_follow_the_users_offset) {
  BOOST_TEST(day_iso("today", may_first_late) == "2024-05-01");
  BOOST_TEST(day_iso("today", may_first_late, 60) == "2024-05-02");
  BOOST_TEST(day_iso("TOMORROW", may_first_late) == "2024-05-02");
  BOOST_TEST(day_iso("yesterday", may_first_late) == "2024-04-30");
  BOOST_TEST(day_iso("today", 1709254800, -120) == "2024-02-29"); // 2024-03-01T01:00Z
  BOOST_TEST(day_iso("tomorrow", 1704063600) == "2024-01-01");    // 2023-12-31T23:00Z
  BOOST_TEST(day_iso("yesterday", 0) == "1969-12-31");
  BOOST_TEST(day_iso("today", may_first_late, 19 * 60) == "none");
  BOOST_TEST(day_iso("today", -1) == "none");
  BOOST_TEST(day_iso("today", INT64_MAX, 0) == "none");
  BOOST_TEST(day_iso("tomorrow", 253402000000, 18 * 60) == "9999-12-30");

  auto today = parse_day("Today", may_first_late, 0);
  BOOST_REQUIRE(today);
  BOOST_TEST(today->label == "today");
}

BOOST_AUTO_TEST_CASE(explicit_dates_must_exist) {
  auto leap = parse_day("2024-02-29", may_first_late, 0);
  BOOST_REQUIRE(leap);
  BOOST_TEST(leap->iso == "2024-02-29");
  BOOST_TEST(leap->label == "2024-02-29");
  BOOST_TEST(day_iso("2000-02-29", 0) == "2000-02-29");
  for (std::string_view bad : {"2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
                               "2024-05-00", "2024-4-1", "20240501", "2024-05-01x", "1899-12-31",
                               "2101-01-01", "2024/05/01", "", "someday"})
    BOOST_TEST(!parse_day(bad, may_first_late, 0), bad);
}

BOOST_AUTO_TEST_SUITE_END()
