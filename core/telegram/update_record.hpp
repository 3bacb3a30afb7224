// How a received update is kept in the database inbox until it is handled:
// the decoded fields as a small JSON object (not Telegram's raw update).
#pragma once

#include "core/telegram/bot_api.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace phoenix::core {

std::string encode_update_record(const telegram_update& update);

/// nullopt for a record that is not one of ours (then it is dropped).
std::optional<telegram_update> decode_update_record(std::string_view record);

} // namespace phoenix::core
