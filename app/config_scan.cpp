#include "app/config_scan.hpp"

#include "app/config.hpp"

#include <algorithm>
#include <caf/actor_system_config.hpp>
#include <caf/settings.hpp>
#include <cctype>
#include <optional>
#include <sstream>
#include <utility>

namespace phoenix {

namespace {

constexpr auto npos = std::string_view::npos;

bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool key_start(char c) {
  return is_alpha(c) || is_digit(c) || c == '_';
}
bool key_char(char c) {
  return key_start(c) || c == '-';
}
bool blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && blank(s.back()))
    s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  return "'" + std::string{s} + "'";
}

// The position after the closing quote of the quoted text `s` starts with, or npos.
size_t closing_quote(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\')
      ++i;
    else if (s[i] == s[0])
      return i + 1;
  }
  return npos;
}

// The text before a ';' comment (a ';' inside quotes is text), trimmed.
std::string_view without_comment(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (quote != 0) {
      if (s[i] == '\\')
        ++i;
      else if (s[i] == quote)
        quote = 0;
    } else if (s[i] == '"' || s[i] == '\'') {
      quote = s[i];
    } else if (s[i] == ';') {
      return trim(s.substr(0, i));
    }
  }
  return trim(s);
}

// The value as CAF's INI parser reads it on a line of its own.
std::optional<caf::config_value> read_value(std::string_view text) {
  std::istringstream in{"[x]\nk = " + std::string{text} + "\n"};
  auto parsed = caf::actor_system_config::parse_config(in);
  if (!parsed)
    return std::nullopt;
  auto value = caf::get_if(&*parsed, "x.k");
  return value == nullptr ? std::nullopt : std::optional<caf::config_value>{*value};
}

bool is_unit(std::string_view unit) {
  return unit == "ns" || unit == "us" || unit == "ms" || unit == "s" || unit == "min" ||
         unit == "h";
}

// Where (offset into `v`) and what is wrong with a value CAF cannot read;
// `show` false: the value is a secret's and is never quoted.
std::pair<size_t, std::string> value_problem(std::string_view v, bool show) {
  const std::string hint = " (numbers as 10, durations as 30s or 10min, text in double quotes)";
  if (v.empty())
    return {0, "no value after '='" + hint};
  char first = v.front();
  if (first == '"' || first == '\'') {
    auto end = closing_quote(v);
    if (end == npos)
      return {0, first == '"' ? "the text needs a closing '\"'" : "the atom needs a closing \"'\""};
    if (end < v.size())
      return {end, "unexpected " + (show ? quoted(trim(v.substr(end))) : "text") +
                       " after the closing quote (comments start with ';')"};
    return {0, "the text holds an escape that cannot be read (write \\\\ for a backslash, \\\" "
               "for a quote)"};
  }
  if (!show)
    return {0, "cannot read the value (not shown: a secret); write it in double quotes"};
  if (is_digit(first) || first == '+' || first == '-' || first == '.') {
    size_t n = 1;
    while (n < v.size() && (is_digit(v[n]) || v[n] == '.'))
      ++n;
    auto number = std::string{v.substr(0, n)};
    auto rest = v.substr(n);
    size_t letters = 0;
    while (letters < rest.size() && is_alpha(rest[letters]))
      ++letters;
    if (rest.empty())
      return {0, "cannot read the number " + number + " (too large?)"};
    if (letters == rest.size() && is_unit(rest))
      return {0, "a duration takes a whole number of its unit: 1500ms, not 1.5s"};
    if (letters == rest.size())
      return {n, "unknown unit " + quoted(rest) + " (durations: 500ms, 30s, 10min, 24h)"};
    return {n, "unexpected " + quoted(trim(rest)) + " after the number " + number +
                   " (a duration has no space: 10min; comments start with ';')"};
  }
  if (is_alpha(first) || first == '_')
    return {0, "text needs double quotes: \"" + std::string{v} + "\""};
  return {0, "cannot read the value " + std::string{v} + hint};
}

// Whether a key of this name holds a secret in any section (a misplaced secret is still one).
bool secret_name(const std::string& name) {
  auto& specs = option_specs();
  return std::any_of(specs.begin(), specs.end(),
                     [&](auto& spec) { return spec.secret && name == spec.name; });
}

class scanner {
public:
  explicit scanner(std::string_view text) : text_(text) {}

  std::vector<ini_line> run() {
    size_t pos = 0;
    while (pos < text_.size()) {
      auto end = std::min(text_.find('\n', pos), text_.size());
      auto line = text_.substr(pos, end - pos);
      ++number_;
      indent_ = 0;
      bool crlf = !line.empty() && line.back() == '\r';
      if (crlf)
        line.remove_suffix(1);
      // CAF reads '\n' line ends only: named once, at the first line that has another.
      if (crlf && !crlf_named_)
        problem(line.size(), "the line ends in a carriage return: save the file with Unix (LF) "
                             "line endings, not Windows (CRLF) ones");
      crlf_named_ = crlf_named_ || crlf;
      while (indent_ < line.size() && blank(line[indent_]))
        ++indent_;
      read_line(line.substr(indent_));
      pos = end + 1;
    }
    return std::move(lines_);
  }

private:
  void problem(size_t offset, std::string what) {
    ini_line l;
    l.number = number_;
    l.column = static_cast<int>(indent_ + offset + 1);
    l.section = section_;
    l.problem = std::move(what);
    lines_.push_back(std::move(l));
  }

  void read_line(std::string_view line) {
    if (line.empty() || line.front() == ';')
      return;
    if (line.front() == '#')
      return problem(0, "comments start with ';', not '#'");
    if (line.front() == '[')
      return read_section(line);
    if (!key_start(line.front()))
      return problem(0, "expected key = value, a [section] or a ';' comment; the line starts "
                        "with " +
                            quoted(line.substr(0, 1)));
    read_key(line);
  }

  void read_section(std::string_view line) {
    auto close = line.find(']');
    auto name = close == npos ? without_comment(line.substr(1)) : trim(line.substr(1, close - 1));
    bool good =
        !name.empty() && key_start(name.front()) &&
        std::all_of(name.begin(), name.end(), [](char c) { return key_char(c) || c == '.'; });
    // Keys under a header whose name cannot be read are not checked: their section is unknown.
    section_ = good ? std::string{name} : "";
    lost_ = !good;
    if (close == npos)
      return problem(line.size(), "a section header needs a closing ']'");
    if (name.empty())
      return problem(1, "a section header needs a name, e.g. [db]");
    if (!good)
      return problem(1, "a section name holds only letters, digits, '-', '_' and '.': [" +
                            std::string{name} + "]");
    auto rest = trim(line.substr(close + 1));
    if (!rest.empty() && rest.front() != ';')
      problem(line.find(rest.front(), close + 1),
              "unexpected " + quoted(rest) + " after the section header (comments start with ';')");
  }

  void read_key(std::string_view line) {
    size_t k = 1;
    while (k < line.size() && key_char(line[k]))
      ++k;
    auto name = std::string{line.substr(0, k)};
    auto key = section_.empty() ? name : section_ + "." + name;
    size_t eq = k;
    while (eq < line.size() && blank(line[eq]))
      ++eq;
    if (eq == line.size() || line[eq] == ';')
      return problem(eq, "expected key = value: " + key + " has no '=' and no value");
    if (line[eq] != '=')
      return problem(k, "expected key = value: a key holds only letters, digits, '-' and '_', "
                        "and " +
                            key + " is followed by " + quoted(line.substr(k, 1)));
    auto after = line.substr(eq + 1);
    size_t lead = 0;
    while (lead < after.size() && blank(after[lead]))
      ++lead;
    auto text = without_comment(after);
    if (auto value = read_value(text)) {
      if (lost_)
        return;
      ini_line l;
      l.number = number_;
      l.section = section_;
      l.name = name;
      l.value = std::move(*value);
      lines_.push_back(std::move(l));
      return;
    }
    auto [offset, what] = value_problem(text, !secret_name(name));
    problem(eq + 1 + lead + offset, key + ": " + what);
  }

  std::string_view text_;
  std::vector<ini_line> lines_;
  std::string section_;
  bool lost_ = false;
  bool crlf_named_ = false;
  int number_ = 0;
  size_t indent_ = 0;
};

} // namespace

std::vector<ini_line> scan_ini(std::string_view text) {
  return scanner{text}.run();
}

} // namespace phoenix
