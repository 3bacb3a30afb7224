// Query strings and form bodies, as both fake servers read them. Each fake
// keeps its own parameter container (the API-Football fake echoes parameters
// in arrival order, the Telegram one looks them up by name), so this header
// only decodes and splits. Included only by the fakes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace phoenix::fakes {

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/// application/x-www-form-urlencoded: '+' is a space, %XX a byte; a broken
/// escape is kept as it is.
inline std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
               hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// Calls add(name, value) for each pair of "a=1&b&c=3", decoded and in
/// order; empty pairs are skipped, a pair without '=' has the value "".
template <class Add> void for_each_form_pair(std::string_view text, Add&& add) {
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const size_t eq = pair.find('=');
    std::string name = url_decode(pair.substr(0, eq));
    add(std::move(name),
        eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1)));
  }
}

/// Splits "/path?a=1" into the (undecoded) path and what follows the '?'
/// ("" when there is none).
inline std::string_view split_target(std::string_view target, std::string& path) {
  const size_t mark = target.find('?');
  path = std::string(target.substr(0, mark));
  return mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1);
}

} // namespace phoenix::fakes
