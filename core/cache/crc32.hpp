// CRC-32 (IEEE 802.3, as zlib; Boost.CRC's crc_32_type): the snapshot file's checksum.
#pragma once

#include <cstdint>
#include <string_view>

namespace phoenix::core {

/// The CRC-32 of `data`.
uint32_t crc32(std::string_view data);

} // namespace phoenix::core
