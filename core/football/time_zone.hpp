// A time zone read from the system's TZif files (/usr/share/zoneinfo), so
// that "today" follows daylight saving time without a restart and without
// setenv/tzset (not safe once other threads run).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

class time_zone {
public:
  /// UTC (offset 0 at all times).
  time_zone() = default;

  /// Reads zone `name` ("Europe/Berlin"; "" and "UTC" need no file) from
  /// `folder`; nullopt with `error` set if it is missing or not a valid TZif file.
  static std::optional<time_zone> load(const std::string& name, std::string* error,
                                       const std::string& folder = "/usr/share/zoneinfo");

  /// Parses TZif bytes (RFC 8536, versions 1 to 4); nullopt if malformed.
  static std::optional<time_zone> parse(std::string_view bytes);

  /// Minutes east of UTC at `unix_seconds`. Past the last transition the last
  /// offset holds (the system's files list transitions up to 2037).
  int offset_minutes_at(int64_t unix_seconds) const;

private:
  std::vector<int64_t> transitions_;  ///< ascending
  std::vector<int32_t> offset_after_; ///< seconds east of UTC from transitions_[i] on
  int32_t initial_offset_ = 0;        ///< before the first transition
};

} // namespace phoenix::core
