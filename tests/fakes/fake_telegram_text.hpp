// Text helpers of the fake Telegram server: query strings and form bodies,
// JSON written the way the Bot API writes it, UTF-8 checks and UTF-16
// lengths, and Telegram's formatting modes (HTML, MarkdownV2, Markdown) turned
// into plain text plus entities, with TDLib's error messages and byte offsets.
// Included only by fake_telegram.cpp. (Its own namespace: the API-Football
// fake's detail classes live in the same library.)
#pragma once

#include "core/text/html_text.hpp"
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

const std::string* find_param(const params& p, std::string_view name);

/// "a=1&b=2" into `out` (decoded; later names win).
void parse_form(std::string_view text, params& out);

/// Splits "/path?a=1&b=2" into the (undecoded) path and the parameters.
void parse_target(std::string_view target, std::string& path, params& q);

/// A whole-string integer (sign allowed).
bool parse_int(std::string_view s, int64_t& out);

/// The Bot API's booleans: true/false, 1/0 (any case); anything else is false.
bool parse_bool(std::string_view s);

std::string to_lower(std::string_view s);

// --- UTF-8 and UTF-16 ------------------------------------------------------------

/// Decodes the code point at s[i] and moves i past it; false (i unchanged)
/// for an invalid, overlong, surrogate or truncated sequence.
bool next_code_point(std::string_view s, size_t& i, uint32_t& cp);

bool valid_utf8(std::string_view s);

using core::append_utf8;

/// Invalid sequences become U+FFFD, so that any text can go into JSON.
std::string sanitize_utf8(std::string_view s);

/// UTF-16 code units of one UTF-8 byte: 1 for a lead byte, 2 for a 4-byte
/// lead (a surrogate pair), 0 for a continuation byte.
int utf16_units(unsigned char c);

int64_t utf16_length(std::string_view s);

/// Telegram trims the text it stores: no leading or trailing white space.
std::string_view trim_spaces(std::string_view s);

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
std::string escape_slashes(std::string_view json);

std::string api_json(const rapidjson::StringBuffer& buffer);

template <class Writer = plain_writer> std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string json_string(std::string_view s);

// --- formatted text ----------------------------------------------------------------

/// A MessageEntity; offsets and lengths in UTF-16 code units.
struct entity {
  std::string type;
  int64_t offset = 0, length = 0;
  std::string url, language, custom_emoji_id, date_time_format;
  int64_t unix_time = 0;
};

entity make_entity(std::string type, int64_t offset, int64_t length);

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
char at(std::string_view s, size_t i);
bool is_space(char c);
bool is_digit(char c);
bool is_alpha(char c);
bool is_alnum(char c);

/// Outer entities first: by offset, then the longer one.
void sort_entities(std::vector<entity>& entities);

/// &lt; &gt; &amp; &quot; and numeric references, with or without ';'; 0 for
/// anything else (kept as text by Telegram). pos moves past the reference.
uint32_t decode_html_entity(std::string_view s, size_t& pos);

/// A surrogate from &#xD800; is encoded as is (CESU) and refused at the end.
void append_code_point(std::string& out, uint32_t cp);

struct open_tag {
  std::string tag, argument, argument2;
  int64_t offset = 0;
  size_t result_pos = 0;
};

bool supported_tag(std::string_view tag);

/// A name token (lowercased) or a quoted string with references decoded; i
/// ends after it. Returns false with `error` set.
bool attribute_value(std::string_view s, size_t& i, std::string& value, std::string& error);

/// Reads a start tag from its name on (i just after '<'); i ends at its '>'.
bool start_tag(std::string_view s, size_t begin, size_t& i, open_tag& open, std::string& error);

/// The entity of a closed tag (length > 0). False with `error` when refused.
bool close_tag(const open_tag& open, int64_t length, const std::string& result,
               std::vector<entity>& entities, std::string& error);

} // namespace markup

/// Telegram's HTML: plain text and entities, or "" and an error text (to put
/// after "Bad Request: can't parse entities: "). `in` must be valid UTF-8.
std::string parse_html(std::string_view in, bool strict, formatted_text& out);

/// Telegram's MarkdownV2 (TDLib's parser; block quotations only in their
/// simple "> line" form). Returns "" or the error text.
std::string parse_markdown_v2(std::string_view in, formatted_text& out);

/// Telegram's legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url).
std::string parse_markdown(std::string_view in, formatted_text& out);

} // namespace phoenix::fakes::telegram_detail
