// fake-api-football: the fake API-Football v3 server as a process, for the
// demo and benchmarks. Prints one "listening on URL" line when ready, serves
// until SIGINT or SIGTERM, exits 0. Bad arguments or samples: exit 2.
#include "tests/fakes/fake_api_football.hpp"
#include "tests/fakes/fake_main.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace {

constexpr const char* usage =
    "usage: fake-api-football [--port N] [--samples DIR] [--key KEY] [--latency-ms N]\n"
    "                         [--jitter-ms N] [--threads N] [--per-minute-limit N]\n"
    "                         [--daily-limit N] [--tls-cert FILE --tls-key FILE]\n"
    "                         [--generated-ids FIRST-LAST]\n"
    "Serves a fake API-Football v3 on 127.0.0.1 (port 0 = any free port).\n"
    "A fixture id answers its own fixture or nothing, a date its own fixtures;\n"
    "ids in --generated-ids answer as fixture 1149519 renumbered (tests: 1-3999999).\n"
    "Samples: --samples, else env PHOENIX_SAMPLES_DIR, else the build's default.\n"
    "Faults at run time: GET /__control?..., counters: GET /__stats.\n"
    "Scripted live matches: GET /__control?live_step=N, live_advance=N, live_step_ms=MS,\n"
    "live_off=1 (see tests/fakes/data/README.md).\n";

using phoenix::fakes::option_result;

// The options only this fake takes (fake_main.hpp parses the common ones).
option_result own_option(const std::string& name, const std::string& value,
                         phoenix::fakes::fake_api_football_options& o) {
  using phoenix::fakes::set_number;
  bool ok = true;
  if (name == "--samples") {
    o.samples_dir = value;
  } else if (name == "--key") {
    o.api_key = value;
  } else if (name == "--per-minute-limit") {
    ok = set_number(value, 0, 1000000000, o.per_minute_limit);
  } else if (name == "--daily-limit") {
    ok = set_number(value, 0, 1000000000, o.daily_limit);
  } else if (name == "--generated-ids") {
    auto dash = value.find('-');
    ok = dash != std::string::npos &&
         set_number(value.substr(0, dash), 0, 999999999999, o.generated_ids.first) &&
         set_number(value.substr(dash + 1), 0, 999999999999, o.generated_ids.last) &&
         o.generated_ids.first <= o.generated_ids.last;
  } else if (name == "--tls-cert") {
    o.tls_cert_file = value;
  } else if (name == "--tls-key") {
    o.tls_key_file = value;
  } else {
    return option_result::unknown;
  }
  return ok ? option_result::ok : option_result::bad_value;
}

} // namespace

int main(int argc, char** argv) {
  phoenix::fakes::fake_arguments<phoenix::fakes::fake_api_football_options> args;
  auto& o = args.options;
  phoenix::fakes::option_rules rules;
  rules.option = [&o](const std::string& name, const std::string& value) {
    return own_option(name, value, o);
  };
  rules.check = [&o]() -> std::string {
    if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
      return "--tls-cert and --tls-key go together";
    }
    return "";
  };
  return phoenix::fakes::run_fake_main(
      argc, argv, "fake-api-football", usage, args, rules, [](const auto& a) {
        auto fake = std::make_unique<phoenix::fakes::fake_api_football>(a.options);
        fake->set_latency(std::chrono::milliseconds(a.latency_ms),
                          std::chrono::milliseconds(a.jitter_ms));
        return fake;
      });
}
