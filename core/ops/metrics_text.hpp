// Prometheus text exposition format (version 0.0.4): families with HELP and
// TYPE lines, samples with escaped labels, histograms with cumulative buckets.
#pragma once

#include "core/ops/histogram.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phoenix::core {

using metric_labels = std::vector<std::pair<std::string, std::string>>;

class exposition {
public:
  /// Starts a family: one HELP and one TYPE line ("counter", "gauge", "histogram").
  void family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample of the current family.
  void sample(std::string_view name, double value, const metric_labels& labels = {});
  /// A whole histogram family: _bucket{le=...} (cumulative), _sum and _count.
  void histogram(std::string_view name, std::string_view help, const core::histogram& h);
  /// Shorthands for a family with a single unlabelled sample.
  void counter(std::string_view name, std::string_view help, double value);
  void gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return text_; }

private:
  std::string text_;
};

/// A sample value as the format writes it (integers without a fraction, +Inf, NaN).
std::string format_value(double value);

/// Escapes a label value: backslash, double quote and newline.
std::string escape_label(std::string_view value);

/// Checks a whole exposition text line by line; returns the problems found
/// ("line 3: ..."), empty when valid. Used by tests and by the bench.
std::vector<std::string> check_exposition(std::string_view text);

} // namespace phoenix::core
