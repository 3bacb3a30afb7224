// The fake Telegram's router: a request to its Bot API method or the control
// plane, and the helpers that build answers and read parameters.
#include "tests/fakes/fake_telegram_router.hpp"

namespace phoenix::fakes::telegram_detail {

reply router::handle(const request& req, const waker& wake) const {
  std::string path;
  params q;
  parse_target(std::string_view(req.target().data(), req.target().size()), path, q);
  if (path.rfind("/__", 0) == 0) {
    return control_plane(path, q, req, wake);
  }
  reply r;
  if (state_.stopped.load()) {
    r.reset = true; // "down": open connections are cut too
    return r;
  }
  // /bot<token>/<method>
  const size_t slash = path.find('/', 1);
  if (path.rfind("/bot", 0) != 0 || slash == std::string::npos || slash + 1 >= path.size()) {
    r.res = api_error(404, "Not Found");
    return r;
  }
  const std::string token = url_decode(path.substr(4, slash - 4));
  const std::string method = to_lower(path.substr(slash + 1));
  // Counted once answered (a long poll: once it waits), so that a test
  // waking on the count sees the call's effects.
  struct count_on_return {
    server_state& state;
    const std::string& method;
    ~count_on_return() { state.record_call(method); }
  } count{state_, method};
  const fault_decision fault = state_.faults.take(method);
  r.delay = fault.delay;
  if (fault.what == fault_decision::kind::reset) {
    r.reset = true;
    return r;
  }
  if (fault.what == fault_decision::kind::fail) {
    r.res = failure(fault.status, fault.retry_after, method);
    return r;
  }
  if (token != token_) {
    state_.count_unauthorized();
    r.res = api_error(401, "Unauthorized");
    return r;
  }
  if (known_methods().count(method) == 0) {
    r.res = api_error(404, "Not Found");
    return r;
  }
  params p = q;
  if (std::string error = read_body(req, p); !error.empty()) {
    r.res = api_error(400, error);
    return r;
  }
  call c{method, p};
  if (reply refused; rate_limits::counted(method) && over_limit(c, refused)) {
    refused.delay = r.delay;
    return refused;
  }
  reply answer = dispatch(c, wake);
  answer.delay = r.delay;
  return answer;
}

bool router::over_limit(const call& c, reply& refused) const {
  int64_t chat = 0;
  if (!parse_int(c.get("chat_id") ? *c.get("chat_id") : "", chat) || chat == 0) {
    return false; // the method answers the bad chat_id
  }
  const std::optional<int> retry_after = state_.limits.admit(chat);
  if (!retry_after) {
    return false;
  }
  refused.res = failure(429, *retry_after, c.method);
  return true;
}

milliseconds router::arrival_delay(const request& req) const {
  std::string path;
  params q;
  parse_target(std::string_view(req.target().data(), req.target().size()), path, q);
  const size_t slash = path.find('/', 1);
  if (path.rfind("/bot", 0) != 0 || slash == std::string::npos) {
    return milliseconds(0); // the control plane is never late
  }
  return state_.limits.arrival_delay(to_lower(path.substr(slash + 1)));
}

response router::make(http::status status, const char* type, std::string body) {
  return make_response(status, "nginx/1.18.0", type, std::move(body));
}

reply router::ok(const std::string& result_json, const char* description) {
  std::string body = "{\"ok\":true,\"result\":" + result_json;
  if (description) {
    body += ",\"description\":" + json_string(description);
  }
  reply r;
  r.res = make(http::status::ok, "application/json", body + "}");
  return r;
}

response router::api_error(int code, const std::string& description, int retry_after) {
  rapidjson::StringBuffer buffer;
  api_writer w(buffer);
  w.StartObject();
  write_key(w, "ok");
  w.Bool(false);
  write_key(w, "error_code");
  w.Int(code);
  write_key(w, "description");
  write_string(w, description);
  if (retry_after >= 0) {
    write_key(w, "parameters");
    w.StartObject();
    write_key(w, "retry_after");
    w.Int(retry_after);
    w.EndObject();
  }
  w.EndObject();
  response res = make(http::status::ok, "application/json", api_json(buffer));
  res.result(static_cast<unsigned>(code));
  return res;
}

reply router::error(int code, const std::string& description, int retry_after) {
  reply r;
  r.res = api_error(code, description, retry_after);
  return r;
}

response router::failure(int status, int retry_after, const std::string& method) {
  if (status == 502 || status == 503 || status == 504) {
    const std::string title = std::to_string(status) + (status == 502   ? " Bad Gateway"
                                                        : status == 503 ? " Service Unavailable"
                                                                        : " Gateway Time-out");
    response res = make(http::status::ok, "text/html",
                        "<html>\r\n<head><title>" + title +
                            "</title></head>\r\n<body>\r\n<center><h1>" + title +
                            "</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n"
                            "</html>\r\n");
    res.result(static_cast<unsigned>(status));
    return res;
  }
  switch (status) {
  case 429:
    return api_error(429, "Too Many Requests: retry after " + std::to_string(retry_after),
                     retry_after);
  case 400:
    return api_error(400, "Bad Request: injected by the fake");
  case 401:
    return api_error(401, "Unauthorized");
  case 403:
    return api_error(403, "Forbidden: bot was blocked by the user");
  case 404:
    return api_error(404, "Not Found");
  case 409:
    return api_error(409,
                     method == "getupdates" ? conflict_text : "Conflict: injected by the fake");
  case 500:
    return api_error(500, "Internal Server Error");
  default:
    return api_error(status, "Error " + std::to_string(status));
  }
}

std::string router::read_body(const request& req, params& p) {
  const std::string type = to_lower(std::string_view(req[http::field::content_type].data(),
                                                     req[http::field::content_type].size()));
  const std::string& body = req.body();
  if (type.rfind("application/json", 0) == 0) {
    if (body.empty()) {
      return "";
    }
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      return "can't parse JSON object";
    }
    for (const auto& member : doc.GetObject()) {
      const std::string name(member.name.GetString(), member.name.GetStringLength());
      const auto& v = member.value;
      if (v.IsString()) {
        p[name] = std::string(v.GetString(), v.GetStringLength());
      } else if (!v.IsNull()) {
        p[name] = to_json(v);
      }
    }
  } else if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    parse_form(body, p);
  }
  return "";
}

bool router::chat_id(const call& c, int64_t& id, reply& err) {
  const std::string* v = c.get("chat_id");
  if (!v) {
    err = bad_request("chat_id is empty");
    return false;
  }
  if (!parse_int(*v, id) || id == 0) {
    err = bad_request("chat not found");
    return false;
  }
  return true;
}

reply router::forbidden(int64_t chat) const {
  if (chat > 0) {
    return error(403, "Forbidden: bot was blocked by the user");
  }
  return error(403, chat <= -1000000000000LL ? "Forbidden: bot was kicked from the supergroup chat"
                                             : "Forbidden: bot was kicked from the group chat");
}

bool router::reply_markup(const call& c, bool inline_only, outgoing& o, reply& err) {
  const std::string* v = c.get("reply_markup");
  if (!v) {
    return true;
  }
  rapidjson::Document doc;
  doc.Parse(v->data(), v->size());
  if (doc.HasParseError() || !doc.IsObject()) {
    err = bad_request("can't parse reply keyboard markup JSON object");
    return false;
  }
  if (!doc.HasMember("inline_keyboard")) {
    if (inline_only || !(doc.HasMember("keyboard") || doc.HasMember("remove_keyboard") ||
                         doc.HasMember("force_reply"))) {
      err = bad_request("can't parse reply keyboard markup JSON object");
      return false;
    }
    o.record_markup = to_json(doc);
    return true;
  }
  const auto& rows = doc["inline_keyboard"];
  const char* rows_error = "field \"inline_keyboard\" of the InlineKeyboardMarkup should be an "
                           "Array of Arrays";
  if (!rows.IsArray()) {
    err = bad_request(rows_error);
    return false;
  }
  static const char* const actions[] = {"url",
                                        "callback_data",
                                        "web_app",
                                        "login_url",
                                        "switch_inline_query",
                                        "switch_inline_query_current_chat",
                                        "switch_inline_query_chosen_chat",
                                        "copy_text",
                                        "callback_game",
                                        "pay"};
  for (const auto& row : rows.GetArray()) {
    if (!row.IsArray()) {
      err = bad_request(rows_error);
      return false;
    }
    for (const auto& button : row.GetArray()) {
      if (!button.IsObject()) {
        err = bad_request("can't parse inline keyboard button: InlineKeyboardButton should be "
                          "an Object");
        return false;
      }
      if (!button.HasMember("text") || !button["text"].IsString()) {
        err = bad_request("can't parse inline keyboard button: Field \"text\" must be of type "
                          "String");
        return false;
      }
      if (button.HasMember("callback_data")) {
        const auto& data = button["callback_data"];
        if (!data.IsString() || data.GetStringLength() < 1 || data.GetStringLength() > 64) {
          err = bad_request("BUTTON_DATA_INVALID");
          return false;
        }
      }
      if (button.HasMember("url") &&
          (!button["url"].IsString() || button["url"].GetStringLength() == 0)) {
        err = bad_request("BUTTON_URL_INVALID");
        return false;
      }
      bool has_action = false;
      for (const char* action : actions) {
        has_action |= button.HasMember(action);
      }
      if (!has_action) {
        err = bad_request("can't parse inline keyboard button: Text buttons are unallowed in "
                          "the inline keyboard");
        return false;
      }
    }
  }
  o.record_markup = to_json(doc);
  o.markup_json = to_json<api_writer>(doc);
  return true;
}

bool router::message_text(const call& c, outgoing& o, reply& err) const {
  const std::string* text = c.get("text");
  if (!text) {
    err = bad_request("message text is empty");
    return false;
  }
  if (!valid_utf8(*text)) {
    err = bad_request("strings must be encoded in UTF-8");
    return false;
  }
  o.raw_text = *text;
  if (const std::string* mode = c.get("parse_mode")) {
    o.parse_mode = *mode;
  }
  const std::string mode = to_lower(o.parse_mode);
  std::string problem;
  if (mode == "html") {
    problem = parse_html(*text, state_.options().strict, o.content);
  } else if (mode == "markdownv2") {
    problem = parse_markdown_v2(*text, o.content);
  } else if (mode == "markdown") {
    problem = parse_markdown(*text, o.content);
  } else if (mode.empty()) {
    o.content.text = *text;
    if (const std::string* entities = c.get("entities");
        entities && !given_entities(*entities, o.content)) {
      err = bad_request("can't parse entities JSON object");
      return false;
    }
  } else {
    err = bad_request("unsupported parse_mode");
    return false;
  }
  if (!problem.empty()) {
    err = bad_request("can't parse entities: " + problem);
    return false;
  }
  trim(o.content);
  if (o.content.text.empty()) {
    err = bad_request("message text is empty");
    return false;
  }
  if (utf16_length(o.content.text) > 4096) {
    err = bad_request("message is too long");
    return false;
  }
  return true;
}

bool router::given_entities(const std::string& json, formatted_text& out) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) {
    return false;
  }
  for (const auto& v : doc.GetArray()) {
    if (!v.IsObject() || !v.HasMember("type") || !v["type"].IsString() || !v.HasMember("offset") ||
        !v["offset"].IsInt64() || !v.HasMember("length") || !v["length"].IsInt64()) {
      return false;
    }
    entity e;
    e.type = v["type"].GetString();
    e.offset = v["offset"].GetInt64();
    e.length = v["length"].GetInt64();
    for (auto [name, field] : {std::pair{"url", &e.url}, std::pair{"language", &e.language},
                               std::pair{"custom_emoji_id", &e.custom_emoji_id}}) {
      if (v.HasMember(name) && v[name].IsString()) {
        *field = v[name].GetString();
      }
    }
    out.entities.push_back(std::move(e));
  }
  return true;
}

void router::trim(formatted_text& f) {
  const std::string_view kept = trim_spaces(f.text);
  if (kept.size() == f.text.size()) {
    return;
  }
  const int64_t lead = kept.empty() ? 0 : int64_t(kept.data() - f.text.data()); // ASCII: units
  const int64_t size = utf16_length(kept);
  std::vector<entity> entities;
  for (entity e : f.entities) {
    int64_t begin = std::max<int64_t>(e.offset - lead, 0);
    const int64_t end = std::min(e.offset + e.length - lead, size);
    if (end > begin) {
      e.offset = begin;
      e.length = end - begin;
      entities.push_back(std::move(e));
    }
  }
  f.text = std::string(kept);
  f.entities = std::move(entities);
}

} // namespace phoenix::fakes::telegram_detail
