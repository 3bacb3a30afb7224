// Project atoms. They live in namespace phoenix so that `using namespace caf`
// elsewhere cannot make them ambiguous with caf::get_atom, caf::flush_atom, ...
#pragma once

#include <caf/atom.hpp>

namespace phoenix {

/// Looks a key up in the cache.
using cache_get_atom = caf::atom_constant<caf::atom("cache_get")>;
/// Stores a key/value pair in the cache (memory only).
using cache_put_atom = caf::atom_constant<caf::atom("cache_put")>;
/// The cache's periodic flush timer.
using flush_tick_atom = caf::atom_constant<caf::atom("flush_tick")>;
/// Asks the cache to put its data on disk now and answer when it is there.
using flush_now_atom = caf::atom_constant<caf::atom("flush_now")>;
/// Hands a snapshot to the cache writer.
using write_atom = caf::atom_constant<caf::atom("write")>;
/// Asks any actor for its counters.
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// Starts the orderly shutdown sequence.
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;

} // namespace phoenix
