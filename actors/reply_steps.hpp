// The steps of answering an update that the conversation and the dispatcher
// (for replies made from memory) share: the sendMessage calls of a reply,
// how long they may be retried, the user and request-log rows.
#pragma once

#include "actors/conversation.hpp"
#include "core/bot/command_table.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace phoenix {

/// The sendMessage calls of a reply, sent one after another: split to
/// Telegram's length, the first answering the update's message, the
/// keyboard on the last. `quick`: made from memory (outgoing_call::quick).
std::vector<outgoing_call> reply_calls(const core::telegram_update& update, int64_t chat_id,
                                       const std::string& html,
                                       const core::inline_keyboard& keyboard,
                                       std::chrono::milliseconds retry_for, bool quick);

/// How long a failing reply may still be retried: until the update (its
/// message date; a callback has none) is `max_age` old. At least one try,
/// even for an update replayed after a long outage.
std::chrono::milliseconds retry_window(const core::telegram_update& update, caf::timespan max_age);

/// What became of a reply that Telegram did not take (for the request log).
std::string failed_outcome(const send_report& report);

/// What a command's handler may know: the sender's name and ids, the time,
/// the zone: `user_zone` (/timezone) when set and known, else football.timezone.
core::command_context context_for(const conversation_config& config,
                                  const core::telegram_update& update, int64_t chat_id,
                                  const std::string& user_zone = "");

/// The sender as a user row (fire and forget: an outage never stops a reply).
void note_user(const db_pool_actor& db, const core::telegram_update& update, int64_t chat_id);

/// One request-log row (fire and forget).
void log_request(const db_pool_actor& db, int64_t chat_id, const std::string& command,
                 const std::string& arguments, std::chrono::milliseconds latency,
                 const std::string& outcome);

} // namespace phoenix
