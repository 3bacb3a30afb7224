#include "core/cache/crc32.hpp"
#include "core/cache/snapshot_file.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace phoenix::core;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const steady_time t0{std::chrono::hours{1000}};
const wall_time w0{std::chrono::hours{480000}};

// A store and its snapshot (the snapshot's pointers need the store or its keep-alive).
struct sample {
  ttl_lru_store store{{}};
  store_snapshot snapshot;
  sample() {
    store.put("fixture:1", "{\"id\":1}", 1h, t0 - 10s);
    store.put("fixture:2", "M\xC3\xBCnchen", 30s, t0);
    store.put("gone", "x", 5s, t0 - 10s); // already expired at t0
    snapshot = store.snapshot();
  }
};

std::vector<const cache_entry*> sample_entries() {
  static sample s;
  return s.snapshot.entries;
}

struct temp_folder {
  fs::path path =
      fs::temp_directory_path() / ("phoenix-snapshot-test-" + std::to_string(::getpid()));
  temp_folder() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_folder() { fs::remove_all(path); }
};

std::string read(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> names;
  for (auto& entry : fs::directory_iterator{folder})
    names.push_back(entry.path());
  return names;
}

// Rewrites the header checksum after a deliberate header change.
void reseal_header(std::string& bytes) {
  auto crc = crc32(std::string_view{bytes}.substr(0, snapshot_header_size - 4));
  for (int i = 0; i < 4; ++i)
    bytes[44 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
}

} // namespace

BOOST_AUTO_TEST_SUITE(snapshot_file_tests)

BOOST_AUTO_TEST_CASE(crc32_is_the_zlib_checksum) {
  BOOST_TEST(crc32("") == 0u);
  BOOST_TEST(crc32("123456789") == 0xCBF43926u); // the standard check value
  BOOST_TEST(crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
}

BOOST_AUTO_TEST_CASE(round_trip_rebases_ages_and_ttls) {
  uint64_t written = 0;
  auto bytes = encode_snapshot(sample_entries(), t0, w0, &written);
  BOOST_TEST(written == 2u);
  // Loaded 40 s later, in a process whose steady clock started elsewhere:
  // fixture:1 (age 10 s, 1h - 10s left) is now 50 s old with 1h - 50s left;
  // fixture:2 (30 s left) expired on disk.
  auto t1 = steady_time{std::chrono::hours{5}};
  auto decoded = decode_snapshot(bytes, t1, w0 + 40s);
  BOOST_REQUIRE(decoded.status);
  BOOST_REQUIRE(decoded.entries.size() == 1u);
  auto& e = decoded.entries[0];
  BOOST_TEST(e->key == "fixture:1");
  BOOST_TEST((t1 - e->stored_at == 50s));
  BOOST_TEST((e->expires_at - t1 == 1h - 50s));
  BOOST_TEST(decoded.expired == 1u);
}

BOOST_AUTO_TEST_CASE(entries_keep_order_and_utf8) {
  auto bytes = encode_snapshot(sample_entries(), t0, w0);
  auto decoded = decode_snapshot(bytes, t0, w0);
  BOOST_REQUIRE(decoded.status);
  BOOST_REQUIRE(decoded.entries.size() == 2u);
  BOOST_TEST(decoded.entries[0]->key == "fixture:1");
  BOOST_TEST(decoded.entries[1]->value == "M\xC3\xBCnchen");
}

BOOST_AUTO_TEST_CASE(damaged_files_are_rejected_whole) {
  auto good = encode_snapshot(sample_entries(), t0, w0);
  auto flipped = good;
  flipped[good.size() - 3] ^= 0x01;
  BOOST_TEST(!decode_snapshot(flipped, t0, w0).status);
  BOOST_TEST(decode_snapshot(flipped, t0, w0).entries.empty());
  auto truncated = good.substr(0, good.size() - 5);
  auto result = decode_snapshot(truncated, t0, w0);
  BOOST_TEST(!result.status);
  BOOST_TEST(result.status.error.find("truncated") != std::string::npos);
  BOOST_TEST(!decode_snapshot(good.substr(0, 20), t0, w0).status);
  BOOST_TEST(
      !decode_snapshot("not a snapshot at all, but long enough to have a header", t0, w0).status);
  auto future = good;
  future[8] = 9; // version 9
  reseal_header(future);
  auto unknown = decode_snapshot(future, t0, w0);
  BOOST_TEST(unknown.status.error == "unknown snapshot version 9");
}

BOOST_AUTO_TEST_CASE(atomic_write_replaces_or_leaves_the_old_file) {
  temp_folder dir;
  auto path = (dir.path / "cache.snapshot").string();
  BOOST_TEST(static_cast<bool>(write_file_atomically(path, "first")));
  BOOST_TEST(read(path) == "first");
  BOOST_TEST(static_cast<bool>(write_file_atomically(path, "second")));
  BOOST_TEST(read(path) == "second");
  BOOST_TEST(files_in(dir.path).size() == 1u); // no temp file left
  // A folder (not empty) where the file must go makes the write fail: no temp file stays.
  auto blocked = (dir.path / "blocked").string();
  fs::create_directories(blocked + "/inside");
  auto failed = write_file_atomically(blocked, "third");
  BOOST_TEST(!failed);
  BOOST_TEST(failed.error.find("cannot rename") != std::string::npos, failed.error);
  BOOST_TEST(files_in(dir.path).size() == 2u);
  BOOST_TEST(read(path) == "second");
}

BOOST_AUTO_TEST_CASE(the_snapshot_is_private_and_never_written_through_a_symlink) {
  temp_folder dir;
  auto path = (dir.path / "cache.snapshot").string();
  // A symlink planted at the temp name the writer once used, pointing elsewhere.
  auto victim = dir.path / "victim";
  std::ofstream{victim} << "precious";
  fs::create_symlink(victim, path + ".tmp");
  auto old_mask = ::umask(0);
  auto written = write_file_atomically(path, "cache bytes");
  ::umask(old_mask);
  BOOST_TEST(static_cast<bool>(written), written.error);
  BOOST_TEST(read(victim) == "precious");
  BOOST_TEST(read(path) == "cache bytes");
  BOOST_TEST(fs::is_symlink(path + ".tmp"));
  auto mode = fs::status(path).permissions() & fs::perms::all;
  BOOST_TEST((mode == (fs::perms::owner_read | fs::perms::owner_write)));
}

BOOST_AUTO_TEST_CASE(only_the_newest_corrupt_files_are_kept) {
  temp_folder dir;
  auto path = (dir.path / "cache.snapshot").string();
  std::vector<std::string> moved;
  for (int i = 0; i < 6; ++i) {
    write_file_atomically(path, "garbage " + std::to_string(i));
    // Two corruptions within one second (i = 4, 5) must not overwrite each other.
    auto when = w0 + std::chrono::seconds{std::min(i, 4)};
    auto loaded = load_snapshot_file(path, t0, when);
    BOOST_REQUIRE(!loaded.moved_to.empty());
    moved.push_back(loaded.moved_to);
    BOOST_TEST(loaded.removed.size() == (i < 3 ? 0u : 1u));
  }
  auto left = files_in(dir.path);
  BOOST_TEST(left.size() == corrupt_files_kept);
  for (int i = 0; i < 6; ++i)
    BOOST_TEST(fs::exists(moved[i]) == (i >= 3), moved[i]);
  BOOST_TEST(read(moved[5]) == "garbage 5");
  BOOST_TEST(read(moved[4]) == "garbage 4");
}

BOOST_AUTO_TEST_CASE(temp_files_of_a_crashed_write_are_removed_at_start) {
  temp_folder dir;
  auto path = (dir.path / "cache.snapshot").string();
  std::ofstream{path + ".tmp-4242-7"} << "half written";
  std::ofstream{dir.path / "other.tmp-1-1"} << "not ours";
  BOOST_TEST(load_snapshot_file(path, t0, w0).missing);
  BOOST_TEST(!fs::exists(path + ".tmp-4242-7"));
  BOOST_TEST(fs::exists(dir.path / "other.tmp-1-1"));
}

BOOST_AUTO_TEST_CASE(loading_missing_and_corrupt_files) {
  temp_folder dir;
  auto path = (dir.path / "cache.snapshot").string();
  auto missing = load_snapshot_file(path, t0, w0);
  BOOST_TEST(missing.missing);
  BOOST_TEST(missing.problem.empty());
  write_file_atomically(path, "garbage");
  auto corrupt = load_snapshot_file(path, t0, w0);
  BOOST_TEST(!corrupt.problem.empty());
  BOOST_TEST(corrupt.entries.empty());
  BOOST_TEST(!fs::exists(path));
  BOOST_TEST(fs::exists(corrupt.moved_to));
  BOOST_TEST(corrupt.moved_to.find(path + ".corrupt-") == 0u);
  BOOST_TEST(read(corrupt.moved_to) == "garbage");
  write_file_atomically(path, encode_snapshot(sample_entries(), t0, w0));
  auto good = load_snapshot_file(path, t0, w0);
  BOOST_TEST(good.problem.empty());
  BOOST_TEST(good.entries.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
