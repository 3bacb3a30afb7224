// Replays every committed fuzz input (tests/fuzz/regressions: crashes found and
// fixed; tests/fuzz/seeds: hand-written seeds) through the fuzz targets' entry
// functions, so the normal build and scripts/test --sanitize keep them fixed.
#include "core/cache/snapshot_file.hpp"
#include "tests/fuzz/fuzz_entries.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const fs::path fuzz_dir = fs::path{PHOENIX_SOURCE_DIR} / "tests" / "fuzz";

std::string read_bytes(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs every file under tests/fuzz/<kind>/<target>; returns how many there were.
size_t replay(const std::string& kind) {
  size_t files = 0;
  for (const auto& target : phoenix::fuzz::targets) {
    const fs::path folder = fuzz_dir / kind / target.name;
    if (!fs::is_directory(folder))
      continue;
    for (const auto& file : fs::directory_iterator{folder}) {
      const std::string bytes = read_bytes(file.path());
      BOOST_TEST_CONTEXT(file.path().string()) {
        BOOST_CHECK_NO_THROW(
            target.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
      }
      ++files;
    }
  }
  return files;
}

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_replay_tests)

BOOST_AUTO_TEST_CASE(every_regression_input_runs_clean) {
  BOOST_TEST(replay("regressions") > 0u);
}

BOOST_AUTO_TEST_CASE(every_hand_written_seed_runs_clean) {
  BOOST_TEST(replay("seeds") > 0u);
}

// The fuzzer's first find: sealed snapshots whose times overflowed the
// millisecond -> nanosecond arithmetic. They must be refused as corrupt.
BOOST_AUTO_TEST_CASE(snapshot_with_an_impossible_age_ttl_or_write_time_is_refused) {
  using namespace phoenix::core;
  const steady_time now{std::chrono::hours{24}};
  const wall_time wall_now{std::chrono::seconds{1767225600}};
  for (const char* name : {"age-near-int64-max", "ttl-underflows", "written-before-1970"}) {
    BOOST_TEST_CONTEXT(name) {
      // The first byte is the fuzz target's flag; the file follows.
      const std::string bytes = read_bytes(fuzz_dir / "regressions" / "snapshot" / name).substr(1);
      auto decoded = decode_snapshot(bytes, now, wall_now);
      BOOST_TEST(!decoded.status);
      BOOST_TEST(decoded.status.error.find("impossible") != std::string::npos);
      BOOST_TEST(decoded.entries.empty());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
