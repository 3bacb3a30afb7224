// What a newcomer reads: --help, and every problem of a bad file and command line at once.
#include "app/caf_keys.hpp"
#include "app/config.hpp"
#include "app/config_check.hpp"
#include "app/config_help.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

using namespace phoenix;
namespace fs = std::filesystem;

namespace {

const env_lookup with_token = [](const char* name) -> std::optional<std::string> {
  if (std::string{name} == "TELEGRAM_BOT_TOKEN")
    return std::string{"123456:test-token-from-env"};
  return std::nullopt;
};

// load_config with std::cout captured.
struct loaded {
  config_outcome outcome;
  std::string printed;
};

loaded load(std::vector<std::string> args) {
  phoenix_config cfg;
  std::ostringstream printed;
  auto* old = std::cout.rdbuf(printed.rdbuf());
  auto outcome = load_config(cfg, std::move(args), with_token);
  std::cout.rdbuf(old);
  return {outcome, printed.str()};
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (auto& line : lines)
    text += line + '\n';
  return text;
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_message_tests)

BOOST_AUTO_TEST_CASE(help_lists_every_key_by_section_with_default_and_range) {
  for (auto* flag : {"--help", "-h", "-?"}) {
    BOOST_TEST_INFO(flag);
    // Help wins over anything wrong beside it.
    auto run = load({"--db.pool-max=0", flag});
    BOOST_TEST(run.outcome.exit_code == 0);
    BOOST_TEST(run.outcome.help_printed);
    BOOST_TEST(run.printed == help_text());
  }
  auto text = help_text();
  for (auto& spec : option_specs()) {
    BOOST_TEST_INFO(spec.key());
    auto section = text.find("\n[" + std::string{spec.section} + "]\n");
    BOOST_REQUIRE(section != std::string::npos);
    auto entry = text.find("\n  " + std::string{spec.name}, section);
    BOOST_REQUIRE(entry != std::string::npos);
    BOOST_TEST(has(text.substr(entry, 300), spec.help));
    if (!std::holds_alternative<std::string settings::*>(spec.field))
      BOOST_TEST(has(text.substr(entry, 300), spec.allowed()));
  }
  BOOST_TEST(has(text, "\n  pool-max = 10 "));
  BOOST_TEST(has(text, "\n  poll-timeout = 30s "));
  BOOST_TEST(has(text, "a duration from 1s to 50s"));
  BOOST_TEST(has(text, "one of \"text\", \"json\""));
  BOOST_TEST(has(text, "env TELEGRAM_BOT_TOKEN"));
  BOOST_TEST(has(text, "\n  max-throughput = 4 "));
  BOOST_TEST(has(text, "relaxed-sleep-duration = 2ms"));
  for (auto* global : {"-h, -?, --help", "--long-help", "--dump-config", "--config-file=PATH"})
    BOOST_TEST(has(text, "\n  " + std::string{global}), global);
}

BOOST_AUTO_TEST_CASE(every_problem_of_a_file_is_named_with_its_line) {
  auto problems = check_config_text("[db]\n"
                                    "pool-max = 20\n"
                                    "[log\n"
                                    "level = info\n"
                                    "foo\n"
                                    "[cache]\n"
                                    "max-entries = 0\n"
                                    "flush-every = 5min\n"
                                    "# a comment\n"
                                    "[jobs]\n"
                                    "timeout = 5 min\n"
                                    "ttl = 10m\n",
                                    "/tmp/bad.ini");
  BOOST_TEST(joined(problems) ==
                 "/tmp/bad.ini:3:5: a section header needs a closing ']'\n"
                 "/tmp/bad.ini:4:9: log.level: text needs double quotes: \"info\"\n"
                 "/tmp/bad.ini:5:4: expected key = value: log.foo has no '=' and no value\n"
                 "/tmp/bad.ini:7: cache.max-entries = 0: expected a whole number from 1 to "
                 "100000000\n"
                 "/tmp/bad.ini:8: unknown key cache.flush-every (known keys in [cache]: path, "
                 "flush-interval, max-entries, max-bytes, stale-for, decoded-entries)\n"
                 "/tmp/bad.ini:9:1: comments start with ';', not '#'\n"
                 "/tmp/bad.ini:11:12: jobs.timeout: unexpected 'min' after the number 5 (a "
                 "duration has no space: 10min; comments start with ';')\n"
                 "/tmp/bad.ini:12:9: jobs.ttl: unknown unit 'm' (durations: 500ms, 30s, 10min, "
                 "24h)\n",
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(syntax_problems_are_said_in_words) {
  // A secret's value (api-key) is never quoted, even when it cannot be read.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[]\n", "f.ini:1:2: a section header needs a name, e.g. [db]"},
      {"[d b]\n", "f.ini:1:2: a section name holds only letters, digits, '-', '_' and '.': [d b]"},
      {"[db] x\n", "f.ini:1:6: unexpected 'x' after the section header (comments start with ';')"},
      {"[db]\n= 3\n",
       "f.ini:2:1: expected key = value, a [section] or a ';' comment; the line starts with '='"},
      {"[db]\npool.max = 3\n", "f.ini:2:5: expected key = value: a key holds only letters, "
                               "digits, '-' and '_', and db.pool is followed by '.'"},
      {"[db]\npool-max =\n", "f.ini:2:11: db.pool-max: no value after '=' (numbers as 10, "
                             "durations as 30s or 10min, text in double quotes)"},
      {"[log]\n  level = \"info ; x\n", "f.ini:2:11: log.level: the text needs a closing '\"'"},
      {"[db]\nacquire-timeout = 1.5s\n", "f.ini:2:19: db.acquire-timeout: a duration takes a "
                                         "whole number of its unit: 1500ms, not 1.5s"},
      {"[log]\nlevel = \"info\" loud\n", "f.ini:2:15: log.level: unexpected 'loud' after the "
                                         "closing quote (comments start with ';')"},
      {"[db]\r\npool-max = 3\r\n", "f.ini:1:5: the line ends in a carriage return: save the "
                                   "file with Unix (LF) line endings, not Windows (CRLF) ones"},
      {"[football]\napi-key = abc-123-def\n", "f.ini:2:11: football.api-key: cannot read the "
                                              "value (not shown: a secret); write it in double "
                                              "quotes"}};
  for (auto& [text, expected] : cases) {
    BOOST_TEST_INFO(text);
    BOOST_TEST(joined(check_config_text(text, "f.ini")) == expected + "\n");
  }
  // Good lines around a bad one are still checked, comments and quotes with ';' included.
  auto problems = check_config_text("; top\n[log] ; the log\nlevel = \"info\" ; fine\n"
                                    "format = \"a;b\"\n[db\n",
                                    "f.ini");
  BOOST_TEST(joined(problems) == "f.ini:4: log.format = \"a;b\": expected one of \"text\", "
                                 "\"json\"\nf.ini:5:4: a section header needs a closing ']'\n");
}

BOOST_AUTO_TEST_CASE(file_and_command_line_problems_come_together) {
  fs::path path = fs::temp_directory_path() / ("phoenix-messages-" + std::to_string(::getpid()));
  std::ofstream{path} << "[db]\npool-max = 0\n[log\n";
  auto run = load(
      {"--config-file=" + path.string(), "--db.poolmin=3", "--nonsense=1", "--log.level", "stray"});
  fs::remove(path);
  BOOST_TEST(run.outcome.exit_code == 2);
  BOOST_TEST(
      joined(run.outcome.problems) ==
          path.string() + ":2: db.pool-max = 0: expected a whole number from 1 to 500\n" +
              path.string() +
              ":3:5: a section header needs a closing ']'\n"
              "command line: unknown key db.poolmin (known keys in [db]: uri, pool-min, "
              "pool-max, acquire-timeout, queue-max, bookkeeping-backlog, idle-timeout, "
              "max-lifetime, "
              "statement-timeout, idle-in-transaction-timeout)\n"
              "command line: unknown option --nonsense (phoenix-bot --help lists Phoenix's "
              "options, --long-help CAF's too)\n"
              "command line: --log.level needs a value: --log.level=VALUE\n"
              "command line: unexpected argument \"stray\" (options are --section.key=value; "
              "phoenix-bot --help lists them)\n",
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
