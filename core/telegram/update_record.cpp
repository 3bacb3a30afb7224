#include "core/telegram/update_record.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace phoenix::core {

namespace {

using kind = telegram_update::kind;

const char* kind_name(kind k) {
  switch (k) {
  case kind::message:
    return "message";
  case kind::callback_query:
    return "callback_query";
  default:
    return "other";
  }
}

} // namespace

std::string encode_update_record(const telegram_update& u) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  auto text = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  auto number = [&](const char* key, int64_t value) {
    w.Key(key);
    w.Int64(value);
  };
  w.StartObject();
  number("update_id", u.update_id);
  w.Key("type");
  w.String(kind_name(u.type));
  number("chat_id", u.chat_id);
  text("chat_type", u.chat_type);
  number("user_id", u.user_id);
  text("username", u.username);
  text("first_name", u.first_name);
  text("language", u.language);
  number("message_id", u.message_id);
  text("text", u.text);
  text("callback_id", u.callback_id);
  text("callback_data", u.callback_data);
  number("date", u.date);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<telegram_update> decode_update_record(std::string_view record) {
  rapidjson::Document doc;
  doc.Parse(record.data(), record.size());
  if (doc.HasParseError() || !doc.IsObject())
    return std::nullopt;
  auto number = [&](const char* key) -> int64_t {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
  };
  auto text = [&](const char* key) -> std::string {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString()
               ? std::string{it->value.GetString(), it->value.GetStringLength()}
               : std::string{};
  };
  telegram_update u;
  u.update_id = number("update_id");
  if (u.update_id == 0)
    return std::nullopt;
  auto type = text("type");
  u.type = type == "message"          ? kind::message
           : type == "callback_query" ? kind::callback_query
                                      : kind::other;
  u.chat_id = number("chat_id");
  u.chat_type = text("chat_type");
  u.user_id = number("user_id");
  u.username = text("username");
  u.first_name = text("first_name");
  u.language = text("language");
  u.message_id = number("message_id");
  u.text = text("text");
  u.callback_id = text("callback_id");
  u.callback_data = text("callback_data");
  u.date = number("date");
  return u;
}

} // namespace phoenix::core
