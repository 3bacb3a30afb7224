// The fake Telegram's router: each Bot API method (getUpdates, sendMessage,
// editMessageText, answerCallbackQuery, ...), checked as Telegram checks it.
#include "tests/fakes/fake_telegram_router.hpp"

namespace phoenix::fakes::telegram_detail {

bool router::link_preview(const call& c, outgoing& o, reply& err) {
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

size_t router::count_deprecated(const call& c) {
  size_t n = 0;
  for (const char* name :
       {"reply_to_message_id", "disable_web_page_preview", "allow_sending_without_reply"}) {
    n += find_param(c.p, name) != nullptr;
  }
  return n;
}

reply router::dispatch(const call& c, const waker& wake) const {
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

bool router::bounded(const call& c, const char* name, int64_t min, int64_t max, int64_t& value,
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

reply router::get_updates(const call& c, const waker& wake) const {
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

bool router::allowed_updates(const std::string& json) const {
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

reply router::send_message(const call& c) const {
  state_.count_deprecated(count_deprecated(c));
  outgoing o;
  reply err;
  if (!chat_id(c, o.chat_id, err) || !reply_markup(c, false, o, err) || !message_text(c, o, err) ||
      !link_preview(c, o, err)) {
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

reply router::edit_message_text(const call& c) const {
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

reply router::answer_callback_query(const call& c) const {
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

reply router::send_chat_action(const call& c) const {
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

reply router::delete_message(const call& c) const {
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

reply router::set_webhook(const call& c) const {
  const std::string* url = c.get("url");
  if (!url) {
    const bool was = state_.webhook_active();
    state_.set_webhook(false, "");
    return ok("true", was ? "Webhook was deleted" : "Webhook is already deleted");
  }
  // Plain http only to loopback: the tests' stand-in for the TLS proxy.
  if (url->rfind("https://", 0) != 0 && url->rfind("http://127.0.0.1:", 0) != 0) {
    return bad_request("bad webhook: An HTTPS URL must be provided for webhook");
  }
  int max_connections = 40;
  if (const std::string* n = c.get("max_connections"); n && !n->empty()) {
    max_connections = std::atoi(n->c_str());
    if (max_connections < 1 || max_connections > 100) {
      return bad_request("bad webhook: max_connections must be between 1 and 100");
    }
  }
  const std::string* secret = c.get("secret_token");
  if (const std::string* allowed = c.get("allowed_updates");
      allowed && !allowed_updates(*allowed)) {
    return bad_request("can't parse allowed updates JSON object");
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
  state_.set_webhook(true, *url, secret ? *secret : std::string(), max_connections);
  return ok("true", "Webhook was set");
}

reply router::set_my_commands(const call& c) const {
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

} // namespace phoenix::fakes::telegram_detail
