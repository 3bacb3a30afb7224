#include "core/ops/process_stats.hpp"

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

uint64_t open_fds() {
  std::error_code ec;
  uint64_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++count;
  return count > 0 ? count - 1 : 0; // the iterator's own descriptor
}

} // namespace phoenix::core
