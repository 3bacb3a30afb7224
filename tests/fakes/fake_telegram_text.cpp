// The fake Telegram's text helpers: query strings, numbers, UTF-8 and UTF-16
// lengths, JSON strings and entities.
#include "tests/fakes/fake_telegram_text.hpp"

namespace phoenix::fakes::telegram_detail {

const std::string* find_param(const params& p, std::string_view name) {
  auto found = p.find(name);
  return found == p.end() ? nullptr : &found->second;
}

void parse_form(std::string_view text, params& out) {
  for_each_form_pair(text, [&out](std::string name, std::string value) {
    out[std::move(name)] = std::move(value);
  });
}

void parse_target(std::string_view target, std::string& path, params& q) {
  q.clear();
  parse_form(split_target(target, path), q);
}

bool parse_int(std::string_view s, int64_t& out) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool parse_bool(std::string_view s) {
  std::string lower;
  for (char c : s) {
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return lower == "true" || lower == "1";
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

bool next_code_point(std::string_view s, size_t& i, uint32_t& cp) {
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

bool valid_utf8(std::string_view s) {
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    if (!next_code_point(s, i, cp)) {
      return false;
    }
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
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

int utf16_units(unsigned char c) {
  if ((c & 0xC0) == 0x80) {
    return 0;
  }
  return c >= 0xF0 ? 2 : 1;
}

int64_t utf16_length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) {
    n += utf16_units(static_cast<unsigned char>(c));
  }
  return n;
}

std::string_view trim_spaces(std::string_view s) {
  const char* spaces = " \t\r\n\v\f";
  const size_t first = s.find_first_not_of(spaces);
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(spaces) - first + 1);
}

std::string escape_slashes(std::string_view json) {
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

std::string api_json(const rapidjson::StringBuffer& buffer) {
  return escape_slashes(std::string_view(buffer.GetString(), buffer.GetSize()));
}

std::string json_string(std::string_view s) {
  rapidjson::StringBuffer buffer;
  plain_writer writer(buffer);
  write_string(writer, s);
  return {buffer.GetString(), buffer.GetSize()};
}

entity make_entity(std::string type, int64_t offset, int64_t length) {
  entity e;
  e.type = std::move(type);
  e.offset = offset;
  e.length = length;
  return e;
}

} // namespace phoenix::fakes::telegram_detail
