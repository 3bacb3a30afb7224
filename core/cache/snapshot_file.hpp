// The cache snapshot file: format, encoding, decoding and the atomic write.
//
// Layout (little endian):
//   "PHXCACHE"  u32 version  u32 flags(0)  i64 written_at (unix ms)
//   u64 entry count  u64 payload size  u32 payload crc32  u32 header crc32
//   payload: per entry  u32 key size, u32 value size, i64 age ms,
//            i64 ttl left ms, key bytes, value bytes
// Ages and TTLs are relative to written_at, so a snapshot survives a reboot
// (the steady clock restarts) and entries that expired while Phoenix was
// down are dropped on load.
#pragma once

#include "core/cache/ttl_lru_store.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace phoenix::core {

using wall_time = std::chrono::system_clock::time_point;

constexpr uint32_t snapshot_version = 1;
constexpr size_t snapshot_header_size = 48;

/// Success, or a sentence saying what went wrong.
struct outcome {
  std::string error;
  explicit operator bool() const { return error.empty(); }
  static outcome failure(std::string why) { return outcome{std::move(why)}; }
};

/// Serialises the live entries (expired ones are skipped), in their order;
/// `written` (if given) receives the number of entries in the file.
std::string encode_snapshot(const std::vector<const cache_entry*>& entries, steady_time now,
                            wall_time wall_now, uint64_t* written = nullptr);

struct decoded_snapshot {
  outcome status;
  entry_list entries; ///< in file order, rebased onto `now`
  size_t expired = 0; ///< entries dropped because their TTL ran out
};

/// Checks and decodes a snapshot; a wrong magic, version, size or checksum is
/// an error and yields no entries at all.
decoded_snapshot decode_snapshot(std::string_view bytes, steady_time now, wall_time wall_now);

/// Replaces `path` with `bytes` atomically: a new temp file `path.tmp-PID-N` in
/// the same folder (mode 0600, O_EXCL, O_NOFOLLOW), fsync, rename, fsync of the
/// folder. On failure the old file is intact and the temp file removed.
outcome write_file_atomically(const std::string& path, std::string_view bytes);

/// Reads a whole file. `missing` is set (and the outcome is success) when it does not exist.
outcome read_whole_file(const std::string& path, std::string& bytes, bool& missing);

/// Renames a bad file to `path.corrupt-YYYYMMDDTHHMMSS` (UTC; "-N" added when
/// that name exists); returns the new name in `moved_to`.
outcome move_aside(const std::string& path, wall_time wall_now, std::string& moved_to);

/// Files set aside as corrupt that are kept; older ones are deleted.
constexpr size_t corrupt_files_kept = 3;

/// Deletes all but the newest `keep` files set aside from `path`; returns their paths.
std::vector<std::string> prune_set_aside(const std::string& path, size_t keep);

/// What start-up found in the snapshot file.
struct loaded_snapshot {
  entry_list entries;
  bool missing = false;             ///< no file: an empty cache, not an error
  size_t expired = 0;               ///< dropped because they expired while Phoenix was down
  std::string problem;              ///< why the file was unusable (then `entries` is empty)
  std::string moved_to;             ///< where the unusable file went
  std::vector<std::string> removed; ///< older set-aside files deleted (corrupt_files_kept)
};

/// Reads and decodes the snapshot at `path`. A corrupt, truncated or unknown
/// file is moved aside (move_aside) so that the next flush cannot lose it twice;
/// of the files set aside the newest corrupt_files_kept stay.
loaded_snapshot load_snapshot_file(const std::string& path, steady_time now, wall_time wall_now);

} // namespace phoenix::core
