// Telegram HTML for a terminal: see render_html in demo_chat_text.hpp.
#include "core/text/html_text.hpp"
#include "tests/fakes/demo_chat_text.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace phoenix::demo {

namespace {

using core::append_utf8;

// Styles as bits, so that nested tags combine.
enum style : unsigned {
  bold = 1,
  italic = 2,
  underline = 4,
  strike = 8,
  code = 16,
  spoiler = 32,
  quote = 64,
};

/// The entity at text[pos] ('&') decoded into `out`; returns the bytes it
/// took, or 0 when it is none (then the '&' is just a character).
size_t decode_entity(std::string_view text, size_t pos, std::string& out) {
  const size_t semi = text.find(';', pos);
  if (semi == std::string_view::npos || semi - pos > 10)
    return 0;
  const std::string_view name = text.substr(pos + 1, semi - pos - 1);
  static const std::pair<std::string_view, char> named[] = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : named) {
    if (name == entity) {
      out += c;
      return semi - pos + 1;
    }
  }
  if (name.size() < 2 || name[0] != '#')
    return 0;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string digits(name.substr(hex ? 2 : 1));
  if (digits.empty() ||
      digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
    return 0;
  const unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  append_utf8(out, cp);
  return semi - pos + 1;
}

std::string decode_entities(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t used = text[i] == '&' ? decode_entity(text, i, out) : 0;
    if (used == 0)
      out += text[i];
    else
      i += used - 1;
  }
  return out;
}

/// One tag's insides ("a href=\"x\"", "/b"): its name and the attributes we use.
struct tag {
  std::string name;
  bool closing = false;
  std::string href, css_class;
};

tag read_tag(std::string_view inside) {
  tag t;
  inside = trim(inside);
  if (!inside.empty() && inside.front() == '/') {
    t.closing = true;
    inside.remove_prefix(1);
  }
  size_t i = 0;
  while (i < inside.size() && inside[i] != ' ' && inside[i] != '/')
    ++i;
  t.name = lower_case(inside.substr(0, i));
  // name="value" / name='value' / name=value pairs.
  while (i < inside.size()) {
    while (i < inside.size() && (inside[i] == ' ' || inside[i] == '/'))
      ++i;
    const size_t name_start = i;
    while (i < inside.size() && inside[i] != '=' && inside[i] != ' ')
      ++i;
    const std::string attribute = lower_case(inside.substr(name_start, i - name_start));
    std::string value;
    if (i < inside.size() && inside[i] == '=') {
      ++i;
      const char quote =
          i < inside.size() && (inside[i] == '"' || inside[i] == '\'') ? inside[i] : 0;
      const size_t start = quote ? ++i : i;
      while (i < inside.size() && (quote ? inside[i] != quote : inside[i] != ' '))
        ++i;
      value = decode_entities(inside.substr(start, i - start));
      if (quote && i < inside.size())
        ++i;
    }
    if (attribute == "href")
      t.href = value;
    else if (attribute == "class")
      t.css_class = value;
  }
  return t;
}

unsigned style_of(const tag& t) {
  const std::string& n = t.name;
  if (n == "b" || n == "strong")
    return bold;
  if (n == "i" || n == "em")
    return italic;
  if (n == "u" || n == "ins" || n == "a")
    return underline;
  if (n == "s" || n == "strike" || n == "del")
    return strike;
  if (n == "code" || n == "pre")
    return code;
  if (n == "tg-spoiler" || (n == "span" && t.css_class == "tg-spoiler"))
    return spoiler;
  if (n == "blockquote")
    return quote;
  return 0;
}

std::string ansi_codes(unsigned active) {
  static const std::pair<unsigned, const char*> codes[] = {
      {bold, "1"}, {italic, "3"}, {underline, "4"}, {strike, "9"}, {code, "36"}, {spoiler, "7"}};
  std::string out;
  for (const auto& [bit, number] : codes)
    if (active & bit)
      out += std::string(out.empty() ? "" : ";") + number;
  return out.empty() ? "" : "\x1b[" + out + "m";
}

constexpr const char* quote_bar = "\xE2\x94\x82 "; // "│ "

// Walks the HTML once; the open tags form a stack.
class renderer {
public:
  explicit renderer(bool ansi) : ansi_(ansi) {}

  std::string run(std::string_view html) {
    for (size_t i = 0; i < html.size(); ++i) {
      const char c = html[i];
      if (c == '<' && i + 1 < html.size() &&
          (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/')) {
        const size_t end = html.find('>', i);
        if (end != std::string_view::npos) {
          on_tag(read_tag(html.substr(i + 1, end - i - 1)));
          i = end;
          continue;
        }
      } else if (c == '&') {
        std::string decoded;
        if (const size_t used = decode_entity(html, i, decoded)) {
          put(decoded);
          i += used - 1;
          continue;
        }
      }
      put(std::string_view(&c, 1));
    }
    if (ansi_ && shown_ != 0)
      out_ += "\x1b[0m";
    return out_;
  }

private:
  struct open_tag {
    std::string name;
    unsigned style = 0;
    std::string href, text; // a link's target and its visible text
  };

  unsigned active() const {
    unsigned all = 0;
    for (const open_tag& t : open_)
      all |= t.style;
    return all;
  }

  // Brings the terminal's style in line with the open tags.
  void restyle() {
    const unsigned now = active() & ~unsigned(quote);
    if (!ansi_ || now == shown_)
      return;
    out_ += (shown_ != 0 ? "\x1b[0m" : "") + ansi_codes(now);
    shown_ = now;
  }

  void put(std::string_view text) {
    for (const char c : text) {
      if (c == '\n' && ansi_ && shown_ != 0) {
        // Styles stop at line ends, so that indenting the next line stays plain.
        const unsigned was = shown_;
        out_ += "\x1b[0m\n";
        shown_ = 0;
        if ((active() & quote) != 0)
          out_ += quote_bar;
        out_ += ansi_codes(was);
        shown_ = was;
      } else {
        out_ += c;
        if (c == '\n' && (active() & quote) != 0)
          out_ += quote_bar;
      }
      for (open_tag& t : open_)
        if (t.name == "a")
          t.text += c;
    }
  }

  void on_tag(const tag& t) {
    if (!t.closing) {
      const unsigned s = style_of(t);
      if (s == quote && !out_.empty() && out_.back() != '\n')
        out_ += '\n';
      open_.push_back({t.name, s, t.href, {}});
      if (s == quote)
        out_ += quote_bar;
      restyle();
      return;
    }
    // Closes the innermost tag of that name (and any left open inside it).
    auto found = std::find_if(open_.rbegin(), open_.rend(),
                              [&](const open_tag& o) { return o.name == t.name; });
    if (found == open_.rend())
      return;
    const open_tag closed = *found;
    open_.erase(std::next(found).base(), open_.end());
    restyle();
    if (closed.name == "a" && !closed.href.empty() && closed.href != closed.text &&
        closed.href != "mailto:" + closed.text)
      put(" (" + closed.href + ")");
  }

  bool ansi_;
  std::string out_;
  std::vector<open_tag> open_;
  unsigned shown_ = 0;
};

} // namespace

std::string render_html(std::string_view html, bool ansi) {
  return renderer(ansi).run(html);
}

} // namespace phoenix::demo
