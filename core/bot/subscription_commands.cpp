#include "core/bot/subscription_commands.hpp"

#include "core/bot/subscription_text.hpp"
#include "core/football/time_zone.hpp"
#include "core/text/html_text.hpp"

namespace phoenix::core {

namespace {

using arguments = std::vector<std::string>;

std::string joined(const arguments& words) {
  std::string text;
  for (const std::string& word : words)
    text += (text.empty() ? "" : " ") + word;
  return text;
}

} // namespace

std::optional<command_action> subscribe_handler(const arguments& args, const command_context&) {
  if (args.empty())
    return std::nullopt;
  const std::string search = joined(args);
  if (utf8_length(search) < min_team_search_letters)
    return reply_action{team_search_too_short_text(), "bad arguments"};
  return football_action{football_query::teams(search),
                         [search](const football_payload& data) {
                           const auto* teams = std::get_if<std::vector<team_info>>(&data);
                           return render_team_choices(teams ? *teams : std::vector<team_info>{},
                                                      search);
                         },
                         {}};
}

std::optional<command_action> subscriptions_handler(const arguments& args,
                                                    const command_context& context) {
  if (!args.empty())
    return std::nullopt;
  return db_action{db::list_subscriptions{context.chat_id}, [](const db::reply& answer) {
                     return render_subscriptions(answer.ids, answer.bodies);
                   }};
}

std::optional<command_action> unsubscribe_handler(const arguments& args,
                                                  const command_context& context) {
  if (args.empty())
    return std::nullopt;
  const std::string name = joined(args);
  return db_action{db::unsubscribe_team{context.chat_id, name}, [name](const db::reply& answer) {
                     return render_unsubscribe_by_name(answer, name);
                   }};
}

std::optional<command_action> timezone_handler(const arguments& args,
                                               const command_context& context) {
  if (args.size() != 1)
    return std::nullopt;
  std::string error;
  const std::optional<time_zone> zone = time_zone::load(args[0], &error);
  if (!zone)
    return reply_action{unknown_timezone_text(args[0]), "unknown zone"};
  const int offset_now = zone->offset_minutes_at(context.unix_now);
  return db_action{db::set_timezone{context.user_id, zone->name()},
                   [name = zone->name(), offset_now](const db::reply&) {
                     return rendered{timezone_set_text(name, offset_now), {}};
                   }};
}

std::optional<command_action> settings_handler(const arguments& args,
                                               const command_context& context) {
  if (!args.empty())
    return std::nullopt;
  return db_action{db::load_settings{context.user_id, context.chat_id},
                   [fallback = context.default_timezone,
                    max = context.max_subscriptions](const db::reply& answer) {
                     const std::string zone = answer.bodies.empty() ? "" : answer.bodies.front();
                     return rendered{settings_text(zone, fallback, answer.count, max), {}};
                   }};
}

std::optional<command_work> team_button_work(std::string_view callback_data,
                                             const command_context& context) {
  const std::optional<team_button> button = parse_team_callback(callback_data);
  if (!button)
    return std::nullopt;
  const std::string name = button->team_name;
  if (button->subscribe)
    return command_work{
        "subscribe", std::to_string(button->team_id),
        db_action{db::subscribe{context.chat_id, button->team_id, name, context.max_subscriptions},
                  [name, max = context.max_subscriptions](const db::reply& answer) {
                    return rendered{subscribed_text(answer.count, name, max), {}};
                  }}};
  return command_work{
      "unsubscribe", std::to_string(button->team_id),
      db_action{db::unsubscribe{context.chat_id, button->team_id}, [name](const db::reply& answer) {
                  return rendered{unsubscribed_text(answer.count, name), {}};
                }}};
}

} // namespace phoenix::core
