// Text helpers of the fake Telegram server: query strings and form bodies,
// JSON written the way the Bot API writes it, UTF-8 checks and UTF-16
// lengths, and Telegram's formatting modes (HTML, MarkdownV2, Markdown) turned
// into plain text plus entities, with TDLib's error messages and byte offsets.
// Included only by fake_telegram.cpp. (Its own namespace: the API-Football
// fake's detail classes live in the same library.)
#pragma once

#include "tests/fakes/query_string.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phoenix::fakes::telegram_detail {

// --- query strings -------------------------------------------------------------

/// Request parameters by name; a repeated name keeps its last value.
using params = std::map<std::string, std::string, std::less<>>;

inline const std::string* find_param(const params& p, std::string_view name) {
  auto found = p.find(name);
  return found == p.end() ? nullptr : &found->second;
}

/// "a=1&b=2" into `out` (decoded; later names win).
inline void parse_form(std::string_view text, params& out) {
  for_each_form_pair(text, [&out](std::string name, std::string value) {
    out[std::move(name)] = std::move(value);
  });
}

/// Splits "/path?a=1&b=2" into the (undecoded) path and the parameters.
inline void parse_target(std::string_view target, std::string& path, params& q) {
  q.clear();
  parse_form(split_target(target, path), q);
}

/// A whole-string integer (sign allowed).
inline bool parse_int(std::string_view s, int64_t& out) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

/// The Bot API's booleans: true/false, 1/0 (any case); anything else is false.
inline bool parse_bool(std::string_view s) {
  std::string lower;
  for (char c : s) {
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return lower == "true" || lower == "1";
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// --- UTF-8 and UTF-16 ------------------------------------------------------------

/// Decodes the code point at s[i] and moves i past it; false (i unchanged)
/// for an invalid, overlong, surrogate or truncated sequence.
inline bool next_code_point(std::string_view s, size_t& i, uint32_t& cp) {
  const auto byte = [&s](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t n = 0;
  uint32_t min = 0;
  if (c < 0x80) {
    cp = c;
    ++i;
    return true;
  } else if ((c & 0xE0) == 0xC0) {
    n = 1, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3, cp = c & 0x07, min = 0x10000;
  } else {
    return false;
  }
  for (size_t k = 1; k <= n; ++k) {
    if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) {
      return false;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return false;
  }
  i += n + 1;
  return true;
}

inline bool valid_utf8(std::string_view s) {
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    if (!next_code_point(s, i, cp)) {
      return false;
    }
  }
  return true;
}

inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Invalid sequences become U+FFFD, so that any text can go into JSON.
inline std::string sanitize_utf8(std::string_view s) {
  if (valid_utf8(s)) {
    return std::string(s);
  }
  std::string out;
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    if (next_code_point(s, i, cp)) {
      append_utf8(out, cp);
    } else {
      append_utf8(out, 0xFFFD);
      ++i;
    }
  }
  return out;
}

/// UTF-16 code units of one UTF-8 byte: 1 for a lead byte, 2 for a 4-byte
/// lead (a surrogate pair), 0 for a continuation byte.
inline int utf16_units(unsigned char c) {
  if ((c & 0xC0) == 0x80) {
    return 0;
  }
  return c >= 0xF0 ? 2 : 1;
}

inline int64_t utf16_length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) {
    n += utf16_units(static_cast<unsigned char>(c));
  }
  return n;
}

/// Telegram trims the text it stores: no leading or trailing white space.
inline std::string_view trim_spaces(std::string_view s) {
  const char* spaces = " \t\r\n\v\f";
  const size_t first = s.find_first_not_of(spaces);
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(spaces) - first + 1);
}

// --- JSON ----------------------------------------------------------------------

/// The control plane's writer: plain UTF-8, readable with curl.
using plain_writer = rapidjson::Writer<rapidjson::StringBuffer>;
/// The Bot API's writer: non-ASCII as \uXXXX (surrogate pairs above the BMP),
/// as api.telegram.org answers; finish() then escapes '/' as "\/" too.
using api_writer =
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>>;

/// A string value; invalid UTF-8 is written as U+FFFD rather than breaking the output.
template <class Writer> void write_string(Writer& w, std::string_view s) {
  if (valid_utf8(s)) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  } else {
    const std::string clean = sanitize_utf8(s);
    w.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
}

template <class Writer> void write_key(Writer& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

/// Already serialised JSON in place of a value.
template <class Writer> void write_raw(Writer& w, std::string_view json, rapidjson::Type type) {
  w.RawValue(json.data(), json.size(), type);
}

/// Telegram writes "\/" for '/'. In JSON text a '/' can only be inside a
/// string, so replacing every one is safe.
inline std::string escape_slashes(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 16);
  for (char c : json) {
    if (c == '/') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

inline std::string api_json(const rapidjson::StringBuffer& buffer) {
  return escape_slashes(std::string_view(buffer.GetString(), buffer.GetSize()));
}

template <class Writer = plain_writer> std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

inline std::string json_string(std::string_view s) {
  rapidjson::StringBuffer buffer;
  plain_writer writer(buffer);
  write_string(writer, s);
  return {buffer.GetString(), buffer.GetSize()};
}

// --- formatted text ----------------------------------------------------------------

/// A MessageEntity; offsets and lengths in UTF-16 code units.
struct entity {
  std::string type;
  int64_t offset = 0, length = 0;
  std::string url, language, custom_emoji_id, date_time_format;
  int64_t unix_time = 0;
};

inline entity make_entity(std::string type, int64_t offset, int64_t length) {
  entity e;
  e.type = std::move(type);
  e.offset = offset;
  e.length = length;
  return e;
}

struct formatted_text {
  std::string text; ///< plain UTF-8
  std::vector<entity> entities;
};

template <class Writer> void write_entities(Writer& w, const std::vector<entity>& entities) {
  w.StartArray();
  for (const entity& e : entities) {
    w.StartObject();
    write_key(w, "offset");
    w.Int64(e.offset);
    write_key(w, "length");
    w.Int64(e.length);
    write_key(w, "type");
    write_string(w, e.type);
    if (!e.url.empty()) {
      write_key(w, "url");
      write_string(w, e.url);
    }
    if (!e.language.empty()) {
      write_key(w, "language");
      write_string(w, e.language);
    }
    if (!e.custom_emoji_id.empty()) {
      write_key(w, "custom_emoji_id");
      write_string(w, e.custom_emoji_id);
    }
    if (e.type == "date_time") {
      write_key(w, "unix_time");
      w.Int64(e.unix_time);
      if (!e.date_time_format.empty()) {
        write_key(w, "date_time_format");
        write_string(w, e.date_time_format);
      }
    }
    w.EndObject();
  }
  w.EndArray();
}

namespace markup {

/// Past the end reads as NUL, like the C string TDLib parses.
inline char at(std::string_view s, size_t i) {
  return i < s.size() ? s[i] : '\0';
}
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || c == '\v' || c == '\f';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}

/// Outer entities first: by offset, then the longer one.
inline void sort_entities(std::vector<entity>& entities) {
  std::stable_sort(entities.begin(), entities.end(), [](const entity& a, const entity& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
}

/// &lt; &gt; &amp; &quot; and numeric references, with or without ';'; 0 for
/// anything else (kept as text by Telegram). pos moves past the reference.
inline uint32_t decode_html_entity(std::string_view s, size_t& pos) {
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

/// A surrogate from &#xD800; is encoded as is (CESU) and refused at the end.
inline void append_code_point(std::string& out, uint32_t cp) {
  append_utf8(out, cp);
}

struct open_tag {
  std::string tag, argument, argument2;
  int64_t offset = 0;
  size_t result_pos = 0;
};

inline bool supported_tag(std::string_view tag) {
  static const char* const tags[] = {"a",       "b",    "strong", "i",    "em",         "s",
                                     "strike",  "del",  "u",      "ins",  "tg-spoiler", "tg-emoji",
                                     "tg-time", "span", "pre",    "code", "blockquote"};
  return std::find(std::begin(tags), std::end(tags), tag) != std::end(tags);
}

/// A name token (lowercased) or a quoted string with references decoded; i
/// ends after it. Returns false with `error` set.
inline bool attribute_value(std::string_view s, size_t& i, std::string& value, std::string& error) {
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

/// Reads a start tag from its name on (i just after '<'); i ends at its '>'.
inline bool start_tag(std::string_view s, size_t begin, size_t& i, open_tag& open,
                      std::string& error) {
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

/// The entity of a closed tag (length > 0). False with `error` when refused.
inline bool close_tag(const open_tag& open, int64_t length, const std::string& result,
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

/// Telegram's HTML: plain text and entities, or "" and an error text (to put
/// after "Bad Request: can't parse entities: "). `in` must be valid UTF-8.
inline std::string parse_html(std::string_view in, bool strict, formatted_text& out) {
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

/// Telegram's MarkdownV2 (TDLib's parser; block quotations only in their
/// simple "> line" form). Returns "" or the error text.
inline std::string parse_markdown_v2(std::string_view in, formatted_text& out) {
  using namespace markup;
  out = {};
  std::string& result = out.text;
  struct open_entity {
    std::string type, argument;
    int64_t offset = 0;
    size_t byte_offset = 0, result_pos = 0;
  };
  std::vector<open_entity> nested;
  int64_t offset = 0;
  bool in_quote = false;
  int64_t quote_begin = 0, quote_end = 0;
  auto reserved = [](char c) {
    return c != '\0' && std::string_view("_*[]()~`>#+-=|{}.!").find(c) != std::string_view::npos;
  };
  auto character_error = [](char c) {
    return std::string("Character '") + c +
           "' is reserved and must be escaped with the preceding '\\'";
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const bool line_start = i == 0 || in[i - 1] == '\n';
    const bool in_code =
        !nested.empty() && (nested.back().type == "code" || nested.back().type == "pre");
    if (line_start && !in_code) {
      if (c == '>') {
        if (!in_quote) {
          in_quote = true;
          quote_begin = offset;
        }
        continue;
      }
      if (in_quote) {
        in_quote = false;
        if (quote_end > quote_begin) {
          out.entities.push_back(make_entity("blockquote", quote_begin, quote_end - quote_begin));
        }
      }
    }
    if (c == '\\' && at(in, i + 1) > 0 && at(in, i + 1) <= 126) {
      ++i;
      ++offset;
      result += in[i];
      continue;
    }
    const bool special = in_code ? c == '`' : reserved(c);
    if (!special) {
      if (c == '\n') {
        quote_end = offset; // a quotation ends before its line break
      }
      offset += utf16_units(static_cast<unsigned char>(c));
      result += c;
      continue;
    }
    bool closes = false;
    if (!nested.empty()) {
      const std::string& t = nested.back().type;
      const char next = at(in, i + 1);
      closes = (t == "bold" && c == '*') || (t == "italic" && c == '_' && next != '_') ||
               (t == "code" && c == '`') ||
               (t == "pre" && c == '`' && next == '`' && at(in, i + 2) == '`') ||
               (t == "text_link" && c == ']') || (t == "underline" && c == '_' && next == '_') ||
               (t == "strikethrough" && c == '~') || (t == "spoiler" && c == '|' && next == '|') ||
               (t == "custom_emoji" && c == ']');
    }
    if (!closes) {
      open_entity open;
      open.byte_offset = i;
      switch (c) {
      case '_':
        if (at(in, i + 1) == '_') {
          open.type = "underline";
          ++i;
        } else {
          open.type = "italic";
        }
        break;
      case '*':
        open.type = "bold";
        break;
      case '~':
        open.type = "strikethrough";
        break;
      case '|':
        if (at(in, i + 1) != '|') {
          return character_error(c);
        }
        ++i;
        open.type = "spoiler";
        break;
      case '[':
        open.type = "text_link";
        break;
      case '`':
        if (at(in, i + 1) == '`' && at(in, i + 2) == '`') {
          i += 3;
          open.type = "pre";
          size_t language_end = i;
          while (!is_space(at(in, language_end)) && at(in, language_end) != '`') {
            ++language_end;
          }
          if (i != language_end && language_end < in.size() && at(in, language_end) != '`') {
            open.argument = std::string(in.substr(i, language_end - i));
            i = language_end;
          }
          if (at(in, i) == '\n' || at(in, i) == '\r') {
            const bool pair =
                (at(in, i + 1) == '\n' || at(in, i + 1) == '\r') && at(in, i) != at(in, i + 1);
            i += pair ? 2 : 1;
          }
          --i;
        } else {
          open.type = "code";
        }
        break;
      case '!':
        if (at(in, i + 1) == '[') {
          ++i;
          open.type = "custom_emoji";
          break;
        }
        return character_error(c);
      default:
        return character_error(c);
      }
      open.offset = offset;
      open.result_pos = result.size();
      nested.push_back(std::move(open));
      continue;
    }
    open_entity open = std::move(nested.back());
    nested.pop_back();
    entity e;
    e.type = open.type;
    e.offset = open.offset;
    e.length = offset - open.offset;
    if (open.type == "underline" || open.type == "spoiler") {
      ++i;
    } else if (open.type == "pre") {
      i += 2;
      e.language = open.argument;
    } else if (open.type == "text_link" || open.type == "custom_emoji") {
      std::string url;
      if (at(in, i + 1) != '(') {
        if (open.type == "custom_emoji") {
          return "Custom emoji entity must contain a tg://emoji URL";
        }
        url = result.substr(open.result_pos);
      } else {
        i += 2;
        const size_t url_begin = i;
        while (i < in.size() && in[i] != ')') {
          if (in[i] == '\\' && at(in, i + 1) > 0 && at(in, i + 1) <= 126) {
            url += in[i + 1];
            i += 2;
            continue;
          }
          url += in[i++];
        }
        if (at(in, i) != ')') {
          return "Can't find end of a URL at byte offset " + std::to_string(url_begin);
        }
      }
      if (open.type == "custom_emoji") {
        const std::string prefix = "tg://emoji?id=";
        int64_t id = 0;
        if (url.rfind(prefix, 0) != 0 || !parse_int(url.substr(prefix.size()), id) || id <= 0) {
          return "Custom emoji URL must have an emoji identifier";
        }
        e.custom_emoji_id = url.substr(prefix.size());
      } else {
        e.url = url;
      }
    }
    if (e.length > 0 && !(e.type == "text_link" && e.url.empty())) {
      out.entities.push_back(std::move(e));
    }
  }
  if (!nested.empty()) {
    return "Can't find end of " + nested.back().type + " entity at byte offset " +
           std::to_string(nested.back().byte_offset);
  }
  if (in_quote && offset > quote_begin) {
    out.entities.push_back(make_entity("blockquote", quote_begin, offset - quote_begin));
  }
  sort_entities(out.entities);
  return "";
}

/// Telegram's legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url).
inline std::string parse_markdown(std::string_view in, formatted_text& out) {
  using namespace markup;
  out = {};
  std::string& result = out.text;
  int64_t offset = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const char next = at(in, i + 1);
    if (c == '\\' && (next == '_' || next == '*' || next == '`' || next == '[')) {
      result += in[++i];
      ++offset;
      continue;
    }
    if (c != '_' && c != '*' && c != '`' && c != '[') {
      offset += utf16_units(static_cast<unsigned char>(c));
      result += c;
      continue;
    }
    const size_t begin = i;
    const char end_character = c == '[' ? ']' : c;
    bool is_pre = false;
    std::string language;
    ++i;
    if (c == '`' && at(in, i) == '`' && at(in, i + 1) == '`') {
      i += 2;
      is_pre = true;
      size_t language_end = i;
      while (!is_space(at(in, language_end)) && at(in, language_end) != '`') {
        ++language_end;
      }
      if (i != language_end && language_end < in.size() && at(in, language_end) != '`') {
        language = std::string(in.substr(i, language_end - i));
        i = language_end;
      }
      if (at(in, i) == '\n' || at(in, i) == '\r') {
        const bool pair =
            (at(in, i + 1) == '\n' || at(in, i + 1) == '\r') && at(in, i) != at(in, i + 1);
        i += pair ? 2 : 1;
      }
    }
    const int64_t entity_offset = offset;
    const size_t result_pos = result.size();
    while (i < in.size() && (in[i] != end_character ||
                             (is_pre && !(at(in, i + 1) == '`' && at(in, i + 2) == '`')))) {
      offset += utf16_units(static_cast<unsigned char>(in[i]));
      result += in[i++];
    }
    if (i >= in.size()) {
      return "Can't find end of the entity starting at byte offset " + std::to_string(begin);
    }
    entity e;
    e.offset = entity_offset;
    e.length = offset - entity_offset;
    if (c == '_') {
      e.type = "italic";
    } else if (c == '*') {
      e.type = "bold";
    } else if (c == '[') {
      if (at(in, i + 1) == '(') {
        i += 2;
        while (i < in.size() && in[i] != ')') {
          e.url += in[i++];
        }
      } else {
        e.url = result.substr(result_pos);
      }
      e.type = "text_link";
    } else {
      e.type = is_pre ? "pre" : "code";
      e.language = language;
    }
    if (e.length > 0 && !(e.type == "text_link" && e.url.empty())) {
      out.entities.push_back(std::move(e));
    }
    if (is_pre) {
      i += 2;
    }
  }
  sort_entities(out.entities);
  return "";
}

} // namespace phoenix::fakes::telegram_detail
