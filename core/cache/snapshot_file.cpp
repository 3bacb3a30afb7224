#include "core/cache/snapshot_file.hpp"

#include "core/cache/crc32.hpp"

#include <algorithm>

namespace phoenix::core {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view magic{"PHXCACHE", 8};
constexpr size_t record_header_size = 24;
// Cache TTLs are at most days: a write time outside 1970-9999 or an age or TTL
// beyond ten years is corruption, and the bounds keep the time arithmetic in
// decode_snapshot (milliseconds turned into nanoseconds) from overflowing.
constexpr int64_t max_written_at_ms = 253402300799999; // 9999-12-31T23:59:59.999Z
constexpr int64_t max_record_span_ms = int64_t{10} * 366 * 24 * 3600 * 1000;

template <class T> void put_le(std::string& out, T value) {
  auto u = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<char>((u >> (8 * i)) & 0xFFu));
}

template <class T> T get_le(std::string_view in, size_t at) {
  std::make_unsigned_t<T> u = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    u |= static_cast<std::make_unsigned_t<T>>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return static_cast<T>(u);
}

int64_t unix_ms(wall_time t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

int64_t to_ms(std::chrono::nanoseconds d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

} // namespace

std::string encode_snapshot(const std::vector<const cache_entry*>& entries, steady_time now,
                            wall_time wall_now, uint64_t* written) {
  std::string payload;
  size_t reserve = 0;
  for (auto& e : entries)
    reserve += record_header_size + e->key.size() + e->value.size();
  payload.reserve(reserve);
  uint64_t count = 0;
  for (auto& e : entries) {
    if (e->expires_at <= now)
      continue;
    put_le<uint32_t>(payload, static_cast<uint32_t>(e->key.size()));
    put_le<uint32_t>(payload, static_cast<uint32_t>(e->value.size()));
    put_le<int64_t>(payload, to_ms(now - e->stored_at));
    put_le<int64_t>(payload, to_ms(e->expires_at - now));
    payload += e->key;
    payload += e->value;
    ++count;
  }
  if (written != nullptr)
    *written = count;
  std::string out;
  out.reserve(snapshot_header_size + payload.size());
  out += magic;
  put_le<uint32_t>(out, snapshot_version);
  put_le<uint32_t>(out, 0);
  put_le<int64_t>(out, unix_ms(wall_now));
  put_le<uint64_t>(out, count);
  put_le<uint64_t>(out, payload.size());
  put_le<uint32_t>(out, crc32(payload));
  put_le<uint32_t>(out, crc32(out));
  out += payload;
  return out;
}

decoded_snapshot decode_snapshot(std::string_view bytes, steady_time now, wall_time wall_now) {
  decoded_snapshot result;
  auto fail = [&](std::string why) {
    result.status = outcome::failure(std::move(why));
    result.entries.clear();
    return std::move(result);
  };
  if (bytes.size() < snapshot_header_size)
    return fail("truncated header (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes.substr(0, magic.size()) != magic)
    return fail("not a Phoenix cache snapshot (bad magic)");
  if (crc32(bytes.substr(0, snapshot_header_size - 4)) != get_le<uint32_t>(bytes, 44))
    return fail("header checksum mismatch");
  auto version = get_le<uint32_t>(bytes, 8);
  if (version != snapshot_version)
    return fail("unknown snapshot version " + std::to_string(version));
  auto written_at = get_le<int64_t>(bytes, 16);
  if (written_at < 0 || written_at > max_written_at_ms)
    return fail("impossible write time " + std::to_string(written_at));
  auto count = get_le<uint64_t>(bytes, 24);
  auto payload_size = get_le<uint64_t>(bytes, 32);
  auto payload = bytes.substr(snapshot_header_size);
  if (payload.size() != payload_size)
    return fail("payload is " + std::to_string(payload.size()) + " bytes, header says " +
                std::to_string(payload_size) + " (truncated?)");
  if (crc32(payload) != get_le<uint32_t>(bytes, 40))
    return fail("payload checksum mismatch");
  // Time spent on disk counts against every entry's TTL (never negative;
  // capped at the span, past which every entry has expired anyway).
  auto elapsed =
      milliseconds{std::clamp<int64_t>(unix_ms(wall_now) - written_at, 0, max_record_span_ms)};
  size_t at = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (payload.size() - at < record_header_size)
      return fail("record " + std::to_string(i) + " is truncated");
    auto key_size = get_le<uint32_t>(payload, at);
    auto value_size = get_le<uint32_t>(payload, at + 4);
    auto stored_age_ms = get_le<int64_t>(payload, at + 8);
    auto stored_ttl_ms = get_le<int64_t>(payload, at + 16);
    if (stored_age_ms < 0 || stored_age_ms > max_record_span_ms ||
        stored_ttl_ms < -max_record_span_ms || stored_ttl_ms > max_record_span_ms)
      return fail("record " + std::to_string(i) + " has an impossible age or TTL");
    auto age = milliseconds{stored_age_ms} + elapsed;
    auto ttl_left = milliseconds{stored_ttl_ms} - elapsed;
    at += record_header_size;
    if (payload.size() - at < uint64_t{key_size} + value_size)
      return fail("record " + std::to_string(i) + " is truncated");
    auto key = payload.substr(at, key_size);
    auto value = payload.substr(at + key_size, value_size);
    at += key_size + value_size;
    if (ttl_left <= milliseconds::zero()) {
      ++result.expired;
      continue;
    }
    result.entries.push_back(std::make_shared<const cache_entry>(
        cache_entry{std::string{key}, std::string{value}, now - age, now + ttl_left}));
  }
  if (at != payload.size())
    return fail("trailing bytes after the last record");
  return result;
}

} // namespace phoenix::core
