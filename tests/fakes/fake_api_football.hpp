// A fake API-Football v3 server on 127.0.0.1 for tests, the demo and benchmarks.
// It answers from the project's own answers in tests/fakes/data/api-football
// (written for Phoenix in the documented v3 format, read once at start) as
// API-Football would: an unknown fixture id or a day without matches answers
// "results": 0 (see fake_api_football_options::generated_ids for many ids),
// enforces the key and the quotas like the real API, and injects faults on
// demand: latency, HTTP errors, truncated JSON, dropped connections, error
// envelopes.
//
// Every fault and counter is also reachable over HTTP (GET /__control, /__stats,
// no key, not counted), so a demo or benchmark can drive a separate process.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace phoenix::fakes {

/// Fixture ids from `first` to `last` (none when last < first).
struct fixture_id_range {
  std::int64_t first = 1;
  std::int64_t last = 0;
};

/// The ids the project's tests and benchmarks ask for when they need many
/// distinct fixtures (e.g. 4101, 640001.., 2000001..): 1 to 3,999,999.
inline constexpr fixture_id_range test_fixture_ids{1, 3999999};

struct fake_api_football_options {
  /// Folder of the JSON samples. Empty: env PHOENIX_SAMPLES_DIR, else the
  /// compile-time PHOENIX_SAMPLES_DIR.
  std::string samples_dir;
  std::string api_key = "test-key";
  /// Both set: serve HTTPS with this PEM certificate chain and key.
  std::string tls_cert_file, tls_key_file;
  unsigned short port = 0; ///< 0 = any free port
  int threads = 1;         ///< threads running the io_context
  int per_minute_limit = 300;
  int daily_limit = 7500;
  /// Like API-Football, a fixture id answers its own fixture or nothing
  /// ("results": 0), and a date its own fixtures. Ids in this range that are
  /// not in the data answer as its first detailed fixture (1149519, Atletico
  /// Madrid - Inter) under their own number. Empty by default; the tests and
  /// benchmarks use test_fixture_ids (fake-api-football --generated-ids 1-3999999).
  fixture_id_range generated_ids;
};

/// Options with the tests' generated fixture ids (test_fixture_ids).
inline fake_api_football_options options_for_tests() {
  fake_api_football_options o;
  o.generated_ids = test_fixture_ids;
  return o;
}

/// Starts serving in the constructor (throws std::runtime_error when the
/// samples are unreadable or the port cannot be bound); the destructor stops
/// and joins. All methods are thread-safe.
class fake_api_football {
public:
  explicit fake_api_football(fake_api_football_options options = {});
  ~fake_api_football();
  fake_api_football(const fake_api_football&) = delete;
  fake_api_football& operator=(const fake_api_football&) = delete;

  unsigned short port() const;
  /// "http://127.0.0.1:PORT", or "https://..." when TLS is on.
  std::string base_url() const;

  // --- fault injection: each *_next(n) affects the next n counted requests;
  // when several are pending, one request takes one: reset > fail > envelope
  // error > raw body > malformed.

  /// Delay before every answer (and before a reset): fixed + uniform [0, jitter].
  void set_latency(std::chrono::milliseconds fixed,
                   std::chrono::milliseconds jitter = std::chrono::milliseconds(0));
  /// Answer with this HTTP status: 499/500 with the documented JSON message,
  /// 502/503/504 with an HTML gateway page, 403 with the edge's text.
  void fail_next(int n, int status = 500);
  /// HTTP 200 whose JSON body is cut in half.
  void malformed_next(int n);
  /// HTTP 200 with exactly this body instead of the answer (wrong types, huge
  /// or invalid UTF-8 strings, anything).
  void raw_body_next(int n, std::string body);
  /// Read the request, then close the TCP connection with a reset, no answer.
  void reset_next(int n);
  /// HTTP 200 with errors.{field} filled: token, rateLimit, requests or plan.
  void envelope_error_next(int n, std::string field);
  /// Answer with "Connection: close" and close, every time.
  void close_after_each(bool on);
  /// Latency 0, no pending faults, keep-alive on.
  void clear_faults();
  /// Close the listening socket (new connections are refused; open ones go
  /// on) / listen again on the same port.
  void stop_accepting();
  void resume();

  // --- quotas: the daily budget renews at UTC midnight, the per-minute one
  // at each wall-clock minute.
  void set_daily_remaining(int n);
  void set_minute_remaining(int n);
  int daily_remaining() const;
  int minute_remaining() const;

  // --- scripted live matches (data/api-football/live-scripted.json): while a
  // step is set, fixtures?live=all answers the scripted matches at that step
  // (those not started left out) and fixtures?id= a scripted fixture's state.
  // Also over HTTP: /__control?live_step=N, live_advance=N, live_step_ms=MS,
  // live_off=1.

  /// Steps of the timeline (0 when the samples folder has no script).
  int live_steps() const;
  /// The current step, -1 while live=all answers from fixtures-live.json.
  int live_step() const;
  /// -1 turns the script off; past the last step stays at the last.
  void set_live_step(int step);
  void advance_live(int n = 1);
  /// One step per `interval` from now on, by the fake's own clock (0: stop).
  void set_live_interval(std::chrono::milliseconds interval);

  // --- counters: every request that reached routing (faults included),
  // except /__control and /__stats.
  std::size_t calls(const std::string& path) const; ///< e.g. "/fixtures"
  /// Requests naming this fixture in id, ids or fixture.
  std::size_t calls_for_fixture(std::int64_t id) const;
  std::size_t total_calls() const;
  std::size_t connections_accepted() const;
  /// The most calls being answered at once (their latency included).
  std::size_t peak_concurrent_calls() const;
  void reset_counters();

private:
  class impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::fakes
