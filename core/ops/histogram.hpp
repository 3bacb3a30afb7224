// A latency histogram with fixed bucket bounds (seconds), cheap enough to
// observe on every update: Prometheus' cumulative buckets are built only when
// the metrics are rendered.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

namespace phoenix::core {

/// Upper bounds of the latency buckets, in seconds (+Inf is implicit).
inline constexpr std::array<double, 12> latency_bounds = {0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
                                                          0.5,   1.0,  2.5,   5.0,  10.0, 30.0};

struct histogram {
  std::vector<uint64_t> counts =
      std::vector<uint64_t>(latency_bounds.size() + 1, 0); ///< per bucket, last = +Inf
  double sum = 0;                                          ///< seconds
  uint64_t count = 0;

  void observe(std::chrono::nanoseconds elapsed) {
    auto seconds = std::chrono::duration<double>(elapsed).count();
    size_t i = 0;
    while (i < latency_bounds.size() && seconds > latency_bounds[i])
      ++i;
    ++counts[i];
    sum += seconds;
    ++count;
  }
};

} // namespace phoenix::core
