#include "app/logging.hpp"

#include <cstdio>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

constexpr const char* text_pattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
constexpr const char* json_pattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","thread":%t,"msg":"%v"})";

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      } else {
        out += c;
      }
    }
  }
  return out;
}

// Sits in front of a real sink: the payload it forwards is already redacted.
class redacting_sink final : public spdlog::sinks::sink {
public:
  redacting_sink(spdlog::sink_ptr inner, std::shared_ptr<const core::redactor> redactor, bool json)
      : inner_(std::move(inner)), redactor_(std::move(redactor)), json_(json) {}

  void log(const spdlog::details::log_msg& msg) override {
    auto text = redactor_->redact(std::string_view{msg.payload.data(), msg.payload.size()});
    if (json_)
      text = json_escape(text);
    auto copy = msg;
    copy.payload = spdlog::string_view_t{text.data(), text.size()};
    inner_->log(copy);
  }

  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

private:
  spdlog::sink_ptr inner_;
  std::shared_ptr<const core::redactor> redactor_;
  bool json_;
};

} // namespace

spdlog::sink_ptr make_redacting_sink(spdlog::sink_ptr inner,
                                     std::shared_ptr<const core::redactor> redactor,
                                     const std::string& format) {
  bool json = format == "json";
  inner->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      json ? json_pattern : text_pattern, spdlog::pattern_time_type::utc));
  return std::make_shared<redacting_sink>(std::move(inner), std::move(redactor), json);
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name, spdlog::sink_ptr inner,
                                            std::shared_ptr<const core::redactor> redactor,
                                            const logging_options& options) {
  auto logger = std::make_shared<spdlog::logger>(
      name, make_redacting_sink(std::move(inner), std::move(redactor), options.format));
  logger->set_level(spdlog::level::from_str(options.level));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

void setup_logging(const logging_options& options, std::shared_ptr<const core::redactor> redactor) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  spdlog::set_default_logger(make_logger("phoenix", sink, std::move(redactor), options));
}

} // namespace phoenix
