// The command table and its handlers (see command_table.hpp).
#include "core/bot/command_table.hpp"

#include "core/bot/bot_text.hpp"
#include "core/bot/subscription_commands.hpp"
#include "core/bot/team_commands.hpp"
#include "core/jobs/job_text.hpp"
#include "core/text/html_text.hpp"

#include <iterator>

namespace phoenix::core {
namespace {

using arguments = std::vector<std::string>;
using maybe_action = std::optional<command_action>;

// /fixtures, /live: a list of fixtures, empty when the answer holds none.
const std::vector<fixture>& fixtures_of(const football_payload& data) {
  static const std::vector<fixture> none;
  const auto* fixtures = std::get_if<std::vector<fixture>>(&data);
  return fixtures != nullptr ? *fixtures : none;
}

// A fixture or job id as the only argument.
std::optional<int64_t> only_id(const arguments& args) {
  return args.size() == 1 ? parse_fixture_id(args[0]) : std::nullopt;
}

football_action stats_action(int64_t fixture_id) {
  return {football_query::fixture_by_id(fixture_id),
          [fixture_id](const football_payload& data) {
            const std::vector<fixture>& fixtures = fixtures_of(data);
            if (fixtures.empty())
              return rendered{not_found_text(), {}};
            // Another fixture (or none: id 0, fields of the wrong type) is no answer.
            if (fixtures.front().id != fixture_id)
              return rendered{
                  error_text(make_football_error(football_errc::malformed, "another fixture")), {}};
            return rendered{render_stats(fixtures.front()), {}};
          },
          {}};
}

maybe_action start_handler(const arguments&, const command_context& context) {
  return reply_action{start_text(context.first_name)};
}

maybe_action help_handler(const arguments&, const command_context&) {
  return reply_action{help_text()};
}

maybe_action fixtures_handler(const arguments& args, const command_context& context) {
  if (args.size() > 2)
    return std::nullopt;
  const std::optional<date_choice> day =
      parse_day(args.empty() ? "today" : args[0], context.unix_now, context.utc_offset_minutes);
  const std::optional<int64_t> league =
      args.size() == 2 ? parse_fixture_id(args[1]) : std::optional<int64_t>{0};
  if (!day || !league)
    return std::nullopt;
  return football_action{football_query::by_date(day->iso, *league, context.timezone),
                         [day = *day, zone = context.timezone](const football_payload& data) {
                           return render_fixtures(fixtures_of(data), day, zone);
                         },
                         {}};
}

maybe_action live_handler(const arguments& args, const command_context&) {
  if (!args.empty())
    return std::nullopt;
  return football_action{
      football_query::live(),
      [](const football_payload& data) { return render_live(fixtures_of(data)); },
      {}};
}

maybe_action stats_handler(const arguments& args, const command_context&) {
  const std::optional<int64_t> id = only_id(args);
  if (!id)
    return std::nullopt;
  return stats_action(*id);
}

maybe_action analyze_handler(const arguments& args, const command_context&) {
  const std::optional<int64_t> fixture_id = only_id(args);
  if (!fixture_id)
    return std::nullopt;
  return job_action{job_op::create, 0, "analyze", std::to_string(*fixture_id),
                    [fixture_id](int64_t id, const std::vector<db::job_row>&) {
                      return job_started_text(id,
                                              "analysis of fixture " + std::to_string(*fixture_id));
                    }};
}

maybe_action job_handler(const arguments& args, const command_context&) {
  const std::optional<int64_t> job_id = only_id(args);
  if (!job_id)
    return std::nullopt;
  return job_action{
      job_op::get, *job_id, "", "", [](int64_t id, const std::vector<db::job_row>& jobs) {
        return jobs.empty() ? html_escape(no_such_job_refusal(id)) : render_job(jobs.front());
      }};
}

maybe_action jobs_handler(const arguments& args, const command_context&) {
  if (!args.empty())
    return std::nullopt;
  return job_action{job_op::list, 0, "", "", [](int64_t, const std::vector<db::job_row>& jobs) {
                      return render_jobs(jobs);
                    }};
}

maybe_action cancel_handler(const arguments& args, const command_context&) {
  const std::optional<int64_t> job_id = only_id(args);
  if (!job_id)
    return std::nullopt;
  return job_action{
      job_op::cancel, *job_id, "", "",
      [](int64_t id, const std::vector<db::job_row>&) { return job_cancelled_text(id); }};
}

// Every command: name, arguments, description (help and menu), example, in the menu, handler.
constexpr command_spec commands[] = {
    {"start", "", "Start Phoenix and see what it can do", "/start", true, start_handler},
    {"help", "", "List the commands", "/help", true, help_handler},
    {"fixtures", "[today|tomorrow|yesterday|YYYY-MM-DD] [league id]",
     "Fixtures of a day, optionally of one league", "/fixtures tomorrow 39", true,
     fixtures_handler},
    {"live", "", "Matches being played now", "/live", true, live_handler},
    {"stats", "<fixture id>", "Score, goals and statistics of a match", "/stats 1149519", true,
     stats_handler},
    {"analyze", "<fixture id>", "A background report: head to head, form, prediction",
     "/analyze 1149519", true, analyze_handler},
    {"job", "<job id>", "Status and result of one of your jobs", "/job 12", true, job_handler},
    {"jobs", "", "Your recent jobs", "/jobs", true, jobs_handler},
    {"cancel", "<job id>", "Cancel one of your jobs", "/cancel 12", true, cancel_handler},
    {"subscribe", "<team name>", "Follow a team: pick it from the teams found",
     "/subscribe Arsenal", true, subscribe_handler},
    {"subscriptions", "", "The teams you follow, with buttons to unsubscribe", "/subscriptions",
     true, subscriptions_handler},
    {"unsubscribe", "<team name>", "Stop following a team", "/unsubscribe Arsenal", true,
     unsubscribe_handler},
    {"timezone", "<Area/City>", "Your time zone for dates and kick-off times",
     "/timezone Europe/London", true, timezone_handler},
    {"settings", "", "Your choices: time zone, teams followed", "/settings", true,
     settings_handler},
    {"team", "<team name>", "A team's next and last fixtures", "/team Arsenal", true, team_handler},
    {"standings", "<league id> [season]", "A league's table (default: the current season)",
     "/standings 140 2021", true, standings_handler},
};

// What Telegram accepts as a BotCommand, and what the parser can produce.
constexpr bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_command_name_length)
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

constexpr bool example_runs(const command_spec& spec) {
  const std::string_view example = spec.example;
  return example.size() > spec.name.size() && example[0] == '/' &&
         example.substr(1, spec.name.size()) == spec.name &&
         (example.size() == spec.name.size() + 1 || example[spec.name.size() + 1] == ' ');
}

constexpr bool table_is_complete() {
  for (std::size_t i = 0; i < std::size(commands); ++i) {
    const command_spec& spec = commands[i];
    if (spec.handler == nullptr || !valid_name(spec.name) || spec.description.empty() ||
        spec.description.size() > 256 || !example_runs(spec))
      return false;
    for (std::size_t j = 0; j < i; ++j)
      if (commands[j].name == spec.name)
        return false;
  }
  return true;
}

static_assert(table_is_complete(), "every command needs a valid unique name, a description of "
                                   "1-256 characters, an example of itself and a handler");

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words)
    text += (text.empty() ? "" : " ") + word;
  return text;
}

} // namespace

command_list command_table() {
  return {commands, std::size(commands)};
}

const command_spec* find_command(std::string_view name) {
  for (const command_spec& spec : commands)
    if (spec.name == name)
      return &spec;
  return nullptr;
}

command_work work_for_command(const bot_command& command, const command_context& context) {
  command_work work{command.name, joined(command.args), reply_action{}};
  const command_spec* spec = find_command(command.name);
  if (spec == nullptr) {
    work.action = reply_action{unknown_command_text(command.name), "unknown command"};
    return work;
  }
  std::optional<command_action> action = spec->handler(command.args, context);
  if (action)
    work.action = std::move(*action);
  else
    work.action = reply_action{usage_text(command.name), "bad arguments"};
  return work;
}

command_work work_for_callback(std::string_view callback_data, const command_context& context) {
  if (const std::optional<int64_t> id = parse_stats_callback(callback_data))
    return {"stats", std::to_string(*id), stats_action(*id)};
  if (std::optional<command_work> team = team_button_work(callback_data, context))
    return std::move(*team);
  return {"callback", std::string(callback_data), reply_action{help_text(), "unknown button"}};
}

} // namespace phoenix::core
