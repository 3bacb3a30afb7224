#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "core/text/html_text.hpp"
#include "tests/unit/football_samples.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

using namespace phoenix::test;
using namespace std::chrono_literals;

namespace {

// Telegram refuses a message with unknown or unbalanced tags or a bare & < >.
void check_telegram_html(const std::string& html) {
  static const std::set<std::string> allowed{"b", "i", "code", "pre"};
  std::vector<std::string> open;
  for (std::size_t pos = 0; pos < html.size();) {
    const char c = html[pos];
    if (c == '<') {
      const std::size_t end = html.find('>', pos);
      BOOST_REQUIRE_MESSAGE(end != std::string::npos, "unclosed tag in " << html);
      const bool closing = html[pos + 1] == '/';
      const std::string name = html.substr(pos + 1 + closing, end - pos - 1 - closing);
      BOOST_CHECK_MESSAGE(allowed.count(name), "tag <" << name << "> in " << html);
      if (closing) {
        BOOST_REQUIRE_MESSAGE(!open.empty() && open.back() == name, "unbalanced in " << html);
        open.pop_back();
      } else {
        open.push_back(name);
      }
      pos = end + 1;
    } else if (c == '&') {
      const std::size_t end = html.find(';', pos);
      const std::string entity = html.substr(pos, end == std::string::npos ? 1 : end - pos + 1);
      BOOST_CHECK_MESSAGE(entity == "&amp;" || entity == "&lt;" || entity == "&gt;" ||
                              entity == "&quot;",
                          "bare & in " << html);
      pos += entity.size();
    } else {
      BOOST_CHECK_MESSAGE(c != '>', "bare > in " << html);
      ++pos;
    }
  }
  BOOST_CHECK_MESSAGE(open.empty(), "unclosed <" << (open.empty() ? "" : open.back()) << ">");
}

std::vector<fixture> sample_fixtures(const std::string& name) {
  auto decoded = decode_fixtures(read_sample(name));
  BOOST_REQUIRE(decoded.ok());
  return *decoded.value;
}

fixture made_up_fixture(int64_t id, int64_t league_id, std::string league, std::string home,
                        std::string away) {
  fixture match;
  match.id = id;
  match.league_id = league_id;
  match.league_name = std::move(league);
  match.league_country = "England";
  match.home.name = std::move(home);
  match.away.name = std::move(away);
  match.date = "2024-05-01T20:45:00+02:00";
  match.timestamp = 1714589100 + id;
  match.status.short_name = "NS";
  match.status.long_name = "Not Started";
  return match;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const date_choice today{"2022-03-19", "today"};

} // namespace

BOOST_AUTO_TEST_SUITE(bot_text_tests)

BOOST_AUTO_TEST_CASE(fixtures_of_a_day_from_the_real_sample,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto shown = render_fixtures(sample_fixtures("fixtures-by-date.json"), today, "Europe/Madrid");
  check_telegram_html(shown.html);
  BOOST_TEST(contains(shown.html, "<b>Fixtures today, 2022-03-19</b>"));
  BOOST_TEST(contains(shown.html, "Europe/Madrid"));
  BOOST_TEST(contains(shown.html, "<b>La Liga \xC2\xB7 Spain</b>"));
  BOOST_TEST(
      contains(shown.html, "<code>13:00</code> Alaves \xE2\x80\x93 Granada CF <b>2:3</b> FT"));
  BOOST_TEST(contains(shown.html, "<code>17:30</code> Osasuna \xE2\x80\x93 Levante\n"));
  BOOST_TEST(contains(shown.html, "Elche \xE2\x80\x93 Valencia <b>0:0</b> 49'"));
  BOOST_TEST(!contains(shown.html, "NS"));
  // By kick-off within the league: 13:00, 15:15, 17:30, 20:00.
  BOOST_TEST(shown.html.find("Alaves") < shown.html.find("Elche"));
  BOOST_TEST(shown.html.find("Elche") < shown.html.find("Osasuna"));

  BOOST_REQUIRE_EQUAL(shown.keyboard.size(), 4u);
  BOOST_TEST(shown.keyboard[0].size() == 1u);
  BOOST_TEST(shown.keyboard[0][0].text == "Alaves \xE2\x80\x93 Granada CF");
  BOOST_TEST(shown.keyboard[0][0].callback_data == "stats:721019");
  BOOST_TEST(shown.keyboard[1][0].callback_data == "stats:721028");
  for (const auto& row : shown.keyboard)
    BOOST_TEST(parse_stats_callback(row.at(0).callback_data).has_value());
}

BOOST_AUTO_TEST_CASE(team_names_are_escaped_and_buttons_stay_plain) {
  std::vector<fixture> fixtures{
      made_up_fixture(1, 39, "<Premier> & League", "Brighton & <Hove>", "M\xC3\xBCnchen \"1860\""),
      made_up_fixture(2, 40, "S\xC3\xBCper Lig",
                      "Fenerbah\xC3\xA7"
                      "e",
                      "Galatasaray \xE2\x9A\xBD")};
  auto shown = render_fixtures(fixtures, {"2024-05-01", "2024-05-01"}, "Europe/Berlin");
  check_telegram_html(shown.html);
  BOOST_TEST(contains(shown.html, "Brighton &amp; &lt;Hove&gt;"));
  BOOST_TEST(contains(shown.html, "&lt;Premier&gt; &amp; League"));
  BOOST_TEST(contains(shown.html, "M\xC3\xBCnchen &quot;1860&quot;"));
  BOOST_TEST(contains(shown.html, "Fenerbah\xC3\xA7"
                                  "e"));
  BOOST_TEST(contains(shown.html, "<b>Fixtures on 2024-05-01</b>"));
  BOOST_TEST(contains(shown.html, "<code>20:45</code>"));
  BOOST_TEST(!contains(shown.html, "<Hove>"));
  BOOST_TEST(shown.keyboard[0][0].text == "Brighton & <Hove> \xE2\x80\x93 M\xC3\xBCnchen \"1860\"");
}

BOOST_AUTO_TEST_CASE(leagues_keep_first_seen_order) {
  std::vector<fixture> fixtures{made_up_fixture(1, 39, "Premier League", "A", "B"),
                                made_up_fixture(2, 140, "La Liga", "C", "D"),
                                made_up_fixture(3, 39, "Premier League", "E", "F")};
  auto html = render_fixtures(fixtures, today, "").html;
  BOOST_TEST(html.find("Premier League") < html.find("La Liga"));
  BOOST_TEST(html.find("E \xE2\x80\x93 F") < html.find("La Liga"));
  BOOST_TEST(html.find("Premier League") == html.rfind("Premier League"));
  BOOST_TEST(!contains(html, "Times in"));
}

BOOST_AUTO_TEST_CASE(long_lists_get_fifty_buttons_and_a_note) {
  std::vector<fixture> fixtures;
  for (int i = 1; i <= 70; ++i)
    fixtures.push_back(made_up_fixture(1000000000000 - i, i % 7, "League " + std::to_string(i % 7),
                                       std::string(80, 'H'), std::string(80, 'A')));
  auto shown = render_fixtures(fixtures, today, "UTC");
  check_telegram_html(shown.html);
  BOOST_TEST(shown.keyboard.size() == max_fixture_buttons);
  for (const auto& row : shown.keyboard) {
    BOOST_TEST(row.size() == 1u);
    BOOST_TEST(row[0].callback_data.size() <= 64u);
    BOOST_TEST(visible_length_utf16(row[0].text) <= 60u);
  }
  BOOST_TEST(contains(shown.html, "Buttons for the first 50 matches"));
  BOOST_TEST(contains(shown.html, "<code>/stats 99999999"));
  for (const auto& part : split_message(shown.html)) {
    BOOST_TEST(visible_length_utf16(part) <= telegram_text_limit);
    check_telegram_html(part);
  }
}

BOOST_AUTO_TEST_CASE(empty_lists_get_a_friendly_sentence) {
  auto none = render_fixtures({}, {"2024-05-02", "tomorrow"}, "UTC");
  BOOST_TEST(none.html == "No fixtures found tomorrow, 2024-05-02. Try another day with /fixtures "
                          "tomorrow.");
  BOOST_TEST(none.keyboard.empty());
  BOOST_TEST(render_live({}).html == "No matches are being played right now.");
}

BOOST_AUTO_TEST_CASE(status_labels_and_kick_off_times) {
  auto status = [](std::string code, std::optional<int> elapsed, std::optional<int> extra) {
    fixture_status s;
    s.short_name = std::move(code);
    s.elapsed = elapsed;
    s.extra = extra;
    return status_label(s);
  };
  BOOST_TEST(status("2H", 90, 3) == "90+3'");
  BOOST_TEST(status("1H", 45, std::nullopt) == "45'");
  BOOST_TEST(status("1H", std::nullopt, std::nullopt) == "1H");
  BOOST_TEST(status("HT", 45, std::nullopt) == "HT");
  BOOST_TEST(status("FT", 90, std::nullopt) == "FT");
  BOOST_TEST(status("NS", std::nullopt, std::nullopt) == "");
  BOOST_TEST(status("PST", std::nullopt, std::nullopt) == "postponed");
  BOOST_TEST(status("CANC", std::nullopt, std::nullopt) == "cancelled");
  BOOST_TEST(kick_off_time("2024-05-01T20:45:00+02:00") == "20:45");
  BOOST_TEST(kick_off_time("2024-05-01") == "--:--");
  BOOST_TEST(kick_off_time("2024-05-01Tab:cd") == "--:--");
}

BOOST_AUTO_TEST_CASE(live_matches_show_minute_and_score,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto shown = render_live(sample_fixtures("fixtures-live.json"));
  check_telegram_html(shown.html);
  BOOST_TEST(contains(shown.html, "<b>Live now</b> (7 matches)"));
  BOOST_TEST(contains(shown.html, "<code>45+1'</code> Palmeiras U20 <b>0:1</b> Coritiba U20"));
  BOOST_TEST(contains(shown.html, "<code>52'</code> Flamengo U20 <b>0:0</b> Goiás U20"));
  const std::string brazil = "<b>Copa do Brasil U20 \xC2\xB7 Brazil</b>";
  BOOST_TEST(shown.html.find(brazil) == shown.html.rfind(brazil));
  BOOST_TEST(shown.keyboard.size() == 7u);
}

BOOST_AUTO_TEST_CASE(statistics_of_a_finished_match,
                     *boost::unit_test::precondition(shared_samples_present)) {
  auto fixtures = sample_fixtures("fixtures-by-ids-with-details.json");
  const std::string html = render_stats(fixtures.at(0));
  check_telegram_html(html);
  BOOST_TEST(contains(html, "<b>Atletico Madrid 2:1 Inter</b>"));
  BOOST_TEST(contains(html, "Match Finished (pens 3:2)"));
  BOOST_TEST(contains(html, "UEFA Champions League (World) \xC2\xB7 Round of 16"));
  BOOST_TEST(contains(html, "Est\xC3\xA1"
                            "dio C\xC3\xADvitas Metropolitano, Madrid"));
  BOOST_TEST(contains(html, "Kick-off: 2024-03-13 20:00 UTC"));
  BOOST_TEST(contains(html, "33' F. Dimarco (Inter)"));
  BOOST_TEST(contains(html, "87' M. Depay (Atletico Madrid)"));
  BOOST_TEST(!contains(html, "Red cards</b>"));
  BOOST_TEST(!contains(html, "H. \xC3\x87"
                             "alhano\xC4\x9Flu")); // shoot-out kicks are no goals

  // Columns aligned: every table line has the same width.
  const std::size_t begin = html.find("<pre>") + 5, end = html.find("</pre>");
  const std::string table = html.substr(begin, end - begin);
  std::vector<std::size_t> widths;
  for (std::size_t start = 0; start <= table.size();) {
    std::size_t stop = std::min(table.find('\n', start), table.size());
    widths.push_back(visible_length_utf16(table.substr(start, stop - start)));
    start = stop + 1;
  }
  BOOST_TEST(widths.size() == 11u); // header + 10 rows
  for (std::size_t width : widths)
    BOOST_TEST(width == widths.front());
  BOOST_TEST(widths.front() <= 34u);
  BOOST_TEST(contains(table, "Shots                23     15"));
  BOOST_TEST(contains(table, "Possession          47%    53%"));
  BOOST_TEST(contains(table, "Pass accuracy       85%    88%"));
  BOOST_TEST(contains(table, "Red cards             -      -"));
  BOOST_TEST(contains(table, "xG                 2.73   1.57"));
}

BOOST_AUTO_TEST_CASE(statistics_with_red_cards_missing_values_and_none_yet) {
  fixture match = made_up_fixture(5, 39, "Premier League", "Brighton & <Hove>",
                                  "Fenerbah\xC3\xA7"
                                  "e");
  match.status = {"Second Half", "2H", 90, 4};
  match.goals = {1, 0};
  match.home.id = 51;
  match.away.id = 611;
  match.events.push_back({77, std::nullopt, 611,
                          "Fenerbah\xC3\xA7"
                          "e",
                          "<Bad> Boy", "", "Card", "Red Card", ""});
  match.events.push_back({90, 2, 51, "Brighton & <Hove>", "", "", "Goal", "Own Goal", ""});
  team_statistics away{{611,
                        "Fenerbah\xC3\xA7"
                        "e",
                        {}},
                       {}};
  away.values.push_back({"Total Shots", {stat_value::kind::integer, 7, "7"}});
  match.statistics.push_back(away);

  const std::string html = render_stats(match);
  check_telegram_html(html);
  BOOST_TEST(contains(html, "<b>Brighton &amp; &lt;Hove&gt; 1:0 Fenerbah\xC3\xA7"
                            "e</b>"));
  BOOST_TEST(contains(html, "Second Half, 90+4'"));
  BOOST_TEST(contains(html, "<b>Red cards</b>\n77' &lt;Bad&gt; Boy (Fenerbah\xC3\xA7"
                            "e)"));
  BOOST_TEST(contains(html, "90+2' unknown player (own goal)"));
  BOOST_TEST(contains(html, "Shots                 -          7"));
  BOOST_TEST(!contains(html, "xG")); // no side has it

  fixture scheduled = made_up_fixture(6, 39, "Premier League", "A", "B");
  const std::string waiting = render_stats(scheduled);
  check_telegram_html(waiting);
  BOOST_TEST(contains(waiting, "<b>A \xE2\x80\x93 B</b>"));
  BOOST_TEST(contains(waiting, "No statistics yet: the match has not started."));
}

BOOST_AUTO_TEST_CASE(command_texts_come_from_one_table) {
  const std::string help = help_text();
  check_telegram_html(help);
  for (const auto& command : command_table())
    check_telegram_html(usage_text(command.name));
  BOOST_TEST(contains(help, "/fixtures [today|tomorrow|yesterday|YYYY-MM-DD] [league id]"));
  BOOST_TEST(usage_text("stats") == "Usage: /stats &lt;fixture id&gt;\nExample: /stats 1149519");

  const std::string unknown = unknown_command_text("<x>&");
  check_telegram_html(unknown);
  BOOST_TEST(contains(unknown, "/&lt;x&gt;&amp;"));
  BOOST_TEST(contains(usage_text("nope"), "/help"));
  check_telegram_html(not_a_command_text());
  BOOST_TEST(contains(not_a_command_text(), "/help"));

  BOOST_TEST(contains(start_text("<Bob> & Co"), "Hello, &lt;Bob&gt; &amp; Co!"));
  BOOST_TEST(contains(start_text(""), "Hello, there!"));
  check_telegram_html(start_text("M\xC3\xBCnchen"));
  check_telegram_html(flood_warning_text());
  check_telegram_html(queue_full_text());
  check_telegram_html(answer_timeout_text());
  check_telegram_html(handler_failed_text());
}

BOOST_AUTO_TEST_CASE(stats_callback_data_round_trips) {
  BOOST_TEST(stats_callback_data(1149519) == "stats:1149519");
  BOOST_TEST(stats_callback_data(max_fixture_id).size() <= 64u);
  BOOST_TEST(parse_stats_callback("stats:1149519").value_or(0) == 1149519);
  BOOST_TEST(!parse_stats_callback("stats:"));
  BOOST_TEST(!parse_stats_callback("stats:-1"));
  BOOST_TEST(!parse_stats_callback("option_1"));
  BOOST_TEST(!parse_stats_callback(""));
}

BOOST_AUTO_TEST_CASE(stale_notes_and_errors) {
  BOOST_TEST(stale_note(12min) ==
             "<i>Data from 12 min ago (the data service is not answering).</i>");
  BOOST_TEST(contains(stale_note(30s), "less than a minute"));
  BOOST_TEST(contains(stale_note(125min), "2 h 5 min ago"));
  BOOST_TEST(contains(stale_note(72h), "3 days ago"));
  BOOST_TEST(contains(stale_note(-5s), "less than a minute"));

  auto limited = make_football_error(football_errc::rate_limited, "rateLimit: too many");
  BOOST_TEST(error_text(limited) == football_user_message(football_errc::rate_limited));
  football_error odd{football_errc::bad_request, "Use <b> & co", "detail"};
  BOOST_TEST(error_text(odd) == "Use &lt;b&gt; &amp; co");
  football_error silent{football_errc::timeout, "", "detail"};
  BOOST_TEST(error_text(silent) == football_user_message(football_errc::timeout));
  BOOST_TEST(not_found_text() == "Fixture not found.");
}

BOOST_AUTO_TEST_SUITE_END()
