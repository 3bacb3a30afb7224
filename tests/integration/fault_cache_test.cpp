// The fault suite: the cache folder becomes unwritable while the bot runs.
// Tests run as root, who ignores permissions, so "read-only" is the
// immutable attribute (chattr +i) on the folder, which stops root too; on a
// filesystem without it, a directory where the writer's temp file goes.
#include "core/cache/snapshot_file.hpp"
#include "tests/integration/bot_fixture.hpp"
#include "tests/integration/log_watch.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace phoenix;
using namespace phoenix::test;
namespace fs = std::filesystem;

namespace {

// Sets or clears the immutable attribute of a folder; false where unsupported.
bool set_immutable(const fs::path& folder, bool on) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  int flags = 0;
  bool done = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (done) {
    flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
    done = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  ::close(fd);
  return done;
}

// Makes every write into the snapshot's folder fail, even for root, until
// restore() or the end of the scope.
class unwritable_cache_folder {
public:
  explicit unwritable_cache_folder(const fs::path& snapshot)
      : folder_(snapshot.parent_path()), temp_(snapshot.string() + ".tmp") {
    immutable_ = set_immutable(folder_, true);
    if (!immutable_)
      fs::create_directory(temp_); // creating the temp file then fails (EISDIR)
  }
  ~unwritable_cache_folder() { restore(); }
  unwritable_cache_folder(const unwritable_cache_folder&) = delete;
  unwritable_cache_folder& operator=(const unwritable_cache_folder&) = delete;

  void restore() {
    if (immutable_)
      set_immutable(folder_, false);
    else
      fs::remove(temp_);
    immutable_ = false;
  }

  const char* how() const {
    return immutable_ ? "immutable attribute" : "directory at the temp file's path";
  }

private:
  fs::path folder_, temp_;
  bool immutable_ = false;
};

std::string file_bytes(const std::string& path) {
  std::string bytes;
  bool missing = false;
  BOOST_REQUIRE(core::read_whole_file(path, bytes, missing));
  BOOST_REQUIRE(!missing);
  return bytes;
}

size_t snapshot_entries(const std::string& bytes) {
  auto decoded = core::decode_snapshot(bytes, std::chrono::steady_clock::now(),
                                       std::chrono::system_clock::now());
  BOOST_REQUIRE_MESSAGE(decoded.status, decoded.status.error);
  return decoded.entries.size();
}

// Answers once everything put so far is on disk.
void flush_now(bot_fixture& f) {
  caf::scoped_actor self{*f.sys};
  self->request(f.bot.cache, 10s, flush_now_atom::value)
      .receive([](flush_report&) {}, [](caf::error&) { BOOST_FAIL("flush_now failed"); });
}

constexpr const char* flushed_line = "cache: flushed";
constexpr const char* failed_line = "cache: flush to";

} // namespace

BOOST_AUTO_TEST_SUITE(fault_cache_tests, *boost::unit_test::label("fault"))

BOOST_AUTO_TEST_CASE(an_unwritable_cache_folder_keeps_the_bot_answering_and_the_old_snapshot) {
  BOOST_REQUIRE_MESSAGE(test_database::available(), test_database::how_to_run);
  log_watch logs{spdlog::level::debug}; // the flush lines; outlives the bot
  bot_fixture f;
  logs.level(spdlog::level::debug);
  // The configuration's minimum is 1 s; in-process a shorter tick keeps the test short.
  f.values.cache_flush_interval = 200ms;
  f.start();
  BOOST_TEST(contains(f.ask(1, "/stats 91001").plain_text, "Possession")); // cached: dirty
  BOOST_REQUIRE(logs.wait_for(flushed_line, 1, 10s) >= 1);
  flush_now(f); // nothing dirty, no write under way: the file is what the folder keeps
  auto snapshot = f.values.cache_path;
  auto old_bytes = file_bytes(snapshot);
  auto old_entries = snapshot_entries(old_bytes);
  BOOST_REQUIRE(old_entries >= 1u);
  auto flushes_before = logs.count(flushed_line);

  unwritable_cache_folder locked{snapshot};
  BOOST_TEST_MESSAGE("cache folder made unwritable with the " << locked.how());
  BOOST_TEST(contains(f.ask(1, "/stats 91002").plain_text, "Possession"));
  BOOST_REQUIRE(logs.wait_for(failed_line, 2, 10s) >= 2); // dirty: every tick tries again
  BOOST_TEST(contains(f.ask(2, "/stats 91003").plain_text, "Possession"));
  BOOST_TEST(contains(f.ask(2, "/help").plain_text, "/stats"));
  BOOST_TEST(file_bytes(snapshot) == old_bytes); // the old snapshot, untouched
  BOOST_TEST(logs.count(flushed_line) == flushes_before);

  locked.restore();
  BOOST_REQUIRE(logs.wait_for(flushed_line, flushes_before + 1, 10s) > flushes_before);
  auto stats = f.stats_of<cache_stats>(f.bot.cache);
  auto failures = logs.lines(failed_line);
  BOOST_TEST_MESSAGE(failures.size() << " failed flushes, e.g. " << failures.front());
  BOOST_TEST(stats.flush_failures >= 2u);
  BOOST_TEST(stats.flush_failures == failures.size()); // one error line per failed flush
  BOOST_TEST(stats.flushes == flushes_before + 1);
  BOOST_TEST(!stats.dirty);
  BOOST_TEST(snapshot_entries(file_bytes(snapshot)) >= old_entries + 2);
  f.stop(); // before the log watch ends: no actor logs into a replaced logger
}

BOOST_AUTO_TEST_SUITE_END()
