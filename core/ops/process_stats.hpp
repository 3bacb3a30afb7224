// The process' own resource use, read from /proc and glibc's allocator (Linux).
#pragma once

#include <cstdint>

namespace phoenix::core {

/// Resident set size in bytes (/proc/self/statm), 0 if unknown.
uint64_t resident_bytes();

/// Bytes the allocator has handed out and not yet got back (glibc mallinfo2:
/// in-use chunks plus mmapped blocks): what a data structure costs, without
/// the page rounding and free lists that RSS includes.
uint64_t heap_in_use_bytes();

/// Gives the allocator's free pages back to the system (glibc malloc_trim):
/// freed memory otherwise stays in the process' arenas, counted in RSS.
/// Returns whether any memory was returned.
bool return_free_memory();

/// Open file descriptors (entries of /proc/self/fd), 0 if unknown.
uint64_t open_fds();

} // namespace phoenix::core
