// The snapshot file on disk: the atomic write, the read at start, and the
// files set aside as corrupt.
#include "core/cache/snapshot_file.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace phoenix::core {

namespace {

std::string errno_text(const char* what, const std::string& path) {
  return std::string{what} + " " + path + ": " + std::strerror(errno);
}

std::string folder_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

outcome write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return outcome::failure(errno_text("cannot write", path));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Creates a temp file next to `path` that did not exist before (O_EXCL), never
// through a symlink (O_NOFOLLOW), readable by the owner only: the cache holds
// users' queries. A fixed name would let a planted symlink redirect the write.
int create_temp_file(const std::string& path, std::string& temp) {
  static std::atomic<uint64_t> sequence{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++sequence);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 || errno != EEXIST)
      return fd;
  }
  return -1;
}

// The regular files in path's folder named `path` + `infix` + anything.
std::vector<std::string> files_named(const std::string& path, const std::string& infix) {
  namespace fs = std::filesystem;
  auto folder = fs::path{folder_of(path)};
  auto prefix = fs::path{path}.filename().string() + infix;
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it{folder, ec}, end; !ec && it != end; it.increment(ec)) {
    auto name = it->path().filename().string();
    if (name.rfind(prefix, 0) == 0 && it->is_regular_file(ec))
      found.push_back((folder / name).string());
  }
  return found;
}

} // namespace

outcome write_file_atomically(const std::string& path, std::string_view bytes) {
  std::string temp;
  int fd = create_temp_file(path, temp);
  if (fd < 0)
    return outcome::failure(errno_text("cannot create", temp));
  // A umask such as 0277 would leave the file 0400: make it exactly 0600.
  outcome result;
  if (::fchmod(fd, 0600) != 0)
    result = outcome::failure(errno_text("cannot chmod", temp));
  if (result)
    result = write_all(fd, bytes, temp);
  if (result && ::fsync(fd) != 0)
    result = outcome::failure(errno_text("cannot fsync", temp));
  if (::close(fd) != 0 && result)
    result = outcome::failure(errno_text("cannot close", temp));
  if (result && ::rename(temp.c_str(), path.c_str()) != 0)
    result = outcome::failure(errno_text("cannot rename to", path));
  if (!result) {
    ::unlink(temp.c_str());
    return result;
  }
  // The rename is durable only once the folder itself is synced.
  auto folder = folder_of(path);
  int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return outcome::failure(errno_text("cannot open folder", folder));
  if (::fsync(dir) != 0)
    result = outcome::failure(errno_text("cannot fsync folder", folder));
  ::close(dir);
  return result;
}

outcome read_whole_file(const std::string& path, std::string& bytes, bool& missing) {
  bytes.clear();
  missing = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      missing = true;
      return {};
    }
    return outcome::failure(errno_text("cannot open", path));
  }
  char buf[1 << 16];
  for (;;) {
    auto n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      auto result = outcome::failure(errno_text("cannot read", path));
      ::close(fd);
      return result;
    }
    if (n == 0)
      break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return {};
}

outcome move_aside(const std::string& path, wall_time wall_now, std::string& moved_to) {
  auto t = std::chrono::system_clock::to_time_t(wall_now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
  // A second file set aside within the same second must not replace the first.
  moved_to = path + ".corrupt-" + stamp;
  for (int n = 1; n < 10 && ::access(moved_to.c_str(), F_OK) == 0; ++n)
    moved_to = path + ".corrupt-" + stamp + "-" + std::to_string(n);
  if (::rename(path.c_str(), moved_to.c_str()) != 0)
    return outcome::failure(errno_text("cannot move aside", path));
  return {};
}

std::vector<std::string> prune_set_aside(const std::string& path, size_t keep) {
  auto names = files_named(path, ".corrupt-");
  // The names end in their UTC stamp (and "-N" for later ones within a second): by name is by age.
  std::sort(names.begin(), names.end());
  std::vector<std::string> removed;
  for (size_t i = 0; i + keep < names.size(); ++i)
    if (::unlink(names[i].c_str()) == 0)
      removed.push_back(names[i]);
  return removed;
}

loaded_snapshot load_snapshot_file(const std::string& path, steady_time now, wall_time wall_now) {
  loaded_snapshot result;
  // Temp files of a run that crashed mid-write: nobody else writes them.
  for (auto& temp : files_named(path, ".tmp-"))
    ::unlink(temp.c_str());
  std::string bytes;
  if (auto read = read_whole_file(path, bytes, result.missing); !read) {
    result.problem = read.error;
    return result; // unreadable (permissions?): leave the file where it is
  }
  if (result.missing)
    return result;
  auto decoded = decode_snapshot(bytes, now, wall_now);
  if (!decoded.status) {
    result.problem = decoded.status.error;
    if (auto moved = move_aside(path, wall_now, result.moved_to); !moved) {
      result.problem += "; " + moved.error;
      result.moved_to.clear();
    } else {
      result.removed = prune_set_aside(path, corrupt_files_kept);
    }
    return result;
  }
  result.entries = std::move(decoded.entries);
  result.expired = decoded.expired;
  return result;
}

} // namespace phoenix::core
