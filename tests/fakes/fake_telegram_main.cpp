// fake-telegram: the fake Telegram Bot API server as a process, for the
// terminal demo and benchmarks. Prints one "listening on URL" line when ready,
// serves until SIGINT or SIGTERM, exits 0. Bad arguments: exit 2.
#include "tests/fakes/fake_main.hpp"
#include "tests/fakes/fake_telegram.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace {

constexpr const char* usage =
    "usage: fake-telegram [--port N] [--token T] [--latency-ms N] [--jitter-ms N]\n"
    "                     [--threads N] [--username NAME] [--samples FILE]\n"
    "                     [--first-update-id N] [--lenient]\n"
    "Serves a fake Telegram Bot API on 127.0.0.1 (port 0 = any free port):\n"
    "POST /bot<TOKEN>/<method>. --lenient: clamp getUpdates limit/timeout and keep\n"
    "a bare '&' or '>' in HTML, as Telegram does (default: answer 400).\n"
    "Control plane (no token): GET /__push?chat=ID&text=... (a user writes),\n"
    "POST /__push_many (one \"CHAT_ID TEXT\" line per message, one wake-up),\n"
    "/__callback?chat=ID&message_id=N&data=..., /__sent?chat=ID&after=N[&wait_ms=N]\n"
    "or /__sent?since=INDEX[&max=N][&brief=1][&wait_ms=N] (the bot's messages),\n"
    "/__control?... (faults), /__stats (counters).\n";

using phoenix::fakes::option_result;

// The options only this fake takes (fake_main.hpp parses the common ones).
option_result own_option(const std::string& name, const std::string& value,
                         phoenix::fakes::fake_telegram_options& o) {
  using phoenix::fakes::set_number;
  bool ok = true;
  if (name == "--token") {
    ok = !value.empty() && value.find('/') == std::string::npos;
    o.token = value;
  } else if (name == "--username") {
    ok = !value.empty();
    o.bot_username = value;
  } else if (name == "--samples") {
    o.samples_file = value;
  } else if (name == "--first-update-id") {
    ok = set_number(value, 1, 1000000000000000LL, o.first_update_id);
  } else {
    return option_result::unknown;
  }
  return ok ? option_result::ok : option_result::bad_value;
}

} // namespace

int main(int argc, char** argv) {
  phoenix::fakes::fake_arguments<phoenix::fakes::fake_telegram_options> args;
  auto& o = args.options;
  phoenix::fakes::option_rules rules;
  rules.option = [&o](const std::string& name, const std::string& value) {
    return own_option(name, value, o);
  };
  rules.flag = [&o](const std::string& arg) {
    if (arg != "--lenient") {
      return false;
    }
    o.strict = false;
    return true;
  };
  return phoenix::fakes::run_fake_main(
      argc, argv, "fake-telegram", usage, args, rules, [](const auto& a) {
        auto fake = std::make_unique<phoenix::fakes::fake_telegram>(a.options);
        fake->set_latency("*", std::chrono::milliseconds(a.latency_ms),
                          std::chrono::milliseconds(a.jitter_ms));
        return fake;
      });
}
