// The fake Telegram's injected faults: per method, the next n calls fail or
// reset, a share of calls fails at random, and a latency; its own mutex.
// Included only by the fake Telegram's state.
#pragma once

#include "tests/fakes/fake_telegram_text.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <string>

namespace phoenix::fakes::telegram_detail {

using std::chrono::milliseconds;

struct fault_decision {
  enum class kind { none, reset, fail };
  kind what = kind::none;
  int status = 0, retry_after = 0;
  milliseconds delay{0};
};

/// Pending faults per method (lowercase name, "*" for all).
class fault_table {
public:
  explicit fault_table(unsigned seed) : random_(seed) {}

  static std::string key(const std::string& method) {
    return method.empty() ? "*" : to_lower(method);
  }

  void fail_next(const std::string& method, int n, int status, int retry_after) {
    std::lock_guard lock(mutex_);
    auto& f = table_[key(method)];
    f.fail_n = n;
    f.fail_status = status;
    f.fail_retry_after = retry_after;
  }
  void fail_ratio(const std::string& method, double ratio, int status, int retry_after) {
    std::lock_guard lock(mutex_);
    auto& f = table_[key(method)];
    f.ratio = std::clamp(ratio, 0.0, 1.0);
    f.ratio_status = status;
    f.ratio_retry_after = retry_after;
  }
  void set_latency(const std::string& method, milliseconds fixed, milliseconds jitter) {
    std::lock_guard lock(mutex_);
    auto& f = table_[key(method)];
    f.has_latency = fixed.count() > 0 || jitter.count() > 0 || key(method) == "*";
    f.latency = fixed;
    f.jitter = jitter;
  }
  void reset_next(const std::string& method, int n) {
    std::lock_guard lock(mutex_);
    table_[key(method)].reset_n = n;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    table_.clear();
  }

  /// At most one fault for this call, plus its latency.
  fault_decision take(const std::string& method_lower) {
    std::lock_guard lock(mutex_);
    fault_decision d;
    entry* own = find(method_lower);
    entry* all = find("*");
    const entry* latency = own && own->has_latency ? own : all;
    if (latency) {
      d.delay = latency->latency;
      if (latency->jitter.count() > 0) {
        d.delay += milliseconds(
            std::uniform_int_distribution<long>(0, long(latency->jitter.count()))(random_));
      }
    }
    for (entry* e : {own, all}) {
      if (e && e->reset_n > 0) {
        --e->reset_n;
        d.what = fault_decision::kind::reset;
        return d;
      }
    }
    for (entry* e : {own, all}) {
      if (e && e->fail_n > 0) {
        --e->fail_n;
        d.what = fault_decision::kind::fail;
        d.status = e->fail_status;
        d.retry_after = e->fail_retry_after;
        return d;
      }
    }
    for (entry* e : {own, all}) {
      if (e && e->ratio > 0 && std::uniform_real_distribution<double>(0, 1)(random_) < e->ratio) {
        d.what = fault_decision::kind::fail;
        d.status = e->ratio_status;
        d.retry_after = e->ratio_retry_after;
        return d;
      }
    }
    return d;
  }

  void write(plain_writer& w) const {
    std::lock_guard lock(mutex_);
    w.StartObject();
    for (const auto& [method, f] : table_) {
      write_key(w, method);
      w.StartObject();
      write_key(w, "fail");
      w.Int(f.fail_n);
      write_key(w, "status");
      w.Int(f.fail_status);
      write_key(w, "retry_after");
      w.Int(f.fail_retry_after);
      write_key(w, "fail_ratio");
      w.Double(f.ratio);
      write_key(w, "ratio_status");
      w.Int(f.ratio_status);
      write_key(w, "reset");
      w.Int(f.reset_n);
      write_key(w, "latency_ms");
      w.Int64(f.latency.count());
      write_key(w, "jitter_ms");
      w.Int64(f.jitter.count());
      w.EndObject();
    }
    w.EndObject();
  }

private:
  struct entry {
    int fail_n = 0, fail_status = 500, fail_retry_after = 0;
    double ratio = 0;
    int ratio_status = 500, ratio_retry_after = 0;
    int reset_n = 0;
    bool has_latency = false;
    milliseconds latency{0}, jitter{0};
  };
  entry* find(const std::string& k) {
    auto found = table_.find(k);
    return found == table_.end() ? nullptr : &found->second;
  }

  mutable std::mutex mutex_;
  std::map<std::string, entry> table_;
  std::mt19937 random_;
};

} // namespace phoenix::fakes::telegram_detail
