// The process' own resource use, read from /proc (Linux).
#pragma once

#include <cstdint>

namespace phoenix::core {

/// Resident set size in bytes (/proc/self/statm), 0 if unknown.
uint64_t resident_bytes();

/// Open file descriptors (entries of /proc/self/fd), 0 if unknown.
uint64_t open_fds();

} // namespace phoenix::core
