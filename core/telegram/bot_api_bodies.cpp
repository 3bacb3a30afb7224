// The Bot API request bodies Phoenix sends (JSON), every string valid UTF-8.
#include "core/telegram/bot_api.hpp"
#include "core/text/html_text.hpp"

#include <algorithm>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace phoenix::core {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Telegram limits the text of a callback answer to 200 characters.
constexpr std::size_t callback_answer_limit = 200;

// One JSON object being written; every string is made valid UTF-8 on the way.
class json_body {
public:
  json_body() : writer_(buffer_) { writer_.StartObject(); }

  json_body& integer(const char* key, int64_t value) {
    writer_.Key(key);
    writer_.Int64(value);
    return *this;
  }
  json_body& text(const char* key, std::string_view value) {
    writer_.Key(key);
    string(value);
    return *this;
  }
  json_body& flag(const char* key, bool value) {
    writer_.Key(key);
    writer_.Bool(value);
    return *this;
  }
  json_body& open_object(const char* key) {
    writer_.Key(key);
    writer_.StartObject();
    return *this;
  }
  json_body& open_array(const char* key) {
    writer_.Key(key);
    writer_.StartArray();
    return *this;
  }
  void string(std::string_view value) {
    const std::string clean = utf8_sanitized(value);
    writer_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  json_writer& writer() { return writer_; }
  // Only what Phoenix answers; the same for getUpdates and setWebhook.
  void allowed_updates() {
    string("message");
    string("callback_query");
    writer_.EndArray();
  }

  // HTML text with link previews off (our links are never worth a preview).
  json_body& html_text(const std::string& html) {
    text("text", html).text("parse_mode", "HTML");
    open_object("link_preview_options").flag("is_disabled", true);
    writer_.EndObject();
    return *this;
  }
  json_body& keyboard(const inline_keyboard& rows) {
    if (std::all_of(rows.begin(), rows.end(), [](const auto& row) { return row.empty(); }))
      return *this; // no reply_markup at all
    open_object("reply_markup").open_array("inline_keyboard");
    for (const auto& row : rows) {
      if (row.empty())
        continue; // Telegram refuses empty rows
      writer_.StartArray();
      for (const inline_button& button : row) {
        writer_.StartObject();
        text("text", button.text).text("callback_data", button.callback_data);
        writer_.EndObject();
      }
      writer_.EndArray();
    }
    writer_.EndArray();
    writer_.EndObject();
    return *this;
  }

  std::string finish() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

private:
  rapidjson::StringBuffer buffer_;
  json_writer writer_;
};

} // namespace

std::string get_updates_body(std::optional<int64_t> offset, int limit, int timeout_seconds) {
  json_body body;
  if (offset)
    body.integer("offset", *offset);
  body.integer("limit", std::clamp(limit, 1, 100))
      .integer("timeout", std::clamp(timeout_seconds, 0, 50))
      .open_array("allowed_updates");
  body.allowed_updates();
  return body.finish();
}

std::string set_webhook_body(const std::string& url, const std::string& secret_token,
                             int max_connections) {
  json_body body;
  body.text("url", url)
      .text("secret_token", secret_token)
      .integer("max_connections", std::clamp(max_connections, 1, 100))
      .flag("drop_pending_updates", false)
      .open_array("allowed_updates");
  body.allowed_updates();
  return body.finish();
}

std::string delete_webhook_body(bool drop_pending_updates) {
  json_body body;
  body.flag("drop_pending_updates", drop_pending_updates);
  return body.finish();
}

std::string send_message_body(int64_t chat_id, const std::string& html, int64_t reply_to_message_id,
                              const inline_keyboard& keyboard) {
  json_body body;
  body.integer("chat_id", chat_id).html_text(html);
  if (reply_to_message_id != 0) {
    body.open_object("reply_parameters")
        .integer("message_id", reply_to_message_id)
        .flag("allow_sending_without_reply", true);
    body.writer().EndObject();
  }
  return body.keyboard(keyboard).finish();
}

std::string broadcast_message_body(int64_t chat_id, const std::string& html, bool paid) {
  json_body body;
  body.integer("chat_id", chat_id).html_text(html);
  if (paid)
    body.flag("allow_paid_broadcast", true);
  return body.finish();
}

std::string answer_callback_query_body(const std::string& id, const std::string& text) {
  json_body body;
  body.text("callback_query_id", id);
  if (!text.empty())
    body.text("text", truncate_utf16(text, callback_answer_limit));
  return body.finish();
}

std::string edit_message_text_body(int64_t chat_id, int64_t message_id, const std::string& html,
                                   const inline_keyboard& keyboard) {
  json_body body;
  body.integer("chat_id", chat_id).integer("message_id", message_id).html_text(html);
  return body.keyboard(keyboard).finish();
}

std::string set_my_commands_body(const std::vector<std::pair<std::string, std::string>>& commands) {
  json_body body;
  body.open_array("commands");
  for (const auto& [command, description] : commands) {
    body.writer().StartObject();
    body.text("command", command).text("description", description);
    body.writer().EndObject();
  }
  body.writer().EndArray();
  return body.finish();
}

} // namespace phoenix::core
