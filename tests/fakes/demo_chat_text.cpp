#include "tests/fakes/demo_chat_text.hpp"

#include "core/text/json_read.hpp"

#include <algorithm>
#include <cctype>
#include <rapidjson/document.h>

namespace phoenix::demo {

namespace {

namespace jr = core::json_read;

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 9 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<button> buttons_of(const rapidjson::Value& markup) {
  std::vector<button> out;
  const auto& rows = jr::field(markup, "inline_keyboard");
  if (!rows.IsArray())
    return out;
  for (const auto& row : rows.GetArray()) {
    if (!row.IsArray())
      continue;
    for (const auto& b : row.GetArray())
      out.push_back({jr::text(jr::field(b, "text")), jr::text(jr::field(b, "callback_data")),
                     jr::text(jr::field(b, "url"))});
  }
  return out;
}

} // namespace

std::string lower_case(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::vector<button> inline_buttons(std::string_view reply_markup_json) {
  rapidjson::Document doc;
  doc.Parse(reply_markup_json.data(), reply_markup_json.size());
  if (doc.HasParseError() || !doc.IsObject())
    return {};
  return buttons_of(doc);
}

std::optional<std::vector<bot_message>> parse_sent(std::string_view json, std::string& error) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) {
    error = "the fake's /__sent answer is not a JSON array: " + std::string(json.substr(0, 200));
    return std::nullopt;
  }
  std::vector<bot_message> out;
  for (const auto& item : doc.GetArray()) {
    bot_message m;
    m.message_id = jr::int64_or_zero(jr::field(item, "message_id"));
    m.text = jr::text(jr::field(item, "text"));
    m.parse_mode = jr::text(jr::field(item, "parse_mode"));
    m.plain_text = jr::text(jr::field(item, "plain_text"));
    m.buttons = buttons_of(jr::field(item, "reply_markup"));
    m.edits = static_cast<int>(jr::int64_or_zero(jr::field(item, "edits")));
    out.push_back(std::move(m));
  }
  return out;
}

std::string message_text(const bot_message& m, bool ansi) {
  // Telegram drops leading and trailing blanks of a message.
  if (lower_case(m.parse_mode) == "html")
    return std::string(trim(render_html(trim(m.text), ansi)));
  return std::string(trim(m.plain_text.empty() ? m.text : m.plain_text));
}

std::string format_message(const bot_message& m, bool edited, bool ansi) {
  const std::string indent = "     ";
  std::string out = edited ? "bot (edited)> " : "bot> ";
  const std::string text = message_text(m, ansi);
  for (size_t start = 0, end = 0; start <= text.size(); start = end + 1) {
    end = std::min(text.find('\n', start), text.size());
    const std::string_view line = std::string_view(text).substr(start, end - start);
    if (start > 0)
      out += "\n" + (line.empty() ? "" : indent);
    out += line;
  }
  for (size_t i = 0; i < m.buttons.size(); ++i) {
    const button& b = m.buttons[i];
    const std::string number = "[" + std::to_string(i + 1) + "]";
    out += "\n" + indent + (ansi ? "\x1b[1m" + number + "\x1b[0m" : number) + " " + b.label;
    if (b.callback_data.empty() && !b.url.empty())
      out += " (" + b.url + ")";
  }
  return out;
}

std::vector<chat_event> message_tracker::update(const std::vector<bot_message>& fetched) {
  std::vector<const bot_message*> ordered;
  for (const bot_message& m : fetched)
    ordered.push_back(&m);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](auto* a, auto* b) { return a->message_id < b->message_id; });
  std::vector<chat_event> events;
  for (const bot_message* m : ordered) {
    auto known = edits_.find(m->message_id);
    if (known == edits_.end()) {
      if (m->message_id <= last_id_)
        continue; // older than the window: seen long ago
      edits_[m->message_id] = m->edits;
      last_id_ = m->message_id;
      events.push_back({*m, false});
    } else if (m->edits > known->second) {
      known->second = m->edits;
      events.push_back({*m, true});
    }
  }
  while (edits_.size() > window)
    edits_.erase(edits_.begin());
  return events;
}

int64_t message_tracker::recheck_after() const {
  return edits_.empty() ? last_id_ : edits_.begin()->first - 1;
}

user_input parse_input(std::string_view line, size_t buttons) {
  line = trim(line);
  if (line.empty())
    return {};
  const std::string lower = lower_case(line);
  if (lower == "/quit" || lower == "/exit")
    return {user_input::kind::quit, ""};
  if (lower == "/press" || lower.rfind("/press ", 0) == 0)
    return {user_input::kind::press, std::string(trim(line.substr(6)))};
  if (all_digits(line)) {
    const size_t n = std::stoul(std::string(line));
    if (n >= 1 && n <= buttons)
      return {user_input::kind::press, std::string(line)};
  }
  return {user_input::kind::send, std::string(line)};
}

std::optional<size_t> find_button(const std::vector<button>& buttons, std::string_view which,
                                  std::string& error) {
  which = trim(which);
  if (buttons.empty()) {
    error = "no keyboard to press yet";
    return std::nullopt;
  }
  if (all_digits(which)) {
    const size_t n = std::stoul(std::string(which));
    if (n >= 1 && n <= buttons.size())
      return n - 1;
    error = "no button " + std::string(which) + " (the keyboard has " +
            std::to_string(buttons.size()) + ")";
    return std::nullopt;
  }
  if (!which.empty())
    for (size_t i = 0; i < buttons.size(); ++i)
      if (buttons[i].label.find(which) != std::string::npos)
        return i;
  error = "no button labelled \"" + std::string(which) + "\"";
  return std::nullopt;
}

script parse_script(std::string_view text) {
  script out;
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.empty() || line.front() == '#')
      continue;
    const std::string where = "line " + std::to_string(number) + ": ";
    script_step step;
    step.line = number;
    step.text = std::string(trim(line.substr(1)));
    switch (line.front()) {
    case '>':
      step.what = script_step::kind::send;
      break;
    case '?':
      step.what = script_step::kind::expect;
      break;
    case '!':
      step.what = script_step::kind::press;
      break;
    default:
      out.steps.clear();
      out.error = where + "\"" + std::string(line) +
                  "\" is none of '> message', '? expected text', '! button', '# comment'";
      return out;
    }
    if (step.text.empty()) {
      out.steps.clear();
      out.error = where + "'" + line.front() + "' needs a text after it";
      return out;
    }
    out.steps.push_back(std::move(step));
  }
  if (out.steps.empty())
    out.error = "the script has no steps";
  return out;
}

std::string url_encode(std::string_view text) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace phoenix::demo
