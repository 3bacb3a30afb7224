// Captures what Phoenix logs in-process (spdlog's default logger) so a test can
// wait for a line on a condition variable and count lines, instead of
// sleeping. The previous default logger comes back when the watch ends.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <string>
#include <vector>

namespace phoenix::test {

class log_watch {
public:
  explicit log_watch(spdlog::level::level_enum level = spdlog::level::warn)
      : sink_(std::make_shared<sink>()), previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("log_watch", sink_);
    logger->set_pattern("%l %v");
    logger->set_level(level);
    spdlog::set_default_logger(logger);
  }
  ~log_watch() { spdlog::set_default_logger(previous_); }
  log_watch(const log_watch&) = delete;
  log_watch& operator=(const log_watch&) = delete;

  /// spdlog::set_level (as bot_fixture calls) changes every registered logger: set it again.
  void level(spdlog::level::level_enum level) { spdlog::default_logger()->set_level(level); }

  /// Lines containing `part` so far.
  size_t count(const std::string& part) const {
    std::lock_guard lock(sink_->lines_mutex);
    return count_locked(part);
  }

  /// Waits until `n` lines contain `part` or the deadline passes; returns the count.
  size_t wait_for(const std::string& part, size_t n, std::chrono::milliseconds deadline) const {
    std::unique_lock lock(sink_->lines_mutex);
    sink_->logged.wait_for(lock, deadline, [&] { return count_locked(part) >= n; });
    return count_locked(part);
  }

  /// The lines containing `part` ("level message"), for failure messages.
  std::vector<std::string> lines(const std::string& part) const {
    std::lock_guard lock(sink_->lines_mutex);
    std::vector<std::string> out;
    std::copy_if(sink_->lines.begin(), sink_->lines.end(), std::back_inserter(out),
                 [&](const std::string& line) { return line.find(part) != std::string::npos; });
    return out;
  }

private:
  struct sink : spdlog::sinks::base_sink<std::mutex> {
    std::mutex lines_mutex;
    std::condition_variable logged;
    std::vector<std::string> lines;

    void sink_it_(const spdlog::details::log_msg& msg) override {
      spdlog::memory_buf_t formatted;
      formatter_->format(msg, formatted);
      std::string line(formatted.data(), formatted.size());
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
      {
        std::lock_guard lock(lines_mutex);
        lines.push_back(std::move(line));
      }
      logged.notify_all();
    }
    void flush_() override {}
  };

  size_t count_locked(const std::string& part) const {
    return static_cast<size_t>(
        std::count_if(sink_->lines.begin(), sink_->lines.end(), [&](const std::string& line) {
          return line.find(part) != std::string::npos;
        }));
  }

  std::shared_ptr<sink> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

} // namespace phoenix::test
