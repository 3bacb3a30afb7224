// The fake Telegram's control plane (/__...): faults, pushes of user updates,
// what the bot sent, counters. Tests and the demo drive the fake through it.
#include "tests/fakes/fake_telegram_router.hpp"

namespace phoenix::fakes::telegram_detail {

namespace {

reply json_reply(http::status status, std::string body) {
  reply r;
  r.res = make_response(status, "fake-telegram", "application/json", std::move(body));
  return r;
}

reply control_error(http::status status, const std::string& message) {
  return json_reply(status, "{\"error\":" + json_string(message) + "}");
}

/// A signed integer parameter; false when absent or not an integer.
bool int_param(const params& q, const char* name, int64_t& out) {
  const std::string* v = find_param(q, name);
  return v && parse_int(*v, out);
}

/// A steady_clock reading (CLOCK_MONOTONIC on Linux, the same in every
/// process of the machine) in nanoseconds, for latencies across processes.
int64_t steady_ns(steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// `first_index` >= 0: each entry also gets "index", its position in the send
/// log. `brief`: ids, reply and time only.
template <class Writer>
void write_sent(Writer& w, const std::vector<sent_message>& list, int64_t first_index = -1,
                bool brief = false) {
  w.StartArray();
  for (const sent_message& s : list) {
    w.StartObject();
    if (first_index >= 0) {
      write_key(w, "index");
      w.Int64(first_index++);
    }
    write_key(w, "chat_id");
    w.Int64(s.chat_id);
    write_key(w, "message_id");
    w.Int64(s.message_id);
    write_key(w, "at_ns");
    w.Int64(steady_ns(s.at));
    write_key(w, "reply_to_message_id");
    w.Int64(s.reply_to_message_id);
    if (brief) {
      w.EndObject();
      continue;
    }
    write_key(w, "text");
    write_string(w, s.text);
    write_key(w, "plain_text");
    write_string(w, s.plain_text);
    write_key(w, "parse_mode");
    write_string(w, s.parse_mode);
    write_key(w, "reply_markup");
    if (s.reply_markup_json.empty()) {
      w.Null();
    } else {
      write_raw(w, s.reply_markup_json, rapidjson::kObjectType);
    }
    write_key(w, "edits");
    w.Int(s.edits);
    w.EndObject();
  }
  w.EndArray();
}

} // namespace

reply router::control_plane(const std::string& path, const params& q, const request& req,
                            const waker& wake) const {
  if (path == "/__control") {
    return control(q);
  }
  if (path == "/__stats") {
    return stats();
  }
  if (path == "/__push") {
    return push(q);
  }
  if (path == "/__push_many") {
    return push_many(req.body());
  }
  if (path == "/__callback") {
    return push_callback(q);
  }
  if (path == "/__push_sample") {
    return push_sample(q);
  }
  if (path == "/__push_raw") {
    state_.push_raw(req.body());
    return json_reply(http::status::ok, "{\"queued\":true}");
  }
  if (path == "/__sent") {
    return sent(q, wake);
  }
  if (path == "/__callback_answer") {
    return callback_answer(q);
  }
  return control_error(http::status::not_found,
                       "unknown control path " + path +
                           " (known: /__control /__stats /__push /__push_many /__callback "
                           "/__push_sample /__push_raw /__sent /__callback_answer)");
}

// GET /__control?name=value&...: every fault setter, for a separate process.
// Values are checked before anything is applied, so a typo changes nothing.
reply router::control(const params& q) const {
  static const char* const known[] = {
      "method",     "fail",           "status",           "retry_after",
      "fail_ratio", "reset",          "latency_ms",       "jitter_ms",
      "block",      "unblock",        "accepting",        "stop_ms",
      "webhook",    "clear",          "reset_counters",   "drop_updates",
      "renumber",   "enforce_limits", "arrival_jitter_ms"};
  for (const auto& [name, value] : q) {
    if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
      return control_error(http::status::bad_request, "unknown control parameter: " + name);
    }
    int64_t n = 0;
    bool valid = true;
    if (name == "method") {
      valid = true;
    } else if (name == "fail_ratio") {
      char* end = nullptr;
      const double ratio = std::strtod(value.c_str(), &end);
      valid = !value.empty() && end == value.c_str() + value.size() && ratio >= 0 && ratio <= 1;
    } else if (name == "block" || name == "unblock") {
      valid = parse_int(value, n) && n != 0;
    } else {
      valid = parse_int(value, n) && n >= 0 && n <= 1000000000;
    }
    if (!valid) {
      return control_error(http::status::bad_request, "bad value: " + name + "=" + value);
    }
  }
  const std::string* method_param = find_param(q, "method");
  const std::string method = method_param ? *method_param : "*";
  int64_t n = 0, m = 0;
  const int status = int_param(q, "status", n) ? int(n) : 429;
  const int retry_after = int_param(q, "retry_after", m) ? int(m) : 0;
  if (int_param(q, "clear", n) && n) {
    state_.faults.clear();
    state_.unblock_all();
    hooks_.set_running(true);
  }
  if (int_param(q, "reset_counters", n) && n) {
    state_.reset_counters();
  }
  if (find_param(q, "latency_ms") || find_param(q, "jitter_ms")) {
    const int64_t fixed = int_param(q, "latency_ms", n) ? n : 0;
    const int64_t jitter = int_param(q, "jitter_ms", m) ? m : 0;
    state_.faults.set_latency(method, milliseconds(fixed), milliseconds(jitter));
  }
  if (int_param(q, "fail", n)) {
    state_.faults.fail_next(method, int(n), status, retry_after);
  }
  if (const std::string* ratio = find_param(q, "fail_ratio")) {
    state_.faults.fail_ratio(method, std::strtod(ratio->c_str(), nullptr), status, retry_after);
  }
  if (int_param(q, "reset", n)) {
    state_.faults.reset_next(method, int(n));
  }
  if (int_param(q, "block", n)) {
    state_.block(n, true);
  }
  if (int_param(q, "unblock", n)) {
    state_.block(n, false);
  }
  if (int_param(q, "webhook", n)) {
    state_.set_webhook(n != 0, "https://example.invalid/phoenix-webhook");
  }
  if (int_param(q, "renumber", n) && n > 0) {
    state_.renumber_updates(n);
  }
  if (int_param(q, "drop_updates", n) && n) {
    state_.drop_pending_updates();
  }
  if (int_param(q, "accepting", n)) {
    hooks_.set_running(n != 0);
  }
  if (int_param(q, "stop_ms", n) && n) {
    hooks_.stop_for(milliseconds(n));
  }
  if (int_param(q, "enforce_limits", n)) {
    state_.limits.enforce(n != 0);
  }
  if (int_param(q, "arrival_jitter_ms", n)) {
    state_.limits.set_arrival_jitter(method, milliseconds(n));
  }

  rapidjson::StringBuffer buffer;
  plain_writer w(buffer);
  w.StartObject();
  write_key(w, "faults");
  state_.faults.write(w);
  write_key(w, "rate_limits");
  state_.limits.write(w);
  write_key(w, "accepting");
  w.Bool(hooks_.running());
  w.EndObject();
  return json_reply(http::status::ok, buffer.GetString());
}

// GET /__stats: the counters, the faults and the samples known.
reply router::stats() const {
  rapidjson::StringBuffer buffer;
  plain_writer w(buffer);
  w.StartObject();
  state_.write_stats(w);
  write_key(w, "faults");
  state_.faults.write(w);
  write_key(w, "rate_limits");
  state_.limits.write(w);
  write_key(w, "accepting");
  w.Bool(hooks_.running());
  write_key(w, "samples");
  w.StartArray();
  for (const auto& [name, json] : samples_) {
    write_string(w, name);
  }
  w.EndArray();
  w.EndObject();
  return json_reply(http::status::ok, buffer.GetString());
}

// GET /__push?chat=ID&text=...[&username=U&user_id=N]: a user writes.
reply router::push(const params& q) const {
  int64_t chat = 0, user = 0;
  const std::string* text = find_param(q, "text");
  if (!int_param(q, "chat", chat) || chat == 0 || !text) {
    return control_error(http::status::bad_request, "need chat=<non-zero id> and text=...");
  }
  const std::string* username = find_param(q, "username");
  int_param(q, "user_id", user);
  steady::time_point at;
  const int64_t update_id =
      state_.push_message(chat, *text, username ? *username : "user", user, &at);
  return json_reply(http::status::ok,
                    "{\"update_id\":" + std::to_string(update_id) +
                        ",\"message_id\":" + std::to_string(state_.last_user_message_id(chat)) +
                        ",\"at_ns\":" + std::to_string(steady_ns(at)) + "}");
}

// POST /__push_many, body: one "CHAT_ID TEXT" line per message (TEXT is the
// rest of the line, as is): many users write at once, in one lock and one
// wake-up of the long poll. Answers the first update_id (the others follow
// in order), each message_id and at_ns, when they became visible to getUpdates.
reply router::push_many(const std::string& body) const {
  std::vector<std::pair<int64_t, std::string>> batch;
  std::string_view rest(body);
  while (!rest.empty()) {
    const size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      continue;
    }
    const size_t space = line.find(' ');
    int64_t chat = 0;
    if (space == std::string_view::npos || !parse_int(std::string(line.substr(0, space)), chat) ||
        chat == 0 || space + 1 == line.size()) {
      return control_error(http::status::bad_request,
                           "line " + std::to_string(batch.size() + 1) +
                               ": need \"CHAT_ID TEXT\" (a non-zero id, a space, a text)");
    }
    batch.emplace_back(chat, std::string(line.substr(space + 1)));
  }
  std::vector<int64_t> message_ids;
  message_ids.reserve(batch.size());
  steady::time_point at;
  const int64_t first = state_.push_messages(batch, message_ids, at);
  std::string out = "{\"first_update_id\":" + std::to_string(first) +
                    ",\"count\":" + std::to_string(batch.size()) +
                    ",\"at_ns\":" + std::to_string(steady_ns(at)) + ",\"message_ids\":[";
  for (size_t i = 0; i < message_ids.size(); ++i) {
    out += (i ? "," : "") + std::to_string(message_ids[i]);
  }
  return json_reply(http::status::ok, out + "]}");
}

// GET /__callback?chat=ID&message_id=N&data=...: a user presses a button.
reply router::push_callback(const params& q) const {
  int64_t chat = 0, message = 0;
  const std::string* data = find_param(q, "data");
  if (!int_param(q, "chat", chat) || chat == 0 || !int_param(q, "message_id", message) || !data) {
    return control_error(http::status::bad_request, "need chat=, message_id= and data=");
  }
  const int64_t update_id = state_.push_callback(chat, message, *data);
  return json_reply(http::status::ok, "{\"update_id\":" + std::to_string(update_id) + "}");
}

// GET /__push_sample?name=message_bot_command_start
reply router::push_sample(const params& q) const {
  const std::string* name = find_param(q, "name");
  auto found = name ? samples_.find(*name) : samples_.end();
  if (found == samples_.end()) {
    return control_error(http::status::not_found, "unknown sample (see /__stats)");
  }
  const int64_t update_id = state_.push_sample(found->second);
  return json_reply(http::status::ok, "{\"update_id\":" + std::to_string(update_id) + "}");
}

// GET /__sent?chat=ID&after=MESSAGE_ID[&wait_ms=N]: the bot's messages above
// `after` (chat 0 or none: every chat). With wait_ms, an empty answer waits
// for the next message the bot sends or edits (in any chat), up to wait_ms.
// GET /__sent?since=N[&max=M][&brief=1][&wait_ms=N] instead: the send log
// from position N on (each entry with its "index"), at most M (default
// 10000); brief: ids, reply and time only, cheap for thousands of replies.
reply router::sent(const params& q, const waker& wake) const {
  int64_t chat = 0, after = 0, wait_ms = 0, since = -1, max = 10000, brief = 0;
  int_param(q, "chat", chat);
  int_param(q, "after", after);
  int_param(q, "wait_ms", wait_ms);
  int_param(q, "since", since);
  int_param(q, "max", max);
  int_param(q, "brief", brief);
  auto look = [this, chat, after, since, max, brief] {
    return since >= 0
               ? state_.sent_since(size_t(since), size_t(std::max<int64_t>(max, 1)), brief == 0)
               : state_.sent_after(chat, after);
  };
  auto answer = [since, brief](const std::vector<sent_message>& list) {
    rapidjson::StringBuffer buffer;
    plain_writer w(buffer);
    write_sent(w, list, since, brief != 0);
    return json_reply(http::status::ok, buffer.GetString());
  };
  if (wait_ms <= 0) {
    return answer(look());
  }
  // Watch first, then look: a message in between is not missed.
  const uint64_t id = state_.watch_sent(wake);
  std::vector<sent_message> list = look();
  if (!list.empty()) {
    state_.unwatch_sent(id);
    return answer(list);
  }
  reply r;
  r.wait = milliseconds(std::min<int64_t>(wait_ms, 600000));
  r.finish = [this, id, look, answer](wait_end how) {
    state_.unwatch_sent(id);
    if (how == wait_end::aborted || how == wait_end::gone) {
      reply cut;
      cut.reset = true;
      return cut;
    }
    return answer(look());
  };
  return r;
}

// GET /__callback_answer?update_id=N (the update of a /__callback): whether
// the bot answered the press yet, and the notice it showed ("" for none).
reply router::callback_answer(const params& q) const {
  int64_t update_id = 0;
  if (!int_param(q, "update_id", update_id)) {
    return control_error(http::status::bad_request, "need update_id=<id of a /__callback>");
  }
  const std::optional<std::string> text = state_.callback_answer(update_id);
  return json_reply(http::status::ok,
                    text ? "{\"answered\":true,\"text\":" + json_string(*text) + "}"
                         : std::string("{\"answered\":false}"));
}

} // namespace phoenix::fakes::telegram_detail
