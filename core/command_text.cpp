// The bot's command texts: the command table, /start, /help, usage lines and
// the answers to unknown commands and plain text (declared in bot_text.hpp).
#include "core/bot_text.hpp"
#include "core/html_text.hpp"

namespace phoenix::core {
namespace {

constexpr std::string_view en_dash = "\xE2\x80\x93"; // –

std::string command_line(const command_help& command) {
  std::string line = "/" + command.name;
  if (!command.arguments.empty())
    line += " " + html_escape(command.arguments);
  return line;
}

const command_help* find_command(std::string_view name) {
  for (const command_help& command : command_table())
    if (command.name == name)
      return &command;
  return nullptr;
}

std::string command_names() {
  std::string names;
  for (const command_help& command : command_table())
    names += (names.empty() ? "/" : ", /") + command.name;
  return names;
}

} // namespace

const std::vector<command_help>& command_table() {
  static const std::vector<command_help> table = {
      {"start", "", "Start Phoenix and see what it can do", "/start"},
      {"help", "", "List the commands", "/help"},
      {"fixtures", "[today|tomorrow|yesterday|YYYY-MM-DD] [league id]",
       "Fixtures of a day, optionally of one league", "/fixtures tomorrow 39"},
      {"live", "", "Matches being played now", "/live"},
      {"stats", "<fixture id>", "Score, goals and statistics of a match", "/stats 1149519"},
      {"analyze", "<fixture id>", "A background report: head to head, form, prediction",
       "/analyze 1149519"},
      {"job", "<job id>", "Status and result of one of your jobs", "/job 12"},
      {"jobs", "", "Your recent jobs", "/jobs"},
      {"cancel", "<job id>", "Cancel one of your jobs", "/cancel 12"},
  };
  return table;
}

std::vector<std::pair<std::string, std::string>> menu_commands() {
  std::vector<std::pair<std::string, std::string>> commands;
  for (const command_help& command : command_table())
    commands.emplace_back(command.name, command.description);
  return commands;
}

std::string start_text(std::string_view first_name) {
  const std::string name = first_name.empty() ? "there" : html_escape(first_name);
  return "Hello, " + name +
         "! I am <b>Phoenix</b>: football fixtures, live scores and match statistics.\n\n" +
         "Try /fixtures for today's matches, /live for what is on now, or /help for all "
         "commands.";
}

std::string help_text() {
  std::string text = "<b>Phoenix commands</b>";
  for (const command_help& command : command_table())
    text += "\n" + command_line(command) + " " + std::string(en_dash) + " " +
            html_escape(command.description);
  return text + "\n\nTap a match button to see its statistics.";
}

std::string usage_text(std::string_view command) {
  const command_help* found = find_command(command);
  if (found == nullptr)
    return unknown_command_text(command);
  return "Usage: " + command_line(*found) + "\nExample: " + html_escape(found->example);
}

std::string unknown_command_text(std::string_view name) {
  return "I do not know /" + html_escape(shorten(name, 32)) + ". Commands: " + command_names() +
         ". Send /help for details.";
}

std::string not_a_command_text() {
  return "I answer commands only. Commands: " + command_names() + ". Send /help for details.";
}

std::string flood_warning_text() {
  return "You are sending commands very quickly; I will answer again in a minute.";
}

std::string queue_full_text() {
  return "You are sending messages too quickly, so I skipped some of them. Please wait a "
         "moment, then send again what you still need.";
}

} // namespace phoenix::core
