// The skeleton both fake servers' programs share: --help, "--name value" and
// "--name=value" options, one "listening on URL" line once serving, then
// serving until SIGINT or SIGTERM (exit 0); bad arguments or a failed start
// exit 2. Each program supplies its usage text, its options and the fake.
// Included only by the fakes' *_main.cpp.
#pragma once

#include <charconv>
#include <csignal>
#include <exception>
#include <functional>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <string>
#include <string_view>

namespace phoenix::fakes {

/// A whole-string integer within [min, max].
inline std::optional<long long> to_number(std::string_view text, long long min, long long max) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

/// Stores `text` in `out` when it is an integer within [min, max].
template <class T> bool set_number(const std::string& text, long long min, long long max, T& out) {
  const auto n = to_number(text, min, max);
  if (n) {
    out = static_cast<T>(*n);
  }
  return n.has_value();
}

enum class option_result { ok, bad_value, unknown };

/// What one program adds to the common options; any member may be empty.
struct option_rules {
  /// Takes one option with its value.
  std::function<option_result(const std::string& name, const std::string& value)> option;
  /// An argument that takes no value (checked first, before any '=' split);
  /// returns whether it was one.
  std::function<bool(const std::string& arg)> flag;
  /// After all arguments: an error text for a bad combination, or "".
  std::function<std::string()> check;
};

/// A fake's options plus --latency-ms and --jitter-ms, which are applied
/// once the fake runs.
template <class Options> struct fake_arguments {
  Options options;
  long long latency_ms = 0, jitter_ms = 0;
};

/// The options every fake takes: --port, --threads, --latency-ms and
/// --jitter-ms; `unknown` for any other name.
template <class Options>
option_result server_option(const std::string& name, const std::string& value,
                            fake_arguments<Options>& args) {
  bool ok = false;
  if (name == "--port") {
    ok = set_number(value, 0, 65535, args.options.port);
  } else if (name == "--threads") {
    ok = set_number(value, 1, 64, args.options.threads);
  } else if (name == "--latency-ms") {
    ok = set_number(value, 0, 3600000, args.latency_ms);
  } else if (name == "--jitter-ms") {
    ok = set_number(value, 0, 3600000, args.jitter_ms);
  } else {
    return option_result::unknown;
  }
  return ok ? option_result::ok : option_result::bad_value;
}

/// Accepts "--name value" and "--name=value"; the common options first,
/// then the program's own. Returns an error text or "".
template <class Options>
std::string parse_options(int argc, char** argv, fake_arguments<Options>& args,
                          const option_rules& rules) {
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    if (rules.flag && rules.flag(name)) {
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
    option_result result = server_option(name, value, args);
    if (result == option_result::unknown && rules.option) {
      result = rules.option(name, value);
    }
    switch (result) {
    case option_result::ok:
      break;
    case option_result::unknown:
      return "unknown option " + name;
    case option_result::bad_value:
      return "bad value for " + name + ": '" + value + "'";
    }
  }
  return rules.check ? rules.check() : "";
}

/// The whole main(): parses into `args` by `rules`, then `start(args)`
/// returns the running fake (any pointer-like owner of a type with
/// base_url()), which is destroyed (stopped) once a signal arrives.
template <class Options, class Start>
int run_fake_main(int argc, char** argv, const char* name, const char* usage,
                  fake_arguments<Options>& args, const option_rules& rules, Start&& start) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::cout << usage;
      return 0;
    }
  }
  if (const std::string error = parse_options(argc, argv, args, rules); !error.empty()) {
    std::cerr << name << ": " << error << '\n' << usage;
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
    const auto fake = start(args);
    std::cout << "listening on " << fake->base_url() << std::endl; // endl flushes
    int signal = 0;
    sigwait(&signals, &signal);
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << '\n';
    return 2;
  }
  return 0;
}

} // namespace phoenix::fakes
