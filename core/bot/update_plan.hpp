// What an update asks of Phoenix, decided from the update alone: first the
// flood guard's verdict (commands and buttons count, chatter never does),
// then the command's work. The dispatcher answers a chat with nothing in
// flight itself when the plan is a reply made from memory (/help, usage,
// notices); the conversation carries out every plan, in the chat's order.
#pragma once

#include "core/bot/command_table.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/telegram/send_limiter.hpp"

#include <string_view>

namespace phoenix::core {

/// The flood guard's verdict on an update. `ignore`: no reply at all.
/// `warn`: the update is marked (`flood_notice` for a chat whose queue
/// overflowed, `too_fast` for a user over limits.user-commands-per-minute) and
/// its reply is the notice. `allow`: handled as usual.
flood_guard::verdict screen_update(flood_guard& guard, telegram_update& update,
                                   std::string_view bot_username, flood_guard::time_point now);

struct update_plan {
  enum class kind {
    nothing,  ///< no reply (chatter in a group)
    reply,    ///< work.action is a reply_action: made from memory
    callback, ///< a button: answerCallbackQuery, then work
    work,     ///< a command that needs data or a job
  } what = kind::nothing;
  command_work work;
};

/// Whether the update's reply shows times of day (/fixtures, /team: kick-off), so the
/// user's own zone (/timezone) is read before it is planned.
bool needs_user_zone(const telegram_update& update, std::string_view bot_username);

/// The plan for a screened update.
update_plan plan_update(const telegram_update& update, std::string_view bot_username,
                        const command_context& context);

} // namespace phoenix::core
