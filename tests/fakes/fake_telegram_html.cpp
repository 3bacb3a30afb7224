// The fake Telegram's HTML parse mode: tags, attributes and entities into text
// and message entities, with Telegram's error texts.
#include "tests/fakes/fake_telegram_text.hpp"

namespace phoenix::fakes::telegram_detail {

namespace markup {

char at(std::string_view s, size_t i) {
  return i < s.size() ? s[i] : '\0';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || c == '\v' || c == '\f';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}

void sort_entities(std::vector<entity>& entities) {
  std::stable_sort(entities.begin(), entities.end(), [](const entity& a, const entity& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
}

uint32_t decode_html_entity(std::string_view s, size_t& pos) {
  if (at(s, pos) != '&') {
    return 0;
  }
  size_t end = pos + 1;
  uint32_t code = 0;
  if (at(s, pos + 1) == '#') {
    ++end;
    if (at(s, pos + 2) == 'x') {
      ++end;
      while (hex_digit(at(s, end)) >= 0) {
        code = code * 16 + static_cast<uint32_t>(hex_digit(at(s, end++)));
        if (code >= 0x10FFFF) {
          return 0;
        }
      }
    } else {
      while (is_digit(at(s, end))) {
        code = code * 10 + static_cast<uint32_t>(at(s, end++) - '0');
        if (code >= 0x10FFFF) {
          return 0;
        }
      }
    }
    if (code == 0) {
      return 0;
    }
  } else {
    while (is_alpha(at(s, end))) {
      ++end;
    }
    const std::string_view name = s.substr(pos + 1, end - pos - 1);
    if (name == "lt") {
      code = '<';
    } else if (name == "gt") {
      code = '>';
    } else if (name == "amp") {
      code = '&';
    } else if (name == "quot") {
      code = '"';
    } else {
      return 0;
    }
  }
  pos = at(s, end) == ';' ? end + 1 : end;
  return code;
}

void append_code_point(std::string& out, uint32_t cp) {
  append_utf8(out, cp);
}

bool supported_tag(std::string_view tag) {
  static const char* const tags[] = {"a",       "b",    "strong", "i",    "em",         "s",
                                     "strike",  "del",  "u",      "ins",  "tg-spoiler", "tg-emoji",
                                     "tg-time", "span", "pre",    "code", "blockquote"};
  return std::find(std::begin(tags), std::end(tags), tag) != std::end(tags);
}

bool attribute_value(std::string_view s, size_t& i, std::string& value, std::string& error) {
  if (at(s, i) != '\'' && at(s, i) != '"') {
    const size_t token_begin = i;
    while (is_alnum(at(s, i)) || at(s, i) == '.' || at(s, i) == '-') {
      ++i;
    }
    if (!is_space(at(s, i)) && at(s, i) != '>') {
      error = "Unexpected end of name token at byte offset " + std::to_string(token_begin);
      return false;
    }
    value = to_lower(s.substr(token_begin, i - token_begin));
    return true;
  }
  const char end = at(s, i++);
  while (at(s, i) != end && at(s, i) != '\0') {
    if (at(s, i) == '&') {
      size_t p = i;
      if (const uint32_t cp = decode_html_entity(s, p); cp != 0) {
        append_code_point(value, cp);
        i = p;
        continue;
      }
    }
    value += at(s, i++);
  }
  if (at(s, i) == end) {
    ++i;
  }
  return true;
}

bool start_tag(std::string_view s, size_t begin, size_t& i, open_tag& open, std::string& error) {
  const std::string where = " at byte offset " + std::to_string(begin);
  while (!is_space(at(s, i)) && at(s, i) != '>') {
    ++i;
  }
  if (at(s, i) == '\0') {
    error = "Unclosed start tag" + where;
    return false;
  }
  open.tag = to_lower(s.substr(begin + 1, i - begin - 1));
  if (!supported_tag(open.tag)) {
    error = "Unsupported start tag \"" + open.tag + "\"" + where;
    return false;
  }
  const std::string& tag = open.tag;
  while (at(s, i) != '>') {
    while (at(s, i) != '\0' && is_space(at(s, i))) {
      ++i;
    }
    if (at(s, i) == '>') {
      break;
    }
    const size_t name_begin = i;
    while (!is_space(at(s, i)) && at(s, i) != '=' && at(s, i) != '>' && at(s, i) != '/' &&
           at(s, i) != '"' && at(s, i) != '\'') {
      ++i;
    }
    const std::string name = to_lower(s.substr(name_begin, i - name_begin));
    if (name.empty()) {
      error = "Empty attribute name in the tag \"" + tag + "\"" + where;
      return false;
    }
    while (at(s, i) != '\0' && is_space(at(s, i))) {
      ++i;
    }
    if (at(s, i) != '=') {
      if (at(s, i) == '\0') {
        error = "Unclosed start tag \"" + tag + "\"" + where;
        return false;
      }
      if (tag == "blockquote" && name == "expandable") {
        open.argument = "1";
      }
      continue;
    }
    ++i;
    while (at(s, i) != '\0' && is_space(at(s, i))) {
      ++i;
    }
    if (at(s, i) == '\0') {
      error = "Unclosed start tag \"" + tag + "\"" + where;
      return false;
    }
    std::string value;
    if (!attribute_value(s, i, value, error)) {
      return false;
    }
    if (at(s, i) == '\0') {
      error = "Unclosed start tag" + where;
      return false;
    }
    if ((tag == "a" && name == "href") || (tag == "tg-emoji" && name == "emoji-id") ||
        (tag == "tg-time" && name == "unix")) {
      open.argument = std::move(value);
    } else if (tag == "code" && name == "class" && value.rfind("language-", 0) == 0) {
      open.argument = value.substr(9);
    } else if (tag == "span" && name == "class" && value.rfind("tg-", 0) == 0) {
      open.argument = value.substr(3);
    } else if (tag == "blockquote" && name == "expandable") {
      open.argument = "1";
    } else if (tag == "tg-time" && name == "format") {
      open.argument2 = std::move(value);
    }
  }
  if (tag == "span" && open.argument != "spoiler") {
    error = "Tag \"span\" must have class \"tg-spoiler\"" + where;
    return false;
  }
  return true;
}

bool close_tag(const open_tag& open, int64_t length, const std::string& result,
               std::vector<entity>& entities, std::string& error) {
  entity e;
  e.offset = open.offset;
  e.length = length;
  const std::string& tag = open.tag;
  entity* last = entities.empty() ? nullptr : &entities.back();
  const bool same_span = last && last->offset == e.offset && last->length == e.length;
  if (tag == "b" || tag == "strong") {
    e.type = "bold";
  } else if (tag == "i" || tag == "em") {
    e.type = "italic";
  } else if (tag == "u" || tag == "ins") {
    e.type = "underline";
  } else if (tag == "s" || tag == "strike" || tag == "del") {
    e.type = "strikethrough";
  } else if (tag == "tg-spoiler" || tag == "span") {
    e.type = "spoiler";
  } else if (tag == "tg-emoji") {
    int64_t id = 0;
    if (open.argument.empty() || !is_digit(open.argument[0]) || !parse_int(open.argument, id) ||
        id <= 0) {
      error = "Invalid custom emoji identifier specified";
      return false;
    }
    e.type = "custom_emoji";
    e.custom_emoji_id = open.argument;
  } else if (tag == "tg-time") {
    if (!parse_int(open.argument, e.unix_time)) {
      error = "Invalid Unix time specified";
      return false;
    }
    e.type = "date_time";
    e.date_time_format = open.argument2;
  } else if (tag == "a") {
    e.url = open.argument.empty() ? result.substr(open.result_pos) : open.argument;
    if (e.url.empty()) {
      return true;
    }
    e.type = "text_link";
  } else if (tag == "pre") {
    // <pre><code class="language-x">: one pre entity with the language.
    if (same_span && last->type == "code" && !last->language.empty()) {
      last->type = "pre";
      return true;
    }
    e.type = "pre";
  } else if (tag == "code") {
    if (same_span && last->type == "pre" && !open.argument.empty()) {
      last->language = open.argument;
      return true;
    }
    e.type = "code";
    e.language = open.argument; // dropped at the end unless inside a pre
  } else if (tag == "blockquote") {
    e.type = open.argument.empty() ? "blockquote" : "expandable_blockquote";
  }
  entities.push_back(std::move(e));
  return true;
}

} // namespace markup

std::string parse_html(std::string_view in, bool strict, formatted_text& out) {
  using namespace markup;
  out = {};
  std::string& result = out.text;
  std::vector<open_tag> nested;
  std::string error;
  int64_t offset = 0;
  bool surrogate = false;
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '&') {
      size_t p = i;
      if (const uint32_t cp = decode_html_entity(in, p); cp != 0) {
        i = p - 1;
        offset += cp > 0xFFFF ? 2 : 1;
        surrogate |= cp >= 0xD800 && cp <= 0xDFFF;
        append_code_point(result, cp);
        continue;
      }
      if (strict) {
        return "Unescaped \"&\" at byte offset " + std::to_string(i) +
               " (the fake's strict mode: write &amp;)";
      }
    }
    if (c != '<') {
      if (strict && c == '>') {
        return "Unescaped \">\" at byte offset " + std::to_string(i) +
               " (the fake's strict mode: write &gt;)";
      }
      offset += utf16_units(static_cast<unsigned char>(c));
      result += c;
      continue;
    }
    const size_t begin = i++;
    if (at(in, i) != '/') {
      open_tag open;
      if (!start_tag(in, begin, i, open, error)) {
        return error;
      }
      open.offset = offset;
      open.result_pos = result.size();
      nested.push_back(std::move(open));
      continue;
    }
    if (nested.empty()) {
      return "Unexpected end tag at byte offset " + std::to_string(begin);
    }
    while (!is_space(at(in, i)) && at(in, i) != '>') {
      ++i;
    }
    const std::string end_tag = to_lower(in.substr(begin + 2, i - begin - 2));
    while (is_space(at(in, i)) && at(in, i) != '\0') {
      ++i;
    }
    if (at(in, i) != '>') {
      return "Unclosed end tag at byte offset " + std::to_string(begin);
    }
    const open_tag& open = nested.back();
    if (!end_tag.empty() && end_tag != open.tag) {
      return "Unmatched end tag at byte offset " + std::to_string(begin) + ", expected \"</" +
             open.tag + ">\", found \"</" + end_tag + ">\"";
    }
    if (offset > open.offset &&
        !close_tag(open, offset - open.offset, result, out.entities, error)) {
      return error;
    }
    nested.pop_back();
  }
  if (!nested.empty()) {
    return "Can't find end tag corresponding to start tag \"" + nested.back().tag + "\"";
  }
  if (surrogate) {
    return "Text contains invalid Unicode characters after decoding HTML entities, check for "
           "unmatched surrogate code units";
  }
  for (entity& e : out.entities) {
    if (e.type == "code") {
      e.language.clear(); // a language counts only inside pre
    }
  }
  sort_entities(out.entities);
  return "";
}

} // namespace phoenix::fakes::telegram_detail
