// The bot's command texts, generated from the command table: /help, the
// command menu, usage lines, the answers to unknown commands and plain text;
// and the conversation's other sentences (declared in bot_text.hpp).
#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "core/text/html_text.hpp"

namespace phoenix::core {
namespace {

constexpr std::string_view en_dash = "\xE2\x80\x93"; // –

std::string command_line(const command_spec& command) {
  std::string line = "/" + std::string(command.name);
  if (!command.arguments.empty())
    line += " " + html_escape(command.arguments);
  return line;
}

std::string command_names() {
  std::string names;
  for (const command_spec& command : command_table())
    names += (names.empty() ? "/" : ", /") + std::string(command.name);
  return names;
}

} // namespace

std::vector<std::pair<std::string, std::string>> menu_commands() {
  std::vector<std::pair<std::string, std::string>> commands;
  for (const command_spec& command : command_table())
    if (command.in_menu)
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
  for (const command_spec& command : command_table())
    text += "\n" + command_line(command) + " " + std::string(en_dash) + " " +
            html_escape(command.description);
  return text + "\n\nTap a match button to see its statistics.";
}

std::string usage_text(std::string_view command) {
  const command_spec* found = find_command(command);
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

std::string answer_timeout_text() {
  return "The football data service is slow to answer right now; please try again.";
}

std::string handler_failed_text() {
  return "Something went wrong, please try again.";
}

} // namespace phoenix::core
