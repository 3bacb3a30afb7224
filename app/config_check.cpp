#include "app/config_check.hpp"

#include "app/caf_keys.hpp"
#include "app/config.hpp"
#include "core/redaction.hpp"

#include <algorithm>
#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>
#include <caf/deep_to_string.hpp>
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

std::string known_keys_of(const std::string& section) {
  std::string list;
  for (auto& spec : option_specs())
    if (section == spec.section)
      list += (list.empty() ? "" : ", ") + std::string{spec.name};
  return list.empty() ? "none; sections are telegram, football, fetchers, net, db, jobs, cache, "
                        "limits, handlers, metrics, log, scheduler, work-stealing"
                      : list;
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

std::string describe_parse_error(const caf::error& err) {
  // CAF renders e.g. parser_error(unexpected_character, ({"column" = 8, "line" = 5})).
  auto text = caf::to_string(err);
  return "syntax error " + text +
         "; write key = value with strings in double quotes (level = \"info\"), "
         "durations as 30s / 10min / 24h, comments after ';'";
}

} // namespace

std::vector<std::string> check_config_text(std::string_view text, const std::string& origin) {
  std::istringstream in{std::string{text}};
  auto parsed = caf::actor_system_config::parse_config(in);
  if (!parsed)
    return {origin + ": " + describe_parse_error(parsed.error())};
  std::vector<std::string> problems;
  for (auto& [section, content] : *parsed) {
    auto keys = caf::get_if<caf::settings>(&content);
    if (keys == nullptr) {
      // Its value is not shown: a misplaced secret is still a secret.
      problems.push_back(origin + ": " + section + ": keys belong in a [section]");
      continue;
    }
    for (auto& [name, value] : *keys) {
      auto key = section + "." + name;
      auto spec = find_spec(key);
      if (auto caf_spec = find_caf_key(key)) {
        if (!caf_spec->fits(value))
          problems.push_back(origin + ": " + key + " = " + shown_config_value(value) +
                             ": expected " + caf_spec->allowed());
      } else if (spec == nullptr) {
        problems.push_back(origin + ": unknown key " + key + " (known keys in [" + section +
                           "]: " + known_keys_of(section) + ")");
      } else if (!fits(*spec, value)) {
        problems.push_back(origin + ": " + key + " = " +
                           shown_value(spec, shown_config_value(value)) + ": expected " +
                           spec->allowed());
      }
    }
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
