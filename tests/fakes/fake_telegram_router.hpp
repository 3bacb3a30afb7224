// Turns one HTTP request into the fake Telegram's reply: the control plane
// (/__control, /__stats, /__push, ...: no token, not counted), then for
// /bot<TOKEN>/<method> the counting, the injected faults, the token, the
// method and its parameters, checked as the Bot API checks them.
// Included only by fake_telegram.cpp.
#pragma once

#include "tests/fakes/fake_http_server.hpp"
#include "tests/fakes/fake_telegram_state.hpp"

#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace phoenix::fakes::telegram_detail {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

/// The answer to send (after `delay`), a reset instead of an answer, or a
/// wait: then `finish` makes the answer when woken or after `wait`.
struct reply {
  response res;
  bool reset = false;
  milliseconds delay{0};
  milliseconds wait{0};
  std::function<reply(wait_end)> finish;
  std::shared_ptr<void> in_flight; ///< released once answered
};

/// What the control plane may do to the server as a whole.
struct server_hooks {
  std::function<void(bool)> set_running;      ///< stop() / resume()
  std::function<void(milliseconds)> stop_for; ///< stop, resume by itself
  std::function<bool()> running;
};

using sample_map = std::map<std::string, std::string>;

constexpr const char* conflict_text =
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running";
constexpr const char* webhook_conflict_text =
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first";

class router {
public:
  router(server_state& state, std::string token, const sample_map& samples, server_hooks hooks)
      : state_(state), token_(std::move(token)), samples_(samples), hooks_(std::move(hooks)) {}

  reply handle(const request& req, const waker& wake) const {
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
    reply answer = dispatch(c, wake);
    answer.delay = r.delay;
    return answer;
  }

private:
  struct call {
    const std::string& method; ///< lowercase
    const params& p;
    const std::string* get(std::string_view name) const {
      const std::string* v = find_param(p, name);
      return v && !v->empty() ? v : nullptr;
    }
  };

  // --- envelopes ---------------------------------------------------------------

  static response make(http::status status, const char* type, std::string body) {
    return make_response(status, "nginx/1.18.0", type, std::move(body));
  }

  static reply ok(const std::string& result_json, const char* description = nullptr) {
    std::string body = "{\"ok\":true,\"result\":" + result_json;
    if (description) {
      body += ",\"description\":" + json_string(description);
    }
    reply r;
    r.res = make(http::status::ok, "application/json", body + "}");
    return r;
  }

  /// {"ok":false,"error_code":N,"description":"..."[,"parameters":{"retry_after":S}]}
  static response api_error(int code, const std::string& description, int retry_after = -1) {
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
  static reply error(int code, const std::string& description, int retry_after = -1) {
    reply r;
    r.res = api_error(code, description, retry_after);
    return r;
  }
  static reply bad_request(const std::string& what) { return error(400, "Bad Request: " + what); }

  static response failure(int status, int retry_after, const std::string& method) {
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

  // --- parameters ----------------------------------------------------------------

  /// JSON bodies become parameters as the Bot API server does it: strings as
  /// they are, other values as their JSON text. Form bodies are decoded.
  static std::string read_body(const request& req, params& p) {
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

  /// chat_id: an integer (maybe in a string); "@name" is never found here.
  static bool chat_id(const call& c, int64_t& id, reply& err) {
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

  reply forbidden(int64_t chat) const {
    if (chat > 0) {
      return error(403, "Forbidden: bot was blocked by the user");
    }
    return error(403, chat <= -1000000000000LL
                          ? "Forbidden: bot was kicked from the supergroup chat"
                          : "Forbidden: bot was kicked from the group chat");
  }

  /// reply_markup: any keyboard for sendMessage, an inline one for edits.
  /// The record keeps it (compact JSON); the message shows an inline one only.
  static bool reply_markup(const call& c, bool inline_only, outgoing& o, reply& err) {
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

  /// text + parse_mode (or entities) into what the user sees.
  bool message_text(const call& c, outgoing& o, reply& err) const {
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

  /// entities=[...] given instead of a parse mode: kept as sent.
  static bool given_entities(const std::string& json, formatted_text& out) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsArray()) {
      return false;
    }
    for (const auto& v : doc.GetArray()) {
      if (!v.IsObject() || !v.HasMember("type") || !v["type"].IsString() ||
          !v.HasMember("offset") || !v["offset"].IsInt64() || !v.HasMember("length") ||
          !v["length"].IsInt64()) {
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

  /// Telegram stores no leading or trailing white space; entities follow.
  static void trim(formatted_text& f) {
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

  /// link_preview_options: an object, kept for the answer.
  static bool link_preview(const call& c, outgoing& o, reply& err) {
    const std::string* v = c.get("link_preview_options");
    if (!v) {
      return true;
    }
    rapidjson::Document doc;
    doc.Parse(v->data(), v->size());
    if (doc.HasParseError() || !doc.IsObject()) {
      err = bad_request("can't parse link preview options JSON object");
      return false;
    }
    o.link_preview_json = to_json<api_writer>(doc);
    return true;
  }

  static size_t count_deprecated(const call& c) {
    size_t n = 0;
    for (const char* name :
         {"reply_to_message_id", "disable_web_page_preview", "allow_sending_without_reply"}) {
      n += find_param(c.p, name) != nullptr;
    }
    return n;
  }

  // --- methods ---------------------------------------------------------------------

  reply dispatch(const call& c, const waker& wake) const {
    const std::string& m = c.method;
    if (m == "getme") {
      return ok(state_.bot_user_json(true));
    }
    if (m == "getupdates") {
      return get_updates(c, wake);
    }
    if (m == "sendmessage") {
      return send_message(c);
    }
    if (m == "editmessagetext") {
      return edit_message_text(c);
    }
    if (m == "answercallbackquery") {
      return answer_callback_query(c);
    }
    if (m == "sendchataction") {
      return send_chat_action(c);
    }
    if (m == "deletemessage") {
      return delete_message(c);
    }
    if (m == "setwebhook") {
      return set_webhook(c);
    }
    if (m == "deletewebhook") {
      const bool was = state_.webhook_active();
      if (const std::string* drop = c.get("drop_pending_updates"); drop && parse_bool(*drop)) {
        state_.drop_pending_updates();
      }
      state_.set_webhook(false, "");
      return ok("true", was ? "Webhook was deleted" : "Webhook is already deleted");
    }
    if (m == "getwebhookinfo") {
      return ok(state_.webhook_info_json());
    }
    if (m == "setmycommands") {
      return set_my_commands(c);
    }
    if (m == "getmycommands") {
      return ok(state_.commands());
    }
    if (m == "deletemycommands") {
      state_.set_commands("[]");
      return ok("true");
    }
    return ok("true"); // logOut, close
  }

  /// An integer in [min, max] or absent (default); Telegram clamps, the
  /// strict fake refuses.
  bool bounded(const call& c, const char* name, int64_t min, int64_t max, int64_t& value,
               reply& err) const {
    const std::string* v = c.get(name);
    if (!v) {
      return true;
    }
    if (!parse_int(*v, value)) {
      err = bad_request(std::string("field \"") + name + "\" must be a valid Number");
      return false;
    }
    if (value < min || value > max) {
      if (state_.options().strict) {
        err = bad_request(std::string(name) + " must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + " (the fake's strict mode; Telegram clamps it)");
        return false;
      }
      value = std::clamp(value, min, max);
    }
    return true;
  }

  reply get_updates(const call& c, const waker& wake) const {
    std::shared_ptr<void> in_flight = state_.enter_getupdates();
    reply err;
    int64_t offset = 0, limit = 100, timeout = 0;
    const std::string* offset_text = c.get("offset");
    if (offset_text && !parse_int(*offset_text, offset)) {
      err = bad_request("field \"offset\" must be a valid Number");
    } else if (!bounded(c, "limit", 1, 100, limit, err) ||
               !bounded(c, "timeout", 0, 50, timeout, err)) {
      // err is set
    } else if (const std::string* allowed = c.get("allowed_updates");
               allowed && !allowed_updates(*allowed)) {
      err = bad_request("can't parse allowed updates JSON array");
    } else if (state_.webhook_active()) {
      err = error(409, webhook_conflict_text);
    } else {
      server_state::poll_start start =
          state_.begin_poll(offset_text != nullptr, offset, int(limit), timeout > 0, wake);
      reply r;
      if (start.waiting) {
        r.wait = std::chrono::seconds(timeout);
        r.finish = [this, id = start.poll_id, limit = int(limit)](wait_end how) {
          if (how == wait_end::conflict) {
            return error(409, conflict_text);
          }
          std::string updates = state_.end_poll(id, limit);
          if (how == wait_end::aborted || how == wait_end::gone) {
            reply cut;
            cut.reset = true;
            return cut;
          }
          return ok(updates);
        };
      } else {
        r = ok(start.updates);
      }
      r.in_flight = std::move(in_flight);
      return r;
    }
    err.in_flight = std::move(in_flight);
    return err;
  }

  bool allowed_updates(const std::string& json) const {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsArray()) {
      return false;
    }
    std::vector<std::string> types;
    for (const auto& v : doc.GetArray()) {
      if (!v.IsString()) {
        return false;
      }
      types.emplace_back(v.GetString(), v.GetStringLength());
    }
    state_.set_allowed_updates(std::move(types));
    return true;
  }

  reply send_message(const call& c) const {
    state_.count_deprecated(count_deprecated(c));
    outgoing o;
    reply err;
    if (!chat_id(c, o.chat_id, err) || !reply_markup(c, false, o, err) ||
        !message_text(c, o, err) || !link_preview(c, o, err)) {
      return err;
    }
    if (state_.blocked(o.chat_id)) {
      return forbidden(o.chat_id);
    }
    // reply_parameters (or the deprecated reply_to_message_id).
    bool allow_without = false;
    if (const std::string* v = c.get("allow_sending_without_reply")) {
      allow_without = parse_bool(*v);
    }
    if (const std::string* v = c.get("reply_parameters")) {
      rapidjson::Document doc;
      doc.Parse(v->data(), v->size());
      if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("message_id") ||
          !doc["message_id"].IsInt64()) {
        return bad_request("can't parse reply parameters JSON object");
      }
      o.reply_to = doc["message_id"].GetInt64();
      if (doc.HasMember("allow_sending_without_reply") &&
          doc["allow_sending_without_reply"].IsBool()) {
        allow_without = doc["allow_sending_without_reply"].GetBool();
      }
    } else if (const std::string* v = c.get("reply_to_message_id")) {
      if (!parse_int(*v, o.reply_to)) {
        return bad_request("message to be replied not found");
      }
    }
    if (o.reply_to != 0 && !state_.message_exists(o.chat_id, o.reply_to)) {
      if (!allow_without) {
        return bad_request("message to be replied not found");
      }
      o.reply_to = 0;
    }
    return ok(state_.send(std::move(o)));
  }

  reply edit_message_text(const call& c) const {
    state_.count_deprecated(count_deprecated(c));
    if (c.get("inline_message_id")) {
      return bad_request("MESSAGE_ID_INVALID"); // the fake sends no inline messages
    }
    outgoing o;
    reply err;
    if (!chat_id(c, o.chat_id, err)) {
      return err;
    }
    const std::string* id = c.get("message_id");
    if (!id || !parse_int(*id, o.message_id) || o.message_id <= 0) {
      return bad_request("message identifier is not specified");
    }
    if (!reply_markup(c, true, o, err) || !message_text(c, o, err) || !link_preview(c, o, err)) {
      return err;
    }
    if (state_.blocked(o.chat_id)) {
      return forbidden(o.chat_id);
    }
    std::string json;
    switch (state_.edit(std::move(o), json)) {
    case edit_verdict::ok:
      return ok(json);
    case edit_verdict::not_found:
      return bad_request("message to edit not found");
    case edit_verdict::not_bot:
      return bad_request("message can't be edited");
    case edit_verdict::not_modified:
      break;
    }
    return bad_request("message is not modified: specified new message content and reply markup "
                       "are exactly the same as a current content and reply markup of the message");
  }

  reply answer_callback_query(const call& c) const {
    const std::string* id = c.get("callback_query_id");
    if (!id) {
      return bad_request("parameter \"callback_query_id\" is required");
    }
    std::string text;
    if (const std::string* t = c.get("text")) {
      if (!valid_utf8(*t)) {
        return bad_request("strings must be encoded in UTF-8");
      }
      if (utf16_length(*t) > 200) {
        return bad_request("MESSAGE_TOO_LONG");
      }
      text = *t;
    }
    switch (state_.answer_callback(*id, text)) {
    case answer_verdict::ok:
      return ok("true");
    case answer_verdict::invalid:
    case answer_verdict::too_old:
      break;
    }
    return bad_request("query is too old and response timeout expired or query ID is invalid");
  }

  reply send_chat_action(const call& c) const {
    int64_t chat = 0;
    reply err;
    if (!chat_id(c, chat, err)) {
      return err;
    }
    static const char* const actions[] = {
        "typing",        "upload_photo",      "record_video",     "upload_video",
        "record_voice",  "upload_voice",      "upload_document",  "choose_sticker",
        "find_location", "record_video_note", "upload_video_note"};
    const std::string* action = c.get("action");
    if (!action || std::find_if(std::begin(actions), std::end(actions),
                                [&](const char* a) { return *action == a; }) == std::end(actions)) {
      return bad_request("wrong parameter action in request");
    }
    if (state_.blocked(chat)) {
      return forbidden(chat);
    }
    return ok("true");
  }

  reply delete_message(const call& c) const {
    int64_t chat = 0, id = 0;
    reply err;
    if (!chat_id(c, chat, err)) {
      return err;
    }
    const std::string* v = c.get("message_id");
    if (!v || !parse_int(*v, id)) {
      return bad_request("message identifier is not specified");
    }
    if (!state_.erase_message(chat, id)) {
      return bad_request("message to delete not found");
    }
    return ok("true");
  }

  reply set_webhook(const call& c) const {
    const std::string* url = c.get("url");
    if (!url) {
      const bool was = state_.webhook_active();
      state_.set_webhook(false, "");
      return ok("true", was ? "Webhook was deleted" : "Webhook is already deleted");
    }
    if (url->rfind("https://", 0) != 0) {
      return bad_request("bad webhook: An HTTPS URL must be provided for webhook");
    }
    if (const std::string* secret = c.get("secret_token")) {
      const bool allowed =
          secret->size() <= 256 && std::all_of(secret->begin(), secret->end(), [](char ch) {
            return markup::is_alnum(ch) || ch == '_' || ch == '-';
          });
      if (!allowed) {
        return bad_request("secret token contains unallowed characters");
      }
    }
    if (const std::string* drop = c.get("drop_pending_updates"); drop && parse_bool(*drop)) {
      state_.drop_pending_updates();
    }
    state_.set_webhook(true, *url);
    return ok("true", "Webhook was set");
  }

  reply set_my_commands(const call& c) const {
    const std::string* v = c.get("commands");
    rapidjson::Document doc;
    if (v) {
      doc.Parse(v->data(), v->size());
    }
    if (!v || doc.HasParseError() || !doc.IsArray()) {
      return bad_request("can't parse commands JSON array");
    }
    if (doc.Size() > 100) {
      return bad_request("too many commands specified");
    }
    for (const auto& cmd : doc.GetArray()) {
      if (!cmd.IsObject() || !cmd.HasMember("command") || !cmd["command"].IsString() ||
          !cmd.HasMember("description") || !cmd["description"].IsString()) {
        return bad_request("can't parse BotCommand");
      }
      const std::string name = cmd["command"].GetString();
      const bool name_ok =
          !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || markup::is_digit(ch) || ch == '_';
          });
      const int64_t description = utf16_length(cmd["description"].GetString());
      if (!name_ok) {
        return bad_request("BOT_COMMAND_INVALID");
      }
      if (description < 1 || description > 256) {
        return bad_request("BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    state_.set_commands(escape_slashes(to_json<api_writer>(doc)));
    return ok("true");
  }

  // --- control plane (fake_telegram.cpp) -------------------------------------------

  reply control_plane(const std::string& path, const params& q, const request& req,
                      const waker& wake) const;
  reply control(const params& q) const;
  reply stats() const;
  reply push(const params& q) const;
  reply push_many(const std::string& body) const;
  reply push_callback(const params& q) const;
  reply push_sample(const params& q) const;
  reply sent(const params& q, const waker& wake) const;
  reply callback_answer(const params& q) const;

  server_state& state_;
  std::string token_;
  const sample_map& samples_;
  server_hooks hooks_;
};

} // namespace phoenix::fakes::telegram_detail
