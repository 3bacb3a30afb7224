#include "core/cache/crc32.hpp"

#include <boost/crc.hpp>

namespace phoenix::core {

uint32_t crc32(std::string_view data) {
  boost::crc_32_type sum;
  sum.process_bytes(data.data(), data.size());
  return sum.checksum();
}

} // namespace phoenix::core
