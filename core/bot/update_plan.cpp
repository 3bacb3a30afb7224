#include "core/bot/update_plan.hpp"

namespace phoenix::core {

namespace {

bool is_group(const telegram_update& u) {
  return u.chat_type == "group" || u.chat_type == "supergroup";
}

update_plan reply_plan(std::string command, std::string html, std::string outcome) {
  return {update_plan::kind::reply,
          command_work{std::move(command), "", reply_action{std::move(html), std::move(outcome)}}};
}

} // namespace

flood_guard::verdict screen_update(flood_guard& guard, telegram_update& update,
                                   std::string_view bot_username, flood_guard::time_point now) {
  using verdict = flood_guard::verdict;
  if (update.flood_notice) // the chat's queue was full: one notice covers both limits
    return guard.on_queue_full(update.user_id, now);
  bool is_callback = update.type == telegram_update::kind::callback_query;
  if (!is_callback && !parse_command(update.text, bot_username))
    return verdict::allow;
  auto v = guard.on_command(update.user_id, now);
  update.too_fast = v == verdict::warn;
  return v;
}

bool needs_user_zone(const telegram_update& update, std::string_view bot_username) {
  if (update.flood_notice || update.too_fast || update.type != telegram_update::kind::message)
    return false;
  const std::optional<bot_command> command = parse_command(update.text, bot_username);
  return command && (command->name == "fixtures" || command->name == "team");
}

update_plan plan_update(const telegram_update& update, std::string_view bot_username,
                        const command_context& context) {
  if (update.flood_notice)
    return reply_plan("flood", queue_full_text(), "queue full");
  if (update.too_fast)
    return reply_plan("flood", flood_warning_text(), "flood");
  if (update.type == telegram_update::kind::callback_query)
    return {update_plan::kind::callback, work_for_callback(update.callback_data, context)};
  if (auto cmd = parse_command(update.text, bot_username)) {
    auto work = work_for_command(*cmd, context);
    auto what = std::holds_alternative<reply_action>(work.action) ? update_plan::kind::reply
                                                                  : update_plan::kind::work;
    return {what, std::move(work)};
  }
  if (is_group(update))
    return {};
  return reply_plan("text", not_a_command_text(), "not a command");
}

} // namespace phoenix::core
