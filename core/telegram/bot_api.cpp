#include "core/telegram/bot_api.hpp"

#include "core/text/json_read.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace phoenix::core {
namespace {

using json = rapidjson::Value;
using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

using json_read::field;

bool present(const json& value) {
  return !value.IsNull();
}

// Parses `body` into `doc`; returns why it is not JSON, or "" on success.
std::string parse_json(std::string_view body, rapidjson::Document& doc) {
  if (body.size() > max_bot_api_body_bytes)
    return "body of " + std::to_string(body.size()) + " bytes exceeds the size limit";
  if (!json_read::nesting_within(body, max_bot_api_json_depth))
    return "body nests deeper than " + std::to_string(max_bot_api_json_depth) + " levels";
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) {
    return std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
           " at byte " + std::to_string(doc.GetErrorOffset()) + " of " +
           std::to_string(body.size());
  }
  return {};
}

int clamp_to_int(const json& value) {
  if (value.IsInt())
    return value.GetInt();
  if (value.IsInt64())
    return value.GetInt64() > 0 ? std::numeric_limits<int>::max() : std::numeric_limits<int>::min();
  return 0;
}

// "Too Many Requests: retry after 35" when the parameters object is missing.
int retry_after_from_description(std::string_view description) {
  constexpr std::string_view marker = "retry after ";
  const std::size_t at = description.find(marker);
  if (at == std::string_view::npos)
    return 0;
  const char* begin = description.data() + at + marker.size();
  int seconds = 0;
  auto [end, ec] = std::from_chars(begin, description.data() + description.size(), seconds);
  return ec == std::errc() && end != begin && seconds > 0 ? seconds : 0;
}

// The number after the first "update_id" key. Inside a JSON string every
// quote is escaped, so an unescaped "update_id" followed by ':' is a key.
int64_t first_update_id(std::string_view body) {
  constexpr std::string_view key = "\"update_id\"";
  for (auto at = body.find(key); at != std::string_view::npos; at = body.find(key, at + 1)) {
    if (at > 0 && body[at - 1] == '\\')
      continue;
    auto pos = body.find_first_not_of(" \t\r\n", at + key.size());
    if (pos == std::string_view::npos || body[pos] != ':')
      continue;
    pos = body.find_first_not_of(" \t\r\n", pos + 1);
    if (pos == std::string_view::npos)
      return 0;
    int64_t id = 0;
    auto read = std::from_chars(body.data() + pos, body.data() + body.size(), id);
    return read.ec == std::errc() && id > 0 ? id : 0;
  }
  return 0;
}

// --- updates ------------------------------------------------------------------

// Reads the fields of one update, remembering the first problem found.
struct update_reader {
  std::string problem;

  void note(std::string_view path, std::string_view what) {
    if (problem.empty())
      problem = std::string(path) + " " + std::string(what);
  }
  int64_t integer(const json& object, const char* name, std::string_view path, bool required) {
    const json& value = field(object, name);
    if (value.IsInt64())
      return value.GetInt64();
    if (required || present(value))
      note(path, "is missing or not an integer");
    return 0;
  }
  std::string text(const json& object, const char* name, std::string_view path, bool required) {
    const json& value = field(object, name);
    if (value.IsString())
      return json_read::text(value);
    if (required || present(value))
      note(path, "is missing or not a string");
    return {};
  }
  // The member as an object; null (after noting) when it has another type.
  const json* object(const json& parent, const char* name, std::string_view path, bool required) {
    const json& value = field(parent, name);
    if (value.IsObject())
      return &value;
    if (required || present(value))
      note(path, "is missing or not an object");
    return nullptr;
  }

  void read_user(const json& from, const std::string& path, telegram_update& out) {
    out.user_id = integer(from, "id", path + ".id", true);
    out.username = text(from, "username", path + ".username", false);
    out.first_name = text(from, "first_name", path + ".first_name", false);
    out.language = text(from, "language_code", path + ".language_code", false);
  }

  void read_chat(const json& message, const std::string& path, telegram_update& out) {
    out.message_id = integer(message, "message_id", path + ".message_id", true);
    if (const json* chat = object(message, "chat", path + ".chat", true)) {
      out.chat_id = integer(*chat, "id", path + ".chat.id", true);
      out.chat_type = text(*chat, "type", path + ".chat.type", false);
    }
  }

  void read_message(const json& message, telegram_update& out) {
    read_chat(message, "message", out);
    out.date = integer(message, "date", "message.date", false);
    out.text = text(message, "text", "message.text", false);
    // Channel posts and anonymous admins come without `from`.
    if (const json* from = object(message, "from", "message.from", false))
      read_user(*from, "message.from", out);
  }

  void read_callback(const json& query, telegram_update& out) {
    out.callback_id = text(query, "id", "callback_query.id", true);
    out.callback_data = text(query, "data", "callback_query.data", false);
    if (const json* from = object(query, "from", "callback_query.from", true))
      read_user(*from, "callback_query.from", out);
    // Absent for buttons under inline-mode messages.
    if (const json* message = object(query, "message", "callback_query.message", false))
      read_chat(*message, "callback_query.message", out);
  }
};

telegram_update read_update(const json& item, int64_t update_id, std::string& problem) {
  telegram_update out;
  update_reader reader;
  if (present(field(item, "message"))) {
    out.type = telegram_update::kind::message;
    if (const json* message = reader.object(item, "message", "message", true))
      reader.read_message(*message, out);
  } else if (present(field(item, "callback_query"))) {
    out.type = telegram_update::kind::callback_query;
    if (const json* query = reader.object(item, "callback_query", "callback_query", true))
      reader.read_callback(*query, out);
  }
  if (!reader.problem.empty()) {
    problem = std::move(reader.problem);
    out = telegram_update{}; // only the id is kept, so it is confirmed and dropped
  }
  out.update_id = update_id;
  return out;
}

// --- request bodies -------------------------------------------------------------

} // namespace

bool is_unchanged_edit(std::string_view method, const bot_api_answer& answer) {
  return method.substr(0, 11) == "editMessage" && answer.error_code == 400 &&
         answer.description.find("message is not modified") != std::string::npos;
}

bot_api_answer parse_bot_api_answer(unsigned http_status, std::string_view body, result_kept kept) {
  bot_api_answer answer;
  rapidjson::Document doc;
  const bool parsed = parse_json(body, doc).empty();
  const json& ok = field(doc, "ok");
  if (!parsed || !ok.IsBool()) {
    answer.error_code = static_cast<int>(std::min<unsigned>(http_status, 999));
    answer.description =
        "HTTP " + std::to_string(http_status) +
        (parsed ? " with a JSON body that is not a Bot API answer" : " with a non-JSON body");
    if (!parsed && http_status == 200)
      answer.unreadable_update_id = first_update_id(body);
    return answer;
  }
  answer.ok = ok.GetBool();
  if (answer.ok) {
    const json& message_id = field(field(doc, "result"), "message_id");
    answer.message_id = message_id.IsInt64() ? message_id.GetInt64() : 0;
    if (kept == result_kept::json && doc.HasMember("result")) {
      rapidjson::StringBuffer buffer;
      json_writer writer(buffer);
      doc["result"].Accept(writer);
      answer.result_json.assign(buffer.GetString(), buffer.GetSize());
    }
    return answer;
  }
  answer.error_code = clamp_to_int(field(doc, "error_code"));
  if (answer.error_code == 0)
    answer.error_code = static_cast<int>(std::min<unsigned>(http_status, 999));
  answer.description = json_read::text(field(doc, "description"));
  if (answer.description.empty())
    answer.description = "HTTP " + std::to_string(http_status) + " without a description";
  const json& parameters = field(doc, "parameters");
  answer.retry_after = std::max(0, clamp_to_int(field(parameters, "retry_after")));
  if (answer.retry_after == 0 && answer.error_code == 429)
    answer.retry_after = retry_after_from_description(answer.description);
  const json& migrate = field(parameters, "migrate_to_chat_id");
  answer.migrate_to_chat_id = migrate.IsInt64() ? migrate.GetInt64() : 0;
  return answer;
}

decoded_updates decode_updates(std::string_view get_updates_body) {
  decoded_updates out;
  rapidjson::Document doc;
  if (std::string why = parse_json(get_updates_body, doc); !why.empty()) {
    out.error = "getUpdates answer is " + why;
    return out;
  }
  const json& ok = field(doc, "ok");
  if (!ok.IsBool() || !ok.GetBool()) {
    const std::string description = json_read::text(field(doc, "description"));
    out.error = "getUpdates answer is not ok" + (description.empty() ? "" : ": " + description);
    return out;
  }
  const json& result = field(doc, "result");
  if (!result.IsArray()) {
    out.error = "getUpdates result is not an array";
    return out;
  }
  out.ok = true;
  std::size_t index = 0;
  for (const json& item : result.GetArray()) {
    const json& id = field(item, "update_id");
    if (!id.IsInt64()) {
      // Nothing to confirm it by; the next numeric id confirms past it.
      out.problems.push_back("update at index " + std::to_string(index) +
                             " skipped: no numeric update_id");
      out.problem_update_ids.push_back(0);
    } else {
      std::string problem;
      out.updates.push_back(read_update(item, id.GetInt64(), problem));
      if (!problem.empty()) {
        out.problems.push_back("update " + std::to_string(id.GetInt64()) + " skipped: " + problem);
        out.problem_update_ids.push_back(id.GetInt64());
      }
    }
    ++index;
  }
  return out;
}

std::optional<telegram_update> decode_webhook_update(std::string_view body, std::string* problem) {
  rapidjson::Document doc;
  std::string why = parse_json(body, doc);
  if (why.empty() && !doc.IsObject())
    why = "not a JSON object";
  if (why.empty() && !field(doc, "update_id").IsInt64())
    why = "an object without a numeric update_id";
  if (!why.empty()) {
    if (problem)
      *problem = "webhook body is " + why;
    return std::nullopt;
  }
  const json& id = field(doc, "update_id");
  // A malformed update with an id comes back as kind::other: kept, then
  // confirmed without an answer, as getUpdates does.
  std::string unread;
  auto update = read_update(doc, id.GetInt64(), unread);
  if (problem)
    *problem = unread.empty() ? "" : "update " + std::to_string(update.update_id) + ": " + unread;
  return update;
}

std::string get_me_username(std::string_view result_json) {
  rapidjson::Document doc;
  if (!parse_json(result_json, doc).empty())
    return {};
  return json_read::text(field(doc, "username"));
}

namespace {

// A top-level integer of a result object; 0 when it is not one.
int64_t result_integer(std::string_view result_json, const char* name) {
  rapidjson::Document doc;
  if (!parse_json(result_json, doc).empty())
    return 0;
  const json& value = field(doc, name);
  return value.IsInt64() ? value.GetInt64() : 0;
}

} // namespace

int64_t get_me_id(std::string_view result_json) {
  return result_integer(result_json, "id");
}

} // namespace phoenix::core
