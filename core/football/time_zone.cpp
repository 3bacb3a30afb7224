#include "core/football/time_zone.hpp"

#include <cctype>
#include <date/ptz.h>
#include <date/tz.h>
#include <fstream>
#include <sstream>

namespace phoenix::core {

struct time_zone::footer_rule {
  Posix::time_zone rule;
};

namespace {

bool same_ignoring_case(const std::string& a, const std::string& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// tzdata's zone named `name`, letter case forgiven; nullptr if none.
const date::time_zone* find_zone_any_case(const std::string& name) {
  try {
    return date::locate_zone(name); // throws when not found
  } catch (const std::runtime_error&) {
  }
  for (const date::time_zone& zone : date::get_tzdb().zones)
    if (same_ignoring_case(zone.name(), name))
      return &zone;
  return nullptr;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

std::string time_zone::footer_of(const std::string& bytes) {
  // Version 2+ files: "TZif2" ... "\n<rule>\n" at the very end.
  if (bytes.size() < 46 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2' ||
      bytes.back() != '\n')
    return "";
  const size_t start = bytes.rfind('\n', bytes.size() - 2);
  if (start == std::string::npos)
    return "";
  return bytes.substr(start + 1, bytes.size() - start - 2);
}

std::optional<time_zone> time_zone::load(const std::string& name, std::string* error) {
  if (name.empty() || name == "UTC")
    return time_zone{};
  time_zone out;
  try {
    out.zone_ = find_zone_any_case(name);
  } catch (const std::exception& e) { // tzdata missing or unreadable
    if (error)
      *error = std::string("time zone data unavailable: ") + e.what();
    return std::nullopt;
  }
  if (out.zone_ == nullptr) {
    if (error)
      *error = "unknown time zone \"" + name + "\"";
    return std::nullopt;
  }
  out.name_ = out.zone_->name();
  // The name is one of tzdata's own, so the path stays inside its folder.
  const std::string rule = footer_of(file_bytes("/usr/share/zoneinfo/" + out.name_));
  if (!rule.empty()) {
    try {
      out.footer_ = std::make_shared<footer_rule>(footer_rule{Posix::time_zone{rule}});
    } catch (const std::exception&) {
      // A rule date cannot read: the last transition's offset holds, as before.
    }
  }
  return out;
}

int time_zone::offset_minutes_at(int64_t unix_seconds) const {
  if (zone_ == nullptr)
    return 0;
  const date::sys_seconds at{std::chrono::seconds{unix_seconds}};
  date::sys_info info = zone_->get_info(at);
  // Open-ended: past the file's last transition, where its footer rule holds.
  const bool after_last_transition = info.end >= date::sys_days{date::year{9999} / 1 / 1};
  if (after_last_transition && footer_ && at > info.begin)
    info = footer_->rule.get_info(at);
  return static_cast<int>(info.offset.count() / 60);
}

} // namespace phoenix::core
