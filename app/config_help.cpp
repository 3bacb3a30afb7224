#include "app/config_help.hpp"

#include "app/caf_keys.hpp"
#include "app/config.hpp"

#include <sstream>

namespace phoenix {

namespace {

// Where the explanations start; "name = default" longer than this gets a line of its own.
constexpr size_t column = 30;

class help_writer {
public:
  void section(const std::string& name) {
    if (name != section_)
      out_ << "\n[" << name << "]\n";
    section_ = name;
  }

  // "  head   text", the text at `column` (on the next line when the head is too long).
  void entry(const std::string& head, const std::string& text) {
    out_ << "  " << head;
    if (head.size() + 4 > column)
      out_ << '\n' << std::string(column, ' ');
    else
      out_ << std::string(column - head.size() - 2, ' ');
    out_ << text << '\n';
  }

  // A further line of the last entry's explanation.
  void more(const std::string& text) { out_ << std::string(column, ' ') << text << '\n'; }

  void text(const std::string& text) { out_ << text; }
  std::string str() const { return out_.str(); }

private:
  std::ostringstream out_;
  std::string section_;
};

void phoenix_keys(help_writer& help) {
  settings defaults;
  for (auto& spec : option_specs()) {
    help.section(spec.section);
    if (spec.secret) {
      help.entry(spec.name, spec.help);
      help.more(std::string{"a secret: no default, never printed; env "} + spec.env);
      continue;
    }
    help.entry(std::string{spec.name} + " = " + shown_setting(defaults, spec), spec.help);
    // Free text has nothing to add but its quotes, which the header says.
    if (!std::holds_alternative<std::string settings::*>(spec.field) || !spec.choices.empty())
      help.more(spec.allowed());
  }
}

void caf_keys(help_writer& help) {
  for (auto& spec : caf_key_specs()) {
    std::string key = spec.key;
    auto dot = key.find('.');
    help.section(key.substr(0, dot));
    help.entry(key.substr(dot + 1) + " = " + shown_config_value(spec.fallback), spec.help);
    help.more(spec.allowed());
  }
}

} // namespace

bool is_help_flag(const std::string& arg) {
  return arg == "-h" || arg == "-?" || arg == "--help";
}

std::string help_text() {
  help_writer help;
  help.text(
      "usage: phoenix-bot [--config-file=PATH] [--section.key=value ...]\n"
      "\n"
      "Every key below can be set in the INI file of --config-file (under its [section]:\n"
      "key = value, text in double quotes, durations as 500ms, 30s, 10min or 24h, comments\n"
      "after ';') or on the command line as --section.key=value, which wins over the file.\n"
      "Secrets are best left to the environment. configs/phoenix.ini lists every key,\n"
      "docs/operations.md explains each. Shown: key = default, what it does, what is allowed.\n");
  phoenix_keys(help);
  help.text("\nCAF's scheduler keys, with the values Phoenix runs with unless configured:\n");
  caf_keys(help);
  help.text("\nglobal options:\n");
  help.entry("-h, -?, --help", "print this text and exit");
  help.entry("--long-help", "print every option, CAF's own included, in CAF's words, and exit");
  help.entry("--dump-config", "print the effective configuration (secrets as <set>) and exit");
  help.entry("--config-file=PATH",
             "read the keys from this INI file (default: caf-application.ini");
  help.more("in the working directory, if there is one, read without Phoenix's checks)");
  return help.str();
}

} // namespace phoenix
