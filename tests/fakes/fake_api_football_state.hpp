// The fake's mutable state, shared by every connection and by the test thread:
// pending faults, the two quotas and the call counters. Each part has its own
// mutex; the critical sections are a few map or integer updates.
// Included only by fake_api_football.cpp.
#pragma once

#include "tests/fakes/fake_api_football_samples.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace phoenix::fakes::detail {

using std::chrono::milliseconds;

/// What the next request gets instead of (or on top of) a normal answer.
struct fault_decision {
  enum class kind { none, reset, fail, envelope };
  kind what = kind::none;
  int status = 0;                      ///< for fail
  std::string field;                   ///< for envelope
  std::optional<std::string> raw_body; ///< the whole answer instead of the normal one
  bool malformed = false;              ///< cut the body of an otherwise normal answer
  bool close = false;                  ///< Connection: close after this answer
  milliseconds delay{0};
};

enum class quota_verdict { ok, minute_exceeded, day_exceeded };

struct quota_view {
  int day_limit, day_remaining, minute_limit, minute_remaining;
};

class server_state {
public:
  server_state(int per_minute_limit, int daily_limit)
      : minute_limit_(per_minute_limit), day_limit_(daily_limit),
        minute_remaining_(per_minute_limit), day_remaining_(daily_limit), minute_(minute_now()),
        day_(day_now()) {}

  // --- faults -------------------------------------------------------------
  void set_latency(milliseconds fixed, milliseconds jitter) {
    std::lock_guard lock(faults_mutex_);
    latency_ = fixed;
    jitter_ = jitter;
  }
  void fail_next(int n, int status) {
    std::lock_guard lock(faults_mutex_);
    fail_n_ = n;
    fail_status_ = status;
  }
  void malformed_next(int n) {
    std::lock_guard lock(faults_mutex_);
    malformed_n_ = n;
  }
  void reset_next(int n) {
    std::lock_guard lock(faults_mutex_);
    reset_n_ = n;
  }
  void raw_body_next(int n, std::string body) {
    std::lock_guard lock(faults_mutex_);
    raw_n_ = n;
    raw_body_ = std::move(body);
  }
  void envelope_error_next(int n, std::string field) {
    std::lock_guard lock(faults_mutex_);
    envelope_n_ = n;
    envelope_field_ = std::move(field);
  }
  void close_after_each(bool on) {
    std::lock_guard lock(faults_mutex_);
    close_after_each_ = on;
  }
  void clear_faults() {
    std::lock_guard lock(faults_mutex_);
    latency_ = jitter_ = milliseconds(0);
    fail_n_ = malformed_n_ = reset_n_ = envelope_n_ = raw_n_ = 0;
    close_after_each_ = false;
  }

  /// Takes at most one pending fault for this request, plus the latency.
  fault_decision take_fault() {
    std::lock_guard lock(faults_mutex_);
    fault_decision d;
    d.close = close_after_each_;
    d.delay = latency_;
    if (jitter_.count() > 0) {
      d.delay += milliseconds(std::uniform_int_distribution<long>(0, jitter_.count())(random_));
    }
    if (reset_n_ > 0) {
      --reset_n_;
      d.what = fault_decision::kind::reset;
    } else if (fail_n_ > 0) {
      --fail_n_;
      d.what = fault_decision::kind::fail;
      d.status = fail_status_;
    } else if (envelope_n_ > 0) {
      --envelope_n_;
      d.what = fault_decision::kind::envelope;
      d.field = envelope_field_;
    } else if (raw_n_ > 0) {
      --raw_n_;
      d.raw_body = raw_body_;
    } else if (malformed_n_ > 0) {
      --malformed_n_;
      d.malformed = true;
    }
    return d;
  }

  milliseconds latency() const {
    std::lock_guard lock(faults_mutex_);
    return latency_;
  }
  milliseconds jitter() const {
    std::lock_guard lock(faults_mutex_);
    return jitter_;
  }

  void write_faults(json_writer& w) const {
    std::lock_guard lock(faults_mutex_);
    w.Key("latency_ms");
    w.Int64(latency_.count());
    w.Key("jitter_ms");
    w.Int64(jitter_.count());
    w.Key("fail");
    w.Int(fail_n_);
    w.Key("status");
    w.Int(fail_status_);
    w.Key("malformed");
    w.Int(malformed_n_);
    w.Key("reset");
    w.Int(reset_n_);
    w.Key("envelope_error");
    w.Int(envelope_n_);
    w.Key("raw_body");
    w.Int(raw_n_);
    w.Key("field");
    w.String(envelope_field_.c_str());
    w.Key("close_after_each");
    w.Bool(close_after_each_);
  }

  // --- quotas ---------------------------------------------------------------
  /// Takes one request from both budgets, or says which one is empty.
  quota_verdict consume(quota_view& after) {
    std::lock_guard lock(quota_mutex_);
    roll();
    quota_verdict verdict = quota_verdict::ok;
    if (day_remaining_ <= 0) {
      verdict = quota_verdict::day_exceeded;
    } else if (minute_remaining_ <= 0) {
      verdict = quota_verdict::minute_exceeded;
    } else {
      --day_remaining_;
      --minute_remaining_;
    }
    after = view();
    return verdict;
  }
  quota_view quota() {
    std::lock_guard lock(quota_mutex_);
    roll();
    return view();
  }
  void set_daily_remaining(int n) {
    std::lock_guard lock(quota_mutex_);
    roll();
    day_remaining_ = n;
  }
  void set_minute_remaining(int n) {
    std::lock_guard lock(quota_mutex_);
    roll();
    minute_remaining_ = n;
  }

  // --- counters -------------------------------------------------------------
  void record_call(const std::string& path, const std::vector<int64_t>& fixtures) {
    std::lock_guard lock(counters_mutex_);
    ++total_;
    ++calls_[path];
    for (int64_t id : fixtures) {
      ++fixture_calls_[id];
    }
    const size_t now = answering_.fetch_add(1) + 1;
    size_t peak = peak_answering_.load();
    while (now > peak && !peak_answering_.compare_exchange_weak(peak, now)) {
    }
  }
  void count_connection() { connections_.fetch_add(1, std::memory_order_relaxed); }

  size_t calls(const std::string& path) const {
    std::lock_guard lock(counters_mutex_);
    auto found = calls_.find(path);
    return found == calls_.end() ? 0 : found->second;
  }
  size_t calls_for_fixture(int64_t id) const {
    std::lock_guard lock(counters_mutex_);
    auto found = fixture_calls_.find(id);
    return found == fixture_calls_.end() ? 0 : found->second;
  }
  size_t total_calls() const {
    std::lock_guard lock(counters_mutex_);
    return total_;
  }
  /// Calls answered and not yet answered at once: the most so far.
  size_t peak_concurrent_calls() const { return peak_answering_.load(); }
  void answered() { answering_.fetch_sub(1); }
  size_t connections_accepted() const { return connections_.load(std::memory_order_relaxed); }
  void reset_counters() {
    std::lock_guard lock(counters_mutex_);
    total_ = 0;
    calls_.clear();
    fixture_calls_.clear();
    connections_.store(0, std::memory_order_relaxed);
    peak_answering_.store(answering_.load());
  }

  void write_counters(json_writer& w) const {
    std::lock_guard lock(counters_mutex_);
    w.Key("total_calls");
    w.Uint64(total_);
    w.Key("connections_accepted");
    w.Uint64(connections_accepted());
    w.Key("peak_concurrent_calls");
    w.Uint64(peak_concurrent_calls());
    w.Key("calls");
    w.StartObject();
    for (const auto& [path, n] : std::map<std::string, size_t>(calls_.begin(), calls_.end())) {
      w.Key(path.c_str(), static_cast<rapidjson::SizeType>(path.size()));
      w.Uint64(n);
    }
    w.EndObject();
    w.Key("calls_for_fixture");
    w.StartObject();
    for (const auto& [id, n] : fixture_calls_) {
      w.Key(std::to_string(id).c_str());
      w.Uint64(n);
    }
    w.EndObject();
  }

private:
  static int64_t minute_now() {
    using namespace std::chrono;
    return duration_cast<minutes>(system_clock::now().time_since_epoch()).count();
  }
  static int64_t day_now() { return minute_now() / (24 * 60); }

  // The per-minute window is the wall-clock minute, the day the UTC day.
  void roll() {
    const int64_t minute = minute_now();
    if (minute != minute_) {
      minute_ = minute;
      minute_remaining_ = minute_limit_;
    }
    const int64_t day = minute / (24 * 60);
    if (day != day_) {
      day_ = day;
      day_remaining_ = day_limit_;
    }
  }
  quota_view view() const {
    return {day_limit_, day_remaining_ < 0 ? 0 : day_remaining_, minute_limit_,
            minute_remaining_ < 0 ? 0 : minute_remaining_};
  }

  mutable std::mutex faults_mutex_;
  milliseconds latency_{0}, jitter_{0};
  int fail_n_ = 0, fail_status_ = 500, malformed_n_ = 0, reset_n_ = 0, envelope_n_ = 0, raw_n_ = 0;
  std::string raw_body_;
  std::string envelope_field_ = "token";
  bool close_after_each_ = false;
  std::mt19937 random_{std::random_device{}()};

  std::mutex quota_mutex_;
  const int minute_limit_, day_limit_;
  int minute_remaining_, day_remaining_;
  int64_t minute_, day_;

  mutable std::mutex counters_mutex_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> calls_;
  std::unordered_map<int64_t, size_t> fixture_calls_;
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> answering_{0}, peak_answering_{0};
};

} // namespace phoenix::fakes::detail
