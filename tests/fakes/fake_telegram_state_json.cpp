// The fake Telegram's state as Bot API JSON: messages, the bot user, webhook info
// and the /__stats text.
#include "tests/fakes/fake_telegram_state.hpp"

namespace phoenix::fakes::telegram_detail {

template <class Writer> void server_state::write_bot(Writer& w, bool full) const {
  w.StartObject();
  write_key(w, "id");
  w.Int64(bot_id_);
  write_key(w, "is_bot");
  w.Bool(true);
  write_key(w, "first_name");
  write_string(w, options_.bot_first_name);
  write_key(w, "username");
  write_string(w, options_.bot_username);
  if (full) {
    for (const char* flag :
         {"can_join_groups", "can_read_all_group_messages", "supports_inline_queries",
          "can_connect_to_business", "has_main_web_app"}) {
      write_key(w, flag);
      w.Bool(std::string_view(flag) == "can_join_groups");
    }
  }
  w.EndObject();
}

template <class Writer> void server_state::write_user(Writer& w, const user_info& u) {
  w.StartObject();
  write_key(w, "id");
  w.Int64(u.id);
  write_key(w, "is_bot");
  w.Bool(false);
  write_key(w, "first_name");
  write_string(w, u.first_name);
  if (!u.username.empty()) {
    write_key(w, "username");
    write_string(w, u.username);
  }
  write_key(w, "language_code");
  w.String("en");
  w.EndObject();
}

template <class Writer> void server_state::write_chat(Writer& w, int64_t chat_id) const {
  w.StartObject();
  write_key(w, "id");
  w.Int64(chat_id);
  if (chat_id > 0) {
    user_info user;
    if (auto found = chats_.find(chat_id); found != chats_.end()) {
      user = found->second.last_user;
    }
    write_key(w, "first_name");
    write_string(w, user.first_name.empty() ? "User" : user.first_name);
    if (!user.username.empty()) {
      write_key(w, "username");
      write_string(w, user.username);
    }
    write_key(w, "type");
    w.String("private");
  } else {
    const bool super = chat_id <= -1000000000000LL;
    write_key(w, "title");
    write_string(w, super ? "Phoenix test supergroup" : "Phoenix test group");
    write_key(w, "type");
    w.String(super ? "supergroup" : "group");
  }
  w.EndObject();
}

template <class Writer>
void server_state::write_message(Writer& w, int64_t chat_id, int64_t message_id,
                                 const stored_message& m, bool with_reply) const {
  w.StartObject();
  write_key(w, "message_id");
  w.Int64(message_id);
  write_key(w, "from");
  if (m.from_bot) {
    write_bot(w, false);
  } else {
    write_user(w, m.from);
  }
  write_key(w, "chat");
  write_chat(w, chat_id);
  write_key(w, "date");
  w.Int64(m.date);
  if (with_reply && m.reply_to != 0) {
    if (auto found = messages_.find({chat_id, m.reply_to}); found != messages_.end()) {
      write_key(w, "reply_to_message");
      write_message(w, chat_id, m.reply_to, found->second, false);
    }
  }
  if (m.edit_date != 0) {
    write_key(w, "edit_date");
    w.Int64(m.edit_date);
  }
  write_key(w, "text");
  write_string(w, m.content.text);
  if (!m.content.entities.empty()) {
    write_key(w, "entities");
    write_entities(w, m.content.entities);
  }
  if (!m.link_preview_json.empty()) {
    write_key(w, "link_preview_options");
    write_raw(w, m.link_preview_json, rapidjson::kObjectType);
  }
  if (!m.markup_json.empty()) {
    write_key(w, "reply_markup");
    write_raw(w, m.markup_json, rapidjson::kObjectType);
  }
  w.EndObject();
}

std::string server_state::webhook_info_json() const {
  std::lock_guard lock(mutex_);
  rapidjson::StringBuffer buffer;
  api_writer w(buffer);
  w.StartObject();
  write_key(w, "url");
  write_string(w, webhook_url_);
  write_key(w, "has_custom_certificate");
  w.Bool(false);
  write_key(w, "pending_update_count");
  w.Uint64(queue_.size());
  if (webhook_active_) {
    write_key(w, "max_connections");
    w.Int(webhook_max_connections_);
  }
  if (!webhook_error_.empty()) {
    write_key(w, "last_error_date");
    w.Int64(webhook_error_date_);
    write_key(w, "last_error_message");
    write_string(w, webhook_error_);
  }
  if (allowed_set_ && !allowed_updates_.empty()) {
    write_key(w, "allowed_updates");
    w.StartArray();
    for (const auto& type : allowed_updates_) {
      write_string(w, type);
    }
    w.EndArray();
  }
  w.EndObject();
  return api_json(buffer);
}

std::string server_state::bot_user_json(bool full) const {
  rapidjson::StringBuffer buffer;
  api_writer w(buffer);
  write_bot(w, full);
  return api_json(buffer);
}

void server_state::write_stats(plain_writer& w) const {
  const double rate = max_per_second(0);
  std::lock_guard lock(mutex_);
  write_key(w, "total_calls");
  w.Uint64(total_calls_);
  write_key(w, "calls");
  w.StartObject();
  for (const auto& [name, n] : std::map<std::string, size_t>(calls_.begin(), calls_.end())) {
    write_key(w, canonical_method(name));
    w.Uint64(n);
  }
  w.EndObject();
  write_key(w, "unauthorized");
  w.Uint64(unauthorized_);
  write_key(w, "sent_count");
  w.Uint64(sent_.size());
  write_key(w, "getupdates_in_flight");
  w.Int(in_flight_.load());
  write_key(w, "max_concurrent_getupdates");
  w.Int(max_in_flight_.load());
  write_key(w, "getupdates_conflicts");
  w.Uint64(conflicts_.load());
  write_key(w, "confirmed_offset");
  w.Int64(confirmed_offset_);
  write_key(w, "next_update_id");
  w.Int64(next_update_id_);
  write_key(w, "pending_updates");
  w.Uint64(queue_.size());
  write_key(w, "answered_callbacks");
  w.Uint64(answered_callbacks_);
  write_key(w, "deprecated_parameters");
  w.Uint64(deprecated_);
  write_key(w, "max_messages_per_second");
  w.Double(rate);
  write_key(w, "connections_accepted");
  w.Uint64(connections_.load());
  write_key(w, "webhook_active");
  w.Bool(webhook_active_);
  write_key(w, "allowed_updates");
  if (allowed_set_) {
    w.StartArray();
    for (const auto& type : allowed_updates_) {
      write_string(w, type);
    }
    w.EndArray();
  } else {
    w.Null();
  }
  write_key(w, "blocked");
  w.StartArray();
  for (int64_t chat : blocked_) {
    w.Int64(chat);
  }
  w.EndArray();
}

std::string server_state::message_json(int64_t chat_id, int64_t message_id,
                                       const stored_message& m) const {
  rapidjson::StringBuffer buffer;
  api_writer w(buffer);
  write_message(w, chat_id, message_id, m, true);
  return api_json(buffer);
}

} // namespace phoenix::fakes::telegram_detail
