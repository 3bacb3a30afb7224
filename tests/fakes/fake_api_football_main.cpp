// fake-api-football: the fake API-Football v3 server as a process, for the
// demo and benchmarks. Prints one "listening on URL" line when ready, serves
// until SIGINT or SIGTERM, exits 0. Bad arguments or samples: exit 2.
#include "tests/fakes/fake_api_football.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <string>
#include <string_view>

namespace {

constexpr const char* usage =
    "usage: fake-api-football [--port N] [--samples DIR] [--key KEY] [--latency-ms N]\n"
    "                         [--jitter-ms N] [--threads N] [--per-minute-limit N]\n"
    "                         [--daily-limit N] [--tls-cert FILE --tls-key FILE]\n"
    "Serves a fake API-Football v3 on 127.0.0.1 (port 0 = any free port).\n"
    "Samples: --samples, else env PHOENIX_SAMPLES_DIR, else the build's default.\n"
    "Faults at run time: GET /__control?..., counters: GET /__stats.\n";

std::optional<long> to_number(std::string_view text, long min, long max) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

struct arguments {
  phoenix::fakes::fake_api_football_options options;
  long latency_ms = 0, jitter_ms = 0;
};

// Accepts "--name value" and "--name=value". Returns an error text or "".
std::string parse(int argc, char** argv, arguments& args) {
  auto& o = args.options;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    if (const size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return "missing value for " + name;
    }
    auto number = [&](long min, long max, auto& out) {
      const auto n = to_number(value, min, max);
      if (n) {
        out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
      }
      return n.has_value();
    };
    bool ok = true;
    if (name == "--port") {
      ok = number(0, 65535, o.port);
    } else if (name == "--samples") {
      o.samples_dir = value;
    } else if (name == "--key") {
      o.api_key = value;
    } else if (name == "--latency-ms") {
      ok = number(0, 3600000, args.latency_ms);
    } else if (name == "--jitter-ms") {
      ok = number(0, 3600000, args.jitter_ms);
    } else if (name == "--threads") {
      ok = number(1, 64, o.threads);
    } else if (name == "--per-minute-limit") {
      ok = number(0, 1000000000, o.per_minute_limit);
    } else if (name == "--daily-limit") {
      ok = number(0, 1000000000, o.daily_limit);
    } else if (name == "--tls-cert") {
      o.tls_cert_file = value;
    } else if (name == "--tls-key") {
      o.tls_key_file = value;
    } else {
      return "unknown option " + name;
    }
    if (!ok) {
      return "bad value for " + name + ": '" + value + "'";
    }
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return "--tls-cert and --tls-key go together";
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
    std::cerr << "fake-api-football: " << error << '\n' << usage;
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
    phoenix::fakes::fake_api_football fake(args.options);
    fake.set_latency(std::chrono::milliseconds(args.latency_ms),
                     std::chrono::milliseconds(args.jitter_ms));
    std::cout << "listening on " << fake.base_url() << std::endl; // endl flushes
    int signal = 0;
    sigwait(&signals, &signal);
  } catch (const std::exception& e) {
    std::cerr << "fake-api-football: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
