#include "app/config_check.hpp"

#include "app/config.hpp"

#include <algorithm>
#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/settings.hpp>
#include <fstream>
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
      problems.push_back(origin + ": " + section + " = " + caf::to_string(content) +
                         ": keys belong in a [section]");
      continue;
    }
    for (auto& [name, value] : *keys) {
      auto key = section + "." + name;
      auto shown = caf::to_string(value);
      if (std::find(caf_keys().begin(), caf_keys().end(), key) != caf_keys().end())
        continue; // CAF checks its own keys
      auto spec = find_spec(key);
      if (spec == nullptr)
        problems.push_back(origin + ": unknown key " + key + " (known keys in [" + section +
                           "]: " + known_keys_of(section) + ")");
      else if (!fits(*spec, value))
        problems.push_back(origin + ": " + key + " = " + shown + ": expected " + spec->allowed());
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
    auto spec = find_spec(key);
    if (spec == nullptr)
      continue;
    config_value value;
    if (std::holds_alternative<std::string settings::*>(spec->field)) {
      // Strings pass bare on the command line; quotes are optional.
      if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        text = text.substr(1, text.size() - 2);
      value = config_value{text};
    } else if (auto parsed = config_value::parse(text)) {
      value = std::move(*parsed);
    }
    if (!fits(*spec, value))
      problems.push_back("command line: " + key + " = " + arg.substr(eq + 1) + ": expected " +
                         spec->allowed());
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

} // namespace phoenix
