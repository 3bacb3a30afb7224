// The bot's commands, one table: name, argument syntax, help line, menu flag,
// example and handler. /help, the command menu (setMyCommands), the usage lines
// and the unknown-command reply are generated from it (command_text.cpp). A
// handler turns a command's arguments into the work to do (reply, football
// query, job request); the conversation actor only carries that work out.
// Adding a command: one entry in command_table.cpp and its handler beside it.
#pragma once

#include "core/bot/bot_text.hpp"
#include "core/db/db_types.hpp"
#include "core/football/football_payload.hpp"
#include "core/football/football_query.hpp"
#include "core/telegram/command_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace phoenix::core {

/// What a handler may know besides the command's arguments.
struct command_context {
  std::string first_name;               ///< the sender's, for /start
  int64_t unix_now = 0;                 ///< for today / tomorrow / yesterday
  int utc_offset_minutes = 0;           ///< of `timezone` at `unix_now`
  std::string timezone = "UTC";         ///< the user's own (/timezone), else football.timezone
  int64_t chat_id = 0;                  ///< subscriptions are the chat's
  int64_t user_id = 0;                  ///< settings are the user's
  int64_t max_subscriptions = 20;       ///< alerts.max-subscriptions (0: no cap)
  std::string default_timezone = "UTC"; ///< football.timezone, for /settings
};

/// Reply at once with `html`.
struct reply_action {
  std::string html;
  std::string outcome = "ok"; ///< for the request log
};

/// Ask the football front; a good answer becomes the reply through `render`
/// (errors, timeouts and stale data are the conversation's: error_text, stale_note).
struct football_action {
  football_query query;
  std::function<rendered(const football_payload&)> render;
  /// A further query that needs this answer (/team: the team's id, then its
  /// fixtures); when it gives one, that one is asked and rendered instead.
  std::function<std::optional<football_action>(const football_payload&)> then;
};

enum class job_op { create, get, list, cancel };

/// Ask the job registry for the chat; a good answer becomes the reply through
/// `render` (the registry's refusals are shown as they are).
struct job_action {
  job_op op = job_op::list;
  int64_t job_id = 0;     ///< get, cancel
  std::string kind;       ///< create
  std::string parameters; ///< create
  std::function<std::string(int64_t id, const std::vector<db::job_row>& jobs)> render;
};

/// Ask the database (subscriptions, settings); its answer becomes the reply
/// through `render` (an error or no answer: settings_unavailable_text).
struct db_action {
  db::operation op;
  std::function<rendered(const db::reply&)> render;
};

using command_action = std::variant<reply_action, football_action, job_action, db_action>;

/// The work for one command's arguments; nullopt when they do not fit (the
/// user then gets the command's usage line).
using command_handler = std::optional<command_action> (*)(const std::vector<std::string>& args,
                                                          const command_context& context);

struct command_spec {
  std::string_view name;        ///< without slash: "fixtures"
  std::string_view arguments;   ///< "<fixture id>", "" when none
  std::string_view description; ///< one line: /help and the menu (1-256 characters)
  std::string_view example;     ///< "/stats 1149519"
  bool in_menu = true;          ///< sent with setMyCommands
  command_handler handler = nullptr;
};

/// The table's entries, in /help order.
struct command_list {
  const command_spec* first = nullptr;
  std::size_t count = 0;

  const command_spec* begin() const { return first; }
  const command_spec* end() const { return first + count; }
  std::size_t size() const { return count; }
  const command_spec& operator[](std::size_t i) const { return first[i]; }
};

/// The single list of commands.
command_list command_table();

/// The entry named `name` (lower case, no slash), or nullptr.
const command_spec* find_command(std::string_view name);

/// What to do for a command or a button, and how the request log names it.
struct command_work {
  std::string command;   ///< "stats"; "callback" for an unknown button
  std::string arguments; ///< as sent, joined by single spaces
  command_action action;
};

/// The handler's work; the usage line for bad arguments, the unknown-command
/// reply for a name not in the table.
command_work work_for_command(const bot_command& command, const command_context& context);

/// A button's work: a fixture's statistics, (un)subscribing a team, or /help
/// for an unknown button.
command_work work_for_callback(std::string_view callback_data, const command_context& context = {});

} // namespace phoenix::core
