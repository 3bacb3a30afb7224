// Logging: spdlog with the level and format from the config, and a redaction
// layer in front of every sink so no secret reaches a log line, whoever logs.
#pragma once

#include "core/ops/redaction.hpp"

#include <memory>
#include <spdlog/logger.h>
#include <string>

namespace phoenix {

struct logging_options {
  std::string level = "info";  ///< trace, debug, info, warn, error, critical, off
  std::string format = "text"; ///< text or json (one object per line)
};

/// Wraps `inner` so that every line is redacted (and JSON-escaped for json).
spdlog::sink_ptr make_redacting_sink(spdlog::sink_ptr inner,
                                     std::shared_ptr<const core::redactor> redactor,
                                     const std::string& format);

/// Makes a logger writing to `inner` through the redaction layer.
std::shared_ptr<spdlog::logger> make_logger(const std::string& name, spdlog::sink_ptr inner,
                                            std::shared_ptr<const core::redactor> redactor,
                                            const logging_options& options);

/// Installs the default logger (stderr) used by spdlog::info & co everywhere.
void setup_logging(const logging_options& options, std::shared_ptr<const core::redactor> redactor);

} // namespace phoenix
