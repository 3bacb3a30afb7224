// The worker of an "analyze" job: asks the football front for the fixture,
// the last 10 head-to-head meetings and the prediction (sharing the cache,
// coalescing and quotas), then reports the rendered analysis.
#pragma once

#include "actors/job_registry.hpp"

#include <caf/fwd.hpp>

namespace phoenix {

/// A job_runner for kind "analyze" (parameters: the fixture id).
job_runner analysis_runner(football_actor football);

} // namespace phoenix
