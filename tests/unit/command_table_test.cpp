// The command table: /help, the menu, usage lines and the unknown-command reply
// come from it, and every entry's handler turns its arguments into work.
#include "core/bot/analysis_report.hpp"
#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "core/jobs/job_text.hpp"
#include "core/text/html_text.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using namespace phoenix::core;

namespace {

// 2022-03-19T12:00:00Z
const command_context context{"Ana", 1647691200, 0, "Europe/Madrid"};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

command_work work_for(const std::string& text) {
  const std::optional<bot_command> command = parse_command(text, "phoenix_bot");
  BOOST_REQUIRE_MESSAGE(command, "not a command: " << text);
  return work_for_command(*command, context);
}

const reply_action* reply_of(const command_work& work) {
  return std::get_if<reply_action>(&work.action);
}

football_action football_of(const command_work& work) {
  const auto* action = std::get_if<football_action>(&work.action);
  BOOST_REQUIRE_MESSAGE(action, work.command << " " << work.arguments << ": no football query");
  return *action;
}

job_action job_of(const command_work& work) {
  const auto* action = std::get_if<job_action>(&work.action);
  BOOST_REQUIRE_MESSAGE(action, work.command << " " << work.arguments << ": no job request");
  return *action;
}

fixture fixture_with_id(int64_t id) {
  fixture match;
  match.id = id;
  match.home.name = "Home";
  match.away.name = "Away";
  return match;
}

} // namespace

BOOST_AUTO_TEST_SUITE(command_table_tests)

BOOST_AUTO_TEST_CASE(every_entry_is_complete_and_unique) {
  std::set<std::string_view> names;
  for (const command_spec& spec : command_table()) {
    BOOST_TEST(spec.handler != nullptr, "/" << spec.name << " has no handler");
    BOOST_TEST(names.insert(spec.name).second, "/" << spec.name << " twice");
    BOOST_TEST(find_command(spec.name) == &spec);
    BOOST_TEST(!spec.description.empty());
  }
  BOOST_TEST(find_command("nosuchcommand") == nullptr);
  BOOST_TEST(names.size() >= 9u);
}

BOOST_AUTO_TEST_CASE(help_lists_every_command_in_table_order) {
  const std::string help = help_text();
  std::size_t last = 0;
  for (const command_spec& spec : command_table()) {
    std::string line = "\n/" + std::string(spec.name);
    if (!spec.arguments.empty())
      line += " " + html_escape(spec.arguments);
    line += " \xE2\x80\x93 " + html_escape(spec.description);
    const std::size_t at = help.find(line + "\n");
    BOOST_TEST(at != std::string::npos, "/help lacks " << line);
    BOOST_TEST(at >= last, "/" << spec.name << " out of order");
    last = at;
  }
}

BOOST_AUTO_TEST_CASE(the_menu_is_the_table_s_menu_entries) {
  std::vector<std::pair<std::string, std::string>> expected;
  for (const command_spec& spec : command_table())
    if (spec.in_menu)
      expected.emplace_back(spec.name, spec.description);
  BOOST_TEST((menu_commands() == expected));
  BOOST_TEST(!expected.empty());
}

BOOST_AUTO_TEST_CASE(usage_of_each_command_and_its_example_works) {
  for (const command_spec& spec : command_table()) {
    const std::string name(spec.name);
    std::string usage = "Usage: /" + name;
    if (!spec.arguments.empty())
      usage += " " + html_escape(spec.arguments);
    BOOST_TEST(usage_text(name) == usage + "\nExample: " + html_escape(spec.example));

    // The example is accepted by the command's handler: no usage, no unknown command.
    const command_work work = work_for(std::string(spec.example));
    BOOST_TEST(work.command == name);
    if (const reply_action* reply = reply_of(work))
      BOOST_TEST(reply->outcome == "ok", spec.example << " -> " << reply->html);
  }
}

BOOST_AUTO_TEST_CASE(bad_arguments_get_the_usage_line) {
  for (const std::string text :
       {"/fixtures someday", "/fixtures today x", "/fixtures today 39 1", "/live now", "/stats",
        "/stats abc", "/stats 1 2", "/analyze", "/analyze 0", "/job x", "/jobs 1", "/cancel"}) {
    const command_work work = work_for(text);
    const reply_action* reply = reply_of(work);
    BOOST_REQUIRE_MESSAGE(reply, text << " was accepted");
    BOOST_TEST(reply->outcome == "bad arguments");
    BOOST_TEST(reply->html == usage_text(work.command));
  }
}

BOOST_AUTO_TEST_CASE(unknown_commands_get_the_short_help) {
  const command_work work = work_for("/nosuchcommand a  b");
  BOOST_TEST(work.command == "nosuchcommand");
  BOOST_TEST(work.arguments == "a b");
  const reply_action* reply = reply_of(work);
  BOOST_REQUIRE(reply);
  BOOST_TEST(reply->outcome == "unknown command");
  BOOST_TEST(reply->html == unknown_command_text("nosuchcommand"));
  BOOST_TEST(usage_text("nosuchcommand") == reply->html);
  for (const command_spec& spec : command_table()) {
    BOOST_TEST(contains(reply->html, "/" + std::string(spec.name)));
    BOOST_TEST(contains(not_a_command_text(), "/" + std::string(spec.name)));
  }
  BOOST_TEST(contains(reply->html, "I do not know /nosuchcommand. Commands: /start, /help"));
}

BOOST_AUTO_TEST_CASE(start_and_help_reply_at_once) {
  const command_work start_work = work_for("/start");
  const reply_action* start = reply_of(start_work);
  BOOST_REQUIRE(start);
  BOOST_TEST(start->html == start_text("Ana"));
  const command_work help_work = work_for("/help@phoenix_bot");
  const reply_action* help = reply_of(help_work);
  BOOST_REQUIRE(help);
  BOOST_TEST(help->html == help_text());
}

BOOST_AUTO_TEST_CASE(football_commands_ask_the_right_query) {
  const football_action tomorrow = football_of(work_for("/fixtures tomorrow 140"));
  BOOST_TEST(cache_key(tomorrow.query) ==
             cache_key(football_query::by_date("2022-03-20", 140, "Europe/Madrid")));
  BOOST_TEST(contains(tomorrow.render(std::vector<fixture>{}).html, "2022-03-20"));
  const football_action today = football_of(work_for("/fixtures"));
  BOOST_TEST(cache_key(today.query) ==
             cache_key(football_query::by_date("2022-03-19", 0, "Europe/Madrid")));

  const football_action live = football_of(work_for("/live"));
  BOOST_TEST(cache_key(live.query) == cache_key(football_query::live()));
  BOOST_TEST(live.render(std::vector<fixture>{}).html == "No matches are being played right now.");

  const football_action stats = football_of(work_for("/stats 0042"));
  BOOST_TEST(cache_key(stats.query) == cache_key(football_query::fixture_by_id(42)));
  BOOST_TEST(stats.render(std::vector<fixture>{}).html == not_found_text());
  BOOST_TEST(stats.render(std::vector<fixture>{fixture_with_id(42)}).html ==
             render_stats(fixture_with_id(42)));
  // An answer about another fixture is no answer.
  BOOST_TEST(stats.render(std::vector<fixture>{fixture_with_id(43)}).html ==
             error_text(make_football_error(football_errc::malformed, "")));
}

BOOST_AUTO_TEST_CASE(job_commands_ask_the_registry) {
  const job_action analyze = job_of(work_for("/analyze 1149519"));
  BOOST_TEST((analyze.op == job_op::create));
  BOOST_TEST(analyze.kind == "analyze");
  BOOST_TEST(analyze.parameters == "1149519");
  BOOST_TEST(analyze.render(7, {}) == job_started_text(7, "analysis of fixture 1149519"));

  const job_action job = job_of(work_for("/job 12"));
  BOOST_TEST((job.op == job_op::get));
  BOOST_TEST(job.job_id == 12);
  db::job_row row;
  row.id = 12;
  row.kind = "analyze";
  row.status = "running";
  BOOST_TEST(job.render(12, {row}) == render_job(row));
  BOOST_TEST(job.render(12, {}) == "No job #12 of yours.");

  const job_action jobs = job_of(work_for("/jobs"));
  BOOST_TEST((jobs.op == job_op::list));
  BOOST_TEST(jobs.render(0, {}) == render_jobs({}));

  const job_action cancel = job_of(work_for("/cancel 12"));
  BOOST_TEST((cancel.op == job_op::cancel));
  BOOST_TEST(cancel.job_id == 12);
  BOOST_TEST(cancel.render(12, {}) == "Job #12 cancelled.");
}

BOOST_AUTO_TEST_CASE(buttons_open_statistics_or_the_help) {
  const command_work stats = work_for_callback(stats_callback_data(721019));
  BOOST_TEST(stats.command == "stats");
  BOOST_TEST(stats.arguments == "721019");
  BOOST_TEST(cache_key(football_of(stats).query) ==
             cache_key(football_query::fixture_by_id(721019)));

  const command_work unknown = work_for_callback("refresh:1");
  BOOST_TEST(unknown.command == "callback");
  BOOST_TEST(unknown.arguments == "refresh:1");
  const reply_action* reply = reply_of(unknown);
  BOOST_REQUIRE(reply);
  BOOST_TEST(reply->html == help_text());
  BOOST_TEST(reply->outcome == "unknown button");
}

BOOST_AUTO_TEST_CASE(job_sentences) {
  job_record job;
  job.id = 3;
  job.status = job_status::done;
  job.result = "<b>Analysis #3</b>";
  BOOST_TEST(job_end_notice(job) == "<b>Analysis #3</b>");
  job.status = job_status::failed;
  job.result = worker_died_result("<killed>");
  BOOST_TEST(job_end_notice(job) == "Job #3 failed: the job stopped unexpectedly (&lt;killed&gt;)");
  job.status = job_status::cancelled;
  job.result = cancelled_by_owner_result();
  BOOST_TEST(job_end_notice(job) == "Job #3 cancelled: cancelled by you");
  BOOST_TEST(no_such_job_refusal(99) == "No job #99 of yours.");
  BOOST_TEST(job_already_finished_refusal(1) == "Job #1 has already finished.");
  BOOST_TEST(jobs_busy_refusal() == "Phoenix is busy; please try again in a minute.");
  BOOST_TEST(analysis_progress(analysis_step::fixture) == "loading the fixture");
  BOOST_TEST(analysis_progress(analysis_step::head_to_head) == "loading head-to-head");
  BOOST_TEST(analysis_progress(analysis_step::prediction) == "loading the prediction");
}

BOOST_AUTO_TEST_CASE(the_readme_lists_the_table) {
  std::ifstream in(std::string(PHOENIX_SOURCE_DIR) + "/README.md");
  BOOST_TEST_REQUIRE(static_cast<bool>(in));
  std::vector<std::string> rows; // "| `/name args` |" rows of its command list, in order
  for (std::string line; std::getline(in, line);)
    if (line.rfind("| `/", 0) == 0)
      rows.push_back(line.substr(0, line.find("` |") + 3));
  std::vector<std::string> expected;
  for (const command_spec& spec : command_table()) {
    std::string row = "| `/" + std::string(spec.name);
    if (!spec.arguments.empty())
      row += " " + std::string(spec.arguments);
    std::string escaped; // a | inside a Markdown table cell is written \|
    for (char c : row.substr(2))
      escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    expected.push_back("| " + escaped + "` |");
  }
  BOOST_TEST(rows == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
