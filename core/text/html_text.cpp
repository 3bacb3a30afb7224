#include "core/text/html_text.hpp"

#include <algorithm>
#include <cstdint>

namespace phoenix::core {
namespace {

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0u) == 0x80u;
}

// One indivisible piece of HTML: a tag, an entity, or one character.
struct html_unit {
  std::size_t bytes = 1;
  std::size_t visible = 1; // UTF-16 code units shown
  bool is_tag = false;
};

// "&#65;" / "&#x1F600;": the code point, or -1 when `text` is not one.
long numeric_entity(std::string_view text) {
  if (text.size() < 4 || text[0] != '&' || text[1] != '#' || text.back() != ';')
    return -1;
  std::string_view digits = text.substr(2, text.size() - 3);
  int base = 10;
  if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) {
    base = 16;
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.size() > 8)
    return -1;
  long value = 0;
  for (char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    if (digit < 0)
      return -1;
    value = value * base + digit;
  }
  return value <= 0x10FFFF ? value : -1;
}

html_unit next_unit(std::string_view html, std::size_t pos) {
  const char c = html[pos];
  if (c == '<') {
    const std::size_t end = html.find('>', pos);
    if (end != std::string_view::npos)
      return {end - pos + 1, 0, true};
    return {}; // a stray '<' Telegram would refuse; count it as a character
  }
  if (c == '&') {
    const std::size_t end = html.find(';', pos);
    if (end != std::string_view::npos && end - pos <= 12) {
      const std::string_view entity = html.substr(pos, end - pos + 1);
      if (entity == "&lt;" || entity == "&gt;" || entity == "&amp;" || entity == "&quot;")
        return {entity.size(), 1, false};
      if (long code = numeric_entity(entity); code >= 0)
        return {entity.size(), code > 0xFFFF ? 2u : 1u, false};
    }
    return {};
  }
  const std::size_t length = utf8_sequence_length(html, pos);
  if (length == 0)
    return {}; // invalid byte: one unit so nothing is ever cut inside it
  return {length, length == 4 ? 2u : 1u, false};
}

bool is_blank_unit(std::string_view html, std::size_t pos, const html_unit& unit) {
  if (unit.is_tag)
    return true;
  const char c = html[pos];
  return unit.bytes == 1 && (c == ' ' || c == '\n' || c == '\t' || c == '\r');
}

// Cuts one over-long line into pieces of visible length <= limit.
std::vector<std::string_view> cut_line(std::string_view line, std::size_t limit) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  std::size_t pos = 0;
  std::size_t visible = 0;
  std::size_t after_space = 0; // byte just past the last space in this piece
  std::size_t visible_at_space = 0;
  while (pos < line.size()) {
    const html_unit unit = next_unit(line, pos);
    if (visible + unit.visible > limit && visible > 0) {
      // Prefer a word boundary unless it would leave a very short piece.
      std::size_t cut = pos;
      if (after_space > start && visible_at_space * 2 >= limit)
        cut = after_space;
      pieces.push_back(line.substr(start, cut - start));
      visible = visible_length_utf16(line.substr(cut, pos - cut));
      start = cut;
      after_space = 0;
      visible_at_space = 0;
      continue; // re-examine the same unit against the fresh piece
    }
    visible += unit.visible;
    pos += unit.bytes;
    if (unit.bytes == 1 && !unit.is_tag && line[pos - 1] == ' ') {
      after_space = pos;
      visible_at_space = visible;
    }
  }
  if (start < line.size())
    pieces.push_back(line.substr(start));
  return pieces;
}

struct open_tag {
  std::string name;
  std::string opening; // the full tag text, to reopen it in the next part
};

std::string tag_name(std::string_view tag) {
  std::string name;
  std::size_t i = tag.size() > 1 && tag[1] == '/' ? 2 : 1;
  for (; i < tag.size(); ++i) {
    const char c = tag[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      break;
    name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return name;
}

// Follows the tags of `part` so the next part knows what is still open.
void track_tags(std::string_view part, std::vector<open_tag>& open) {
  for (std::size_t pos = 0; pos < part.size();) {
    const html_unit unit = next_unit(part, pos);
    if (unit.is_tag) {
      const std::string_view tag = part.substr(pos, unit.bytes);
      const std::string name = tag_name(tag);
      if (tag.size() > 1 && tag[1] == '/') {
        auto found = std::find_if(open.rbegin(), open.rend(),
                                  [&name](const open_tag& t) { return t.name == name; });
        if (found != open.rend())
          open.erase(std::next(found).base());
      } else if (!name.empty() && tag[tag.size() - 2] != '/') {
        open.push_back({name, std::string(tag)});
      }
    }
    pos += unit.bytes;
  }
}

bool has_visible_text(std::string_view html) {
  for (std::size_t pos = 0; pos < html.size();) {
    const html_unit unit = next_unit(html, pos);
    if (!is_blank_unit(html, pos, unit))
      return true;
    pos += unit.bytes;
  }
  return false;
}

} // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  if (pos >= text.size())
    return 0;
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80)
    return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF; // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0)
      low = 0xA0; // overlong
    if (lead == 0xED)
      high = 0x9F; // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0)
      low = 0x90; // overlong
    if (lead == 0xF4)
      high = 0x8F; // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - pos < length)
    return 0;
  const auto second = static_cast<unsigned char>(text[pos + 1]);
  if (second < low || second > high)
    return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (!is_continuation(static_cast<unsigned char>(text[pos + i])))
      return 0;
  return length;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::size_t visible_length_utf16(std::string_view html) {
  std::size_t visible = 0;
  for (std::size_t pos = 0; pos < html.size();) {
    const html_unit unit = next_unit(html, pos);
    visible += unit.visible;
    pos += unit.bytes;
  }
  return visible;
}

std::vector<std::string> split_message(const std::string& html, std::size_t limit) {
  limit = std::max<std::size_t>(limit, 2); // room for any single character
  std::vector<std::string_view> raw_parts;
  const std::string_view text(html);
  std::size_t part_start = 0, part_end = 0, part_visible = 0;
  bool have_part = false;
  auto flush = [&] {
    if (have_part)
      raw_parts.push_back(text.substr(part_start, part_end - part_start));
    have_part = false;
  };

  for (std::size_t line_start = 0; line_start <= text.size();) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos)
      line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    const std::size_t visible = visible_length_utf16(line);
    if (have_part && part_visible + 1 + visible <= limit) {
      part_end = line_end; // the newline joins this part
      part_visible += 1 + visible;
    } else {
      flush();
      std::vector<std::string_view> pieces{line};
      if (visible > limit)
        pieces = cut_line(line, limit);
      for (std::size_t i = 0; i + 1 < pieces.size(); ++i)
        raw_parts.push_back(pieces[i]);
      // The last piece may still share its part with the following lines.
      const std::string_view last = pieces.back();
      part_start = static_cast<std::size_t>(last.data() - text.data());
      part_end = part_start + last.size();
      part_visible = visible_length_utf16(last);
      have_part = true;
    }
    line_start = line_end + 1;
  }
  flush();

  std::vector<std::string> parts;
  std::vector<open_tag> open;
  for (std::string_view raw : raw_parts) {
    std::string part;
    for (const open_tag& tag : open)
      part += tag.opening;
    part += raw;
    track_tags(raw, open);
    for (auto it = open.rbegin(); it != open.rend(); ++it)
      part += "</" + it->name + ">";
    if (has_visible_text(raw))
      parts.push_back(std::move(part));
  }
  return parts;
}

std::string utf8_sanitized(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      append_utf8(out, 0xFFFD);
      ++pos;
    } else {
      out.append(text, pos, length);
      pos += length;
    }
  }
  return out;
}

std::string truncate_utf16(std::string_view text, std::size_t limit) {
  std::size_t used = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = std::max<std::size_t>(utf8_sequence_length(text, pos), 1);
    const std::size_t units = length == 4 ? 2 : 1;
    if (used + units > limit)
      break;
    used += units;
    pos += length;
  }
  return std::string(text.substr(0, pos));
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count)
    pos += std::max<std::size_t>(utf8_sequence_length(text, pos), 1);
  return count;
}

std::string shorten(std::string_view text, std::size_t max_chars) {
  if (utf8_length(text) <= max_chars)
    return std::string(text);
  if (max_chars == 0)
    return {};
  std::size_t pos = 0;
  for (std::size_t count = 0; count + 1 < max_chars && pos < text.size(); ++count)
    pos += std::max<std::size_t>(utf8_sequence_length(text, pos), 1);
  return std::string(text.substr(0, pos)) + "\xE2\x80\xA6"; // …
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  auto byte = [&out](std::uint32_t bits) { out += static_cast<char>(bits); };
  if (code_point < 0x80) {
    byte(code_point);
  } else if (code_point < 0x800) {
    byte(0xC0 | (code_point >> 6));
    byte(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    byte(0xE0 | (code_point >> 12));
    byte(0x80 | ((code_point >> 6) & 0x3F));
    byte(0x80 | (code_point & 0x3F));
  } else {
    byte(0xF0 | (code_point >> 18));
    byte(0x80 | ((code_point >> 12) & 0x3F));
    byte(0x80 | ((code_point >> 6) & 0x3F));
    byte(0x80 | (code_point & 0x3F));
  }
}

} // namespace phoenix::core
