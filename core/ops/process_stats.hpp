// The process' own resource use, read from /proc and glibc's allocator (Linux).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

/// GLIBC_TUNABLES as it must be to turn glibc's per-thread cache of freed
/// blocks (tcache) off, given its current value (null: unset); nullopt when
/// the value already sets that cache (the operator's choice, or ours after a
/// restart). Each thread's cache keeps a few freed blocks of each size; after
/// a crowd, those blocks alone kept 3-4 MB of pages from going back.
std::optional<std::string> tunables_without_thread_cache(const char* current);

/// Whether glibc's thread cache holds this thread's freed blocks: a probe
/// that frees a few small blocks and sees whether they reach the fast bins.
/// (Always true under an allocator other than glibc's, which has no bins.)
bool thread_cache_in_use();

/// Open file descriptors (entries of /proc/self/fd), 0 if unknown.
uint64_t open_fds();

} // namespace phoenix::core
