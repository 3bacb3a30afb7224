#include "app/config_check.hpp"

#include "app/caf_keys.hpp"
#include "app/config.hpp"
#include "app/config_scan.hpp"
#include "core/ops/redaction.hpp"

#include <algorithm>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/config_value.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/pec.hpp>
#include <caf/settings.hpp>
#include <fstream>
#include <optional>
#include <sstream>

namespace phoenix {

namespace {

using caf::config_value;

const option_spec* find_spec(const std::string& key) {
  auto& specs = option_specs();
  auto pos = std::find_if(specs.begin(), specs.end(), [&](auto& s) { return s.key() == key; });
  return pos == specs.end() ? nullptr : &*pos;
}

constexpr const char* sections =
    "telegram, webhook, football, fetchers, net, db, jobs, cache, limits, "
    "handlers, metrics, log, scheduler, work-stealing";

std::string known_keys_of(const std::string& section) {
  std::string list;
  for (auto& spec : option_specs())
    if (section == spec.section)
      list += (list.empty() ? "" : ", ") + std::string{spec.name};
  return list.empty() ? "none; sections are " + std::string{sections} : list;
}

bool is_phoenix_section(const std::string& section) {
  auto& specs = option_specs();
  return std::any_of(specs.begin(), specs.end(), [&](auto& s) { return section == s.section; });
}

// Whether `value` has the type of `spec` and lies in its range or choices.
bool fits(const option_spec& spec, const config_value& value) {
  return std::visit(
      [&](auto field) {
        using value_type = std::decay_t<decltype(std::declval<settings>().*field)>;
        if constexpr (std::is_same_v<value_type, caf::timespan>) {
          auto span = caf::get_if<caf::timespan>(&value);
          if (span == nullptr)
            return false;
          auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*span).count();
          return ms >= spec.min && ms <= spec.max;
        } else if constexpr (std::is_same_v<value_type, int64_t>) {
          auto n = caf::get_if<int64_t>(&value);
          return n != nullptr && *n >= spec.min && *n <= spec.max;
        } else {
          auto text = caf::get_if<std::string>(&value);
          return text != nullptr &&
                 (spec.choices.empty() ||
                  std::find(spec.choices.begin(), spec.choices.end(), *text) != spec.choices.end());
        }
      },
      spec.field);
}

// A command-line value as the checks read it: text (strings, CAF's atoms) passes
// bare, quotes optional; anything else is parsed (none when it does not parse).
std::optional<config_value> command_line_value(std::string text, bool is_text) {
  if (!is_text) {
    auto parsed = config_value::parse(text);
    return parsed ? std::optional<config_value>{std::move(*parsed)} : std::nullopt;
  }
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front())
    text = text.substr(1, text.size() - 2);
  return config_value{text};
}

// What a problem line may show of a value: never a secret's, whatever is wrong with it.
std::string shown_value(const option_spec* spec, const std::string& text) {
  return spec != nullptr && spec->secret ? std::string{secret_shown} : text;
}

// CAF's own account of a syntax error, in words, for a file the line scan finds
// no fault in: CAF renders e.g. parser_error(unexpected_character, ({"column" = 8, "line" = 5})).
std::string describe_parse_error(const caf::error& err) {
  std::string where;
  auto& context = err.context();
  if (err.category() == caf::atom("parser") && context.match_elements<caf::settings>()) {
    auto& position = context.get_as<caf::settings>(0);
    where = " at line " + std::to_string(caf::get_or(position, "line", int64_t{0})) + ", column " +
            std::to_string(caf::get_or(position, "column", int64_t{0}));
  }
  auto what = err.category() == caf::atom("parser")
                  ? caf::to_string(static_cast<caf::pec>(err.code()))
                  : caf::to_string(err);
  std::replace(what.begin(), what.end(), '_', ' ');
  return "cannot read the file" + where + ": " + what +
         " (write key = value with text in double quotes, durations as 30s, 10min, 24h, "
         "comments after ';')";
}

// The problems of one key of the file: unknown, wrong type, out of range.
// `where` is "file:line" (or the file alone when the line is unknown).
void check_key(const std::string& where, const std::string& section, const std::string& name,
               const config_value& value, std::vector<std::string>& problems) {
  auto key = section + "." + name;
  auto spec = find_spec(key);
  if (auto caf_spec = find_caf_key(key)) {
    if (!caf_spec->fits(value))
      problems.push_back(where + ": " + key + " = " + shown_config_value(value) + ": expected " +
                         caf_spec->allowed());
  } else if (spec == nullptr && section == "global") {
    // CAF files keys above the first [section] under "global".
    problems.push_back(where + ": " + name + " comes before any [section] (sections are " +
                       sections + ")");
  } else if (spec == nullptr) {
    problems.push_back(where + ": unknown key " + key + " (known keys in [" + section +
                       "]: " + known_keys_of(section) + ")");
  } else if (!fits(*spec, value)) {
    problems.push_back(where + ": " + key + " = " + shown_value(spec, shown_config_value(value)) +
                       ": expected " + spec->allowed());
  }
}

} // namespace

std::vector<std::string> check_config_text(std::string_view text, const std::string& origin) {
  auto lines = scan_ini(text);
  auto at = [&](const ini_line& line) { return origin + ":" + std::to_string(line.number); };
  std::istringstream in{std::string{text}};
  auto parsed = caf::actor_system_config::parse_config(in);
  std::vector<std::string> problems;
  if (!parsed) {
    // CAF stops at the first syntax error: the line scan names every bad line
    // and checks the keys of the good ones.
    bool named = false;
    for (auto& line : lines) {
      if (line.problem.empty()) {
        check_key(at(line), line.section.empty() ? "global" : line.section, line.name, line.value,
                  problems);
      } else {
        problems.push_back(at(line) + ":" + std::to_string(line.column) + ": " + line.problem);
        named = true;
      }
    }
    if (!named)
      problems.insert(problems.begin(), origin + ": " + describe_parse_error(parsed.error()));
    return problems;
  }
  // The line of a key as the scan found it (the last one when a key repeats, as CAF keeps it).
  auto where = [&](const std::string& section, const std::string& name) {
    for (auto line = lines.rbegin(); line != lines.rend(); ++line)
      if (line->problem.empty() && line->name == name &&
          (line->section.empty() ? "global" : line->section) == section)
        return at(*line);
    return origin;
  };
  for (auto& [section, content] : *parsed) {
    auto keys = caf::get_if<caf::settings>(&content);
    if (keys == nullptr) {
      // Its value is not shown: a misplaced secret is still a secret.
      problems.push_back(origin + ": " + section + ": keys belong in a [section]");
      continue;
    }
    for (auto& [name, value] : *keys)
      check_key(where(section, name), section, name, value, problems);
  }
  return problems;
}

std::vector<std::string> check_command_line(const std::vector<std::string>& args) {
  std::vector<std::string> problems;
  for (auto& arg : args) {
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos)
      continue;
    auto key = arg.substr(2, eq - 2);
    auto text = arg.substr(eq + 1);
    if (auto caf_spec = find_caf_key(key)) {
      auto value = command_line_value(text, caf_spec->type == caf_key_spec::kind::atom);
      if (!value || !caf_spec->fits(*value))
        problems.push_back("command line: " + key + " = " + text + ": expected " +
                           caf_spec->allowed());
      continue;
    }
    auto spec = find_spec(key);
    if (spec == nullptr) {
      // CAF's error would quote the whole argument, value (a mistyped secret?) included.
      auto section = key.substr(0, key.find('.'));
      if (is_phoenix_section(section))
        problems.push_back("command line: unknown key " + key + " (known keys in [" + section +
                           "]: " + known_keys_of(section) + ")");
      continue; // CAF names other unknown options itself
    }
    auto value =
        command_line_value(text, std::holds_alternative<std::string settings::*>(spec->field));
    if (!value || !fits(*spec, *value))
      problems.push_back("command line: " + key + " = " + shown_value(spec, arg.substr(eq + 1)) +
                         ": expected " + spec->allowed());
  }
  return problems;
}

std::vector<std::string> check_unknown_options(const phoenix_config& cfg,
                                               const std::vector<std::string>& args) {
  std::vector<std::string> problems;
  for (auto& arg : args) {
    if (arg.rfind("-", 0) != 0) {
      problems.push_back("command line: unexpected argument \"" + arg +
                         "\" (options are --section.key=value; phoenix-bot --help lists them)");
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg == "--")
      continue; // CAF's short options (-h, -?) and the end of options
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto option = cfg.find_option(name);
    auto section = name.substr(0, name.find('.'));
    if (option == nullptr && !is_phoenix_section(section)) {
      problems.push_back("command line: unknown option --" + name +
                         " (phoenix-bot --help lists Phoenix's options, --long-help CAF's too)");
    } else if (option == nullptr && eq == std::string::npos) {
      // With a value, check_command_line names it.
      problems.push_back("command line: unknown key " + name + " (known keys in [" + section +
                         "]: " + known_keys_of(section) + ")");
    } else if (option != nullptr && eq == std::string::npos && !option->is_flag()) {
      problems.push_back("command line: --" + name + " needs a value: --" + name + "=VALUE");
    }
  }
  return problems;
}

std::string describe_command_line_error(const caf::error& err) {
  std::string argument;
  auto& context = err.context();
  if (err.category() == caf::atom("parser") && context.match_elements<caf::settings>())
    argument = caf::get_or(context.get_as<caf::settings>(0), "argument", std::string{});
  auto name = argument.substr(0, argument.find('='));
  const std::string help = " (phoenix-bot --help lists the options)";
  if (name.empty())
    return caf::to_string(err) + help;
  switch (static_cast<caf::pec>(err.code())) {
  case caf::pec::not_an_option:
    return "unknown option " + name + help;
  case caf::pec::missing_argument:
    return name + " needs a value: " + name + "=VALUE";
  default:
    return "cannot read the value of " + name + help;
  }
}

std::vector<std::string> check_config_file(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return {"--config-file: cannot read " + path};
  std::stringstream text;
  text << in.rdbuf();
  return check_config_text(text.str(), path);
}

std::vector<std::string> without_secrets(std::vector<std::string> problems,
                                         const std::vector<std::string>& args,
                                         const settings& values, const env_lookup& env) {
  core::redactor redactor;
  for (auto& spec : option_specs()) {
    if (!spec.secret)
      continue;
    redactor.add_secret(values.*std::get<std::string settings::*>(spec.field));
    if (spec.env != nullptr)
      if (auto from_env = env(spec.env))
        redactor.add_secret(*from_env);
    auto flag = "--" + spec.key() + "=";
    for (auto& arg : args)
      if (arg.rfind(flag, 0) == 0)
        redactor.add_secret(arg.substr(flag.size()));
  }
  for (auto& line : problems)
    line = redactor.redact(line);
  return problems;
}

} // namespace phoenix
