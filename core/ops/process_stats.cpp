#include "core/ops/process_stats.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <unistd.h>

namespace phoenix::core {

uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t total_pages = 0;
  uint64_t resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages))
    return 0;
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t heap_in_use_bytes() {
  auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

bool return_free_memory() {
  return malloc_trim(0) != 0;
}

std::optional<std::string> tunables_without_thread_cache(const char* current) {
  constexpr const char* setting = "glibc.malloc.tcache_count";
  std::string value = current == nullptr ? "" : current;
  if (value.find(setting) != std::string::npos)
    return std::nullopt;
  return value + (value.empty() ? "" : ":") + setting + "=0";
}

bool thread_cache_in_use() {
  constexpr int blocks = 7; // what the cache holds of one size by default
  void* probe[blocks];
  for (auto& block : probe)
    block = std::malloc(40);
  asm volatile("" : : "r"(probe) : "memory"); // the blocks are used: not elided
  auto chunk = malloc_usable_size(probe[0]) + sizeof(size_t);
  auto before = mallinfo2().fsmblks;
  for (auto block : probe)
    std::free(block);
  // The cache was emptied of this size by the mallocs: what it takes back
  // does not reach the fast bins.
  return mallinfo2().fsmblks - before < blocks * chunk;
}

uint64_t open_fds() {
  std::error_code ec;
  uint64_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++count;
  return count > 0 ? count - 1 : 0; // the iterator's own descriptor
}

} // namespace phoenix::core
