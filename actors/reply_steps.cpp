#include "actors/reply_steps.hpp"

#include "core/text/html_text.hpp"

#include <caf/all.hpp>

namespace phoenix {

namespace db = core::db;

std::vector<outgoing_call> reply_calls(const core::telegram_update& update, int64_t chat_id,
                                       const std::string& html,
                                       const core::inline_keyboard& keyboard,
                                       std::chrono::milliseconds retry_for, bool quick) {
  bool group = update.chat_type == "group" || update.chat_type == "supergroup";
  auto parts = core::split_message(html);
  std::vector<outgoing_call> calls;
  for (size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    calls.push_back(
        outgoing_call{"sendMessage",
                      core::send_message_body(chat_id, parts[i], i == 0 ? update.message_id : 0,
                                              last ? keyboard : core::inline_keyboard{}),
                      chat_id, group, retry_for, quick});
  }
  return calls;
}

std::chrono::milliseconds retry_window(const core::telegram_update& update, caf::timespan max_age) {
  auto age = std::chrono::milliseconds{0};
  if (update.date > 0)
    age = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch() - std::chrono::seconds{update.date});
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(max_age) - age;
  return std::max(left, std::chrono::milliseconds{1});
}

std::string failed_outcome(const send_report& report) {
  if (report.expired)
    return "expired";
  return report.error_code == 403 ? "blocked" : "refused";
}

core::command_context context_for(const conversation_config& config,
                                  const core::telegram_update& update, int64_t chat_id,
                                  const std::string& user_zone) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  core::command_context context{update.first_name, now, config.zone.offset_minutes_at(now),
                                config.timezone};
  context.chat_id = chat_id;
  context.user_id = update.user_id != 0 ? update.user_id : chat_id;
  context.max_subscriptions = config.max_subscriptions;
  context.default_timezone = config.timezone;
  std::string ignored;
  if (!user_zone.empty())
    if (auto zone = core::time_zone::load(user_zone, &ignored)) { // a zone tzdata dropped: default
      context.timezone = zone->name();
      context.utc_offset_minutes = zone->offset_minutes_at(now);
    }
  return context;
}

void note_user(const db_pool_actor& db, const core::telegram_update& update, int64_t chat_id) {
  caf::anon_send(db, db_atom::value,
                 db::operation{db::upsert_users{{{update.user_id != 0 ? update.user_id : chat_id,
                                                  update.username, update.language}}}});
}

void log_request(const db_pool_actor& db, int64_t chat_id, const std::string& command,
                 const std::string& arguments, std::chrono::milliseconds latency,
                 const std::string& outcome) {
  caf::anon_send(
      db, db_atom::value,
      db::operation{db::log_requests{{db::request_row{
          chat_id, command, arguments, static_cast<int64_t>(latency.count()), outcome}}}});
}

} // namespace phoenix
