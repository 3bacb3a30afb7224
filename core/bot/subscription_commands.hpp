// The handlers of /subscribe, /subscriptions, /unsubscribe, /timezone and
// /settings, and the work of the subscribe and unsubscribe buttons
// (command_table.cpp lists the commands; the texts are subscription_text.hpp).
#pragma once

#include "core/bot/command_table.hpp"

namespace phoenix::core {

std::optional<command_action> subscribe_handler(const std::vector<std::string>& args,
                                                const command_context& context);
std::optional<command_action> subscriptions_handler(const std::vector<std::string>& args,
                                                    const command_context& context);
std::optional<command_action> unsubscribe_handler(const std::vector<std::string>& args,
                                                  const command_context& context);
std::optional<command_action> timezone_handler(const std::vector<std::string>& args,
                                               const command_context& context);
std::optional<command_action> settings_handler(const std::vector<std::string>& args,
                                               const command_context& context);

/// A subscribe or unsubscribe button's work; nullopt if `callback_data` is neither.
std::optional<command_work> team_button_work(std::string_view callback_data,
                                             const command_context& context);

} // namespace phoenix::core
