// Latency histograms travel inside stats replies.
#pragma once

#include "core/ops/histogram.hpp"

#include <caf/meta/type_name.hpp>

namespace phoenix::core {

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, histogram& x) {
  return f(caf::meta::type_name("histogram"), x.counts, x.sum, x.count);
}

} // namespace phoenix::core
