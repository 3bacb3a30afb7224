#include "core/football/time_zone.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace phoenix::core {

namespace {

// Big-endian reads over a bounded view; any overrun marks the reader failed.
class reader {
public:
  explicit reader(std::string_view bytes) : bytes_(bytes) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }

  int64_t integer(size_t width) {
    if (!ok_ || bytes_.size() - pos_ < width) {
      ok_ = false;
      return 0;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i)
      value = (value << 8) | static_cast<uint8_t>(bytes_[pos_ + i]);
    pos_ += width;
    if (width < 8 && (value >> (8 * width - 1)) != 0) // sign-extend
      value |= ~uint64_t{0} << (8 * width);
    return static_cast<int64_t>(value);
  }

  void skip(size_t n) {
    if (!ok_ || bytes_.size() - pos_ < n)
      ok_ = false;
    else
      pos_ += n;
  }

private:
  std::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

struct header {
  char version = 0;
  int64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

std::optional<header> read_header(reader& in, std::string_view bytes) {
  auto at = in.position();
  if (bytes.size() < at + 44 || bytes.substr(at, 4) != "TZif")
    return std::nullopt;
  header h;
  h.version = bytes[at + 4];
  in.skip(20);
  h.isutcnt = in.integer(4);
  h.isstdcnt = in.integer(4);
  h.leapcnt = in.integer(4);
  h.timecnt = in.integer(4);
  h.typecnt = in.integer(4);
  h.charcnt = in.integer(4);
  constexpr int64_t sane = 1 << 20;
  for (auto n : {h.isutcnt, h.isstdcnt, h.leapcnt, h.timecnt, h.typecnt, h.charcnt})
    if (n < 0 || n > sane)
      return std::nullopt;
  if (h.typecnt == 0)
    return std::nullopt;
  return h;
}

size_t block_size(const header& h, size_t time_width) {
  return static_cast<size_t>(h.timecnt * time_width + h.timecnt + h.typecnt * 6 + h.charcnt +
                             h.leapcnt * (time_width + 4) + h.isstdcnt + h.isutcnt);
}

} // namespace

std::optional<time_zone> time_zone::parse(std::string_view bytes) {
  reader in(bytes);
  auto first = read_header(in, bytes);
  if (!first)
    return std::nullopt;
  auto h = *first;
  size_t width = 4;
  if (h.version >= '2') { // skip the 32-bit block: the 64-bit one follows
    in.skip(block_size(h, 4));
    auto second = read_header(in, bytes);
    if (!in.ok() || !second)
      return std::nullopt;
    h = *second;
    width = 8;
  }
  time_zone zone;
  std::vector<int64_t> times(static_cast<size_t>(h.timecnt));
  for (auto& t : times)
    t = in.integer(width);
  std::vector<uint8_t> types(static_cast<size_t>(h.timecnt));
  for (auto& t : types)
    t = static_cast<uint8_t>(in.integer(1));
  std::vector<int32_t> offsets(static_cast<size_t>(h.typecnt));
  for (auto& o : offsets) {
    o = static_cast<int32_t>(in.integer(4));
    in.skip(2); // isdst, abbreviation index
  }
  if (!in.ok() || !std::is_sorted(times.begin(), times.end()))
    return std::nullopt;
  for (size_t i = 0; i < times.size(); ++i) {
    if (types[i] >= offsets.size())
      return std::nullopt;
    zone.transitions_.push_back(times[i]);
    zone.offset_after_.push_back(offsets[types[i]]);
  }
  zone.initial_offset_ = offsets.front();
  for (auto o : offsets)
    if (o < -26 * 3600 || o > 26 * 3600)
      return std::nullopt;
  return zone;
}

std::optional<time_zone> time_zone::load(const std::string& name, std::string* error,
                                         const std::string& folder) {
  if (name.empty() || name == "UTC" || name == "Etc/UTC")
    return time_zone{};
  auto fail = [&](const std::string& why) -> std::optional<time_zone> {
    if (error)
      *error = "time zone \"" + name + "\": " + why;
    return std::nullopt;
  };
  if (name.find("..") != std::string::npos || name.front() == '/')
    return fail("not a zone name");
  std::ifstream file(folder + "/" + name, std::ios::binary);
  if (!file)
    return fail("no such zone in " + folder);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  auto zone = parse(bytes.str());
  if (!zone)
    return fail("not a valid TZif file");
  return zone;
}

int time_zone::offset_minutes_at(int64_t unix_seconds) const {
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
  if (after == transitions_.begin())
    return initial_offset_ / 60;
  return offset_after_[static_cast<size_t>(after - transitions_.begin()) - 1] / 60;
}

} // namespace phoenix::core
