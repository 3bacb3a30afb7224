// A time zone from Howard Hinnant's date/tz (Debian's libhowardhinnant-date-dev,
// the library C++20's time zones grew from), reading the system's tzdata
// (/usr/share/zoneinfo), so that "today" follows daylight saving time without
// a restart and without setenv/tzset (not safe once other threads run).
// date/tz's OS reader stops at a zone file's last transition (2037 in
// Debian's files); past it the file's footer rule (a POSIX TZ string such as
// "GMT0BST,M3.5.0/1,M10.5.0") holds, evaluated by the same library's ptz.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace date {
class time_zone;
}

namespace phoenix::core {

class time_zone {
public:
  /// UTC (offset 0 at all times).
  time_zone() = default;

  /// Zone `name` ("Europe/Berlin"; "" and "UTC" need no file; letter case is
  /// forgiven: "europe/berlin"); nullopt with `error` set if tzdata has no such zone.
  static std::optional<time_zone> load(const std::string& name, std::string* error);

  /// The zone's name as tzdata spells it ("UTC" for the default).
  const std::string& name() const { return name_; }

  /// Minutes east of UTC at `unix_seconds`, the footer rule's beyond the
  /// file's last transition.
  int offset_minutes_at(int64_t unix_seconds) const;

  /// The POSIX TZ rule at the end of a TZif (version 2+) file's bytes, "" if
  /// it has none (version 1, or damaged).
  static std::string footer_of(const std::string& tzif_bytes);

  struct footer_rule; ///< date's Posix::time_zone (kept out of this header)

private:
  const date::time_zone* zone_ = nullptr; ///< nullptr: UTC; tzdata outlives every use
  std::shared_ptr<const footer_rule> footer_;
  std::string name_ = "UTC";
};

} // namespace phoenix::core
