// fake-telegram: the fake Telegram Bot API server as a process, for the
// terminal demo and benchmarks. Prints one "listening on URL" line when ready,
// serves until SIGINT or SIGTERM, exits 0. Bad arguments: exit 2.
#include "tests/fakes/fake_telegram.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <string>
#include <string_view>
#include <type_traits>

namespace {

constexpr const char* usage =
    "usage: fake-telegram [--port N] [--token T] [--latency-ms N] [--jitter-ms N]\n"
    "                     [--threads N] [--username NAME] [--samples FILE]\n"
    "                     [--first-update-id N] [--lenient]\n"
    "Serves a fake Telegram Bot API on 127.0.0.1 (port 0 = any free port):\n"
    "POST /bot<TOKEN>/<method>. --lenient: clamp getUpdates limit/timeout and keep\n"
    "a bare '&' or '>' in HTML, as Telegram does (default: answer 400).\n"
    "Control plane (no token): GET /__push?chat=ID&text=... (a user writes),\n"
    "/__callback?chat=ID&message_id=N&data=..., /__sent?chat=ID&after=N[&wait_ms=N]\n"
    "(the bot's messages), /__control?... (faults), /__stats (counters).\n";

std::optional<long long> to_number(std::string_view text, long long min, long long max) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

struct arguments {
  phoenix::fakes::fake_telegram_options options;
  long long latency_ms = 0, jitter_ms = 0;
};

// Accepts "--name value" and "--name=value". Returns an error text or "".
std::string parse(int argc, char** argv, arguments& args) {
  auto& o = args.options;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    if (name == "--lenient") {
      o.strict = false;
      continue;
    }
    if (const size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return "missing value for " + name;
    }
    auto number = [&](long long min, long long max, auto& out) {
      const auto n = to_number(value, min, max);
      if (n) {
        out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
      }
      return n.has_value();
    };
    bool ok = true;
    if (name == "--port") {
      ok = number(0, 65535, o.port);
    } else if (name == "--token") {
      ok = !value.empty() && value.find('/') == std::string::npos;
      o.token = value;
    } else if (name == "--latency-ms") {
      ok = number(0, 3600000, args.latency_ms);
    } else if (name == "--jitter-ms") {
      ok = number(0, 3600000, args.jitter_ms);
    } else if (name == "--threads") {
      ok = number(1, 64, o.threads);
    } else if (name == "--username") {
      ok = !value.empty();
      o.bot_username = value;
    } else if (name == "--samples") {
      o.samples_file = value;
    } else if (name == "--first-update-id") {
      ok = number(1, 1000000000000000LL, o.first_update_id);
    } else {
      return "unknown option " + name;
    }
    if (!ok) {
      return "bad value for " + name + ": '" + value + "'";
    }
  }
  return "";
}

} // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::cout << usage;
      return 0;
    }
  }
  arguments args;
  if (const std::string error = parse(argc, argv, args); !error.empty()) {
    std::cerr << "fake-telegram: " << error << '\n' << usage;
    return 2;
  }

  // Blocked before the server starts its threads (they inherit the mask), so
  // only sigwait below receives the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    phoenix::fakes::fake_telegram fake(args.options);
    fake.set_latency("*", std::chrono::milliseconds(args.latency_ms),
                     std::chrono::milliseconds(args.jitter_ms));
    std::cout << "listening on " << fake.base_url() << std::endl; // endl flushes
    int signal = 0;
    sigwait(&signals, &signal);
  } catch (const std::exception& e) {
    std::cerr << "fake-telegram: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
