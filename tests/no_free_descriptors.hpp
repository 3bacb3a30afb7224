// Makes every new file descriptor of this process fail with EMFILE until the
// end of the scope: a failing accept or open without mocks, even as root.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

namespace phoenix::test {

class no_free_descriptors {
public:
  no_free_descriptors() {
    ::getrlimit(RLIMIT_NOFILE, &old_);
    int lowest_free = ::dup(0);
    ::close(lowest_free);
    rlimit tight = old_;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free);
    ::setrlimit(RLIMIT_NOFILE, &tight);
  }
  ~no_free_descriptors() { restore(); }
  no_free_descriptors(const no_free_descriptors&) = delete;
  no_free_descriptors& operator=(const no_free_descriptors&) = delete;

  void restore() { ::setrlimit(RLIMIT_NOFILE, &old_); }

private:
  rlimit old_{};
};

} // namespace phoenix::test
