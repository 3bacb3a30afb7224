// CRC-32 (IEEE 802.3, as zlib): the snapshot file's checksum.
#pragma once

#include <cstdint>
#include <string_view>

namespace phoenix::core {

/// Continues a CRC-32 over `data`; start with crc = 0.
uint32_t crc32(std::string_view data, uint32_t crc = 0);

} // namespace phoenix::core
