#include "core/db/db_text.hpp"

#include "core/text/html_text.hpp"

namespace phoenix::core::db {

namespace {

bool is_storable(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const auto length = utf8_sequence_length(text, pos);
    if (length == 0 || text[pos] == '\0')
      return false;
    pos += length;
  }
  return true;
}

// Appends `s` as one double-quoted array element.
void append_element(std::string& out, const std::string& s) {
  out += '"';
  for (char ch : storable_text(s)) {
    if (ch == '"' || ch == '\\')
      out += '\\';
    out += ch;
  }
  out += '"';
}

template <class T, class Append>
std::string make_literal(const std::vector<T>& items, Append append) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += ',';
    append(out, items[i]);
  }
  out += '}';
  return out;
}

} // namespace

std::string storable_text(std::string_view text) {
  if (is_storable(text)) // the common case: kept as it is
    return std::string{text};
  std::string out = utf8_sanitized(text);
  const std::string replacement = "\xEF\xBF\xBD"; // U+FFFD
  for (size_t nul = out.find('\0'); nul != std::string::npos; nul = out.find('\0', nul))
    out.replace(nul, 1, replacement);
  return out;
}

std::string array_literal(const std::vector<std::string>& items) {
  return make_literal(items, append_element);
}

std::string array_literal(const std::vector<int64_t>& items) {
  return make_literal(items, [](std::string& out, int64_t v) {
    out += '"';
    out += std::to_string(v);
    out += '"';
  });
}

} // namespace phoenix::core::db
