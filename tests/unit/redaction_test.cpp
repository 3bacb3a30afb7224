#include "app/logging.hpp"
#include "core/ops/redaction.hpp"

#include <boost/test/unit_test.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <sstream>
#include <stdexcept>

using namespace phoenix;

namespace {

const std::string token = "7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9";
const std::string api_key = "0f3c9d8e7b6a5f4e3d2c1b0a99887766";

std::shared_ptr<const core::redactor> configured_redactor() {
  auto r = std::make_shared<core::redactor>();
  r->add_secret(token);
  r->add_secret(api_key);
  return r;
}

std::string log_everything(const std::string& format) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = make_logger("test", sink, configured_redactor(), {"trace", format});
  auto url = "https://api.telegram.org/bot" + token + "/getUpdates?offset=5";
  logger->trace("GET {}", url);
  logger->debug("GET {}", url);
  logger->info("GET {}", url);
  logger->warn("GET {}", url);
  logger->error("GET {}", url);
  logger->critical("GET {}", url);
  try {
    throw std::runtime_error("connect failed for " + url + " with key " + api_key);
  } catch (const std::exception& e) {
    logger->error("request failed: {}", e.what());
  }
  logger->info("db postgresql://phoenix:s3cretpw@127.0.0.1:5432/phoenix");
  logger->flush();
  return out.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(redaction_tests)

BOOST_AUTO_TEST_CASE(token_and_key_never_reach_a_log_line) {
  for (auto format : {"text", "json"}) {
    auto text = log_everything(format);
    BOOST_TEST(text.find(token) == std::string::npos);
    BOOST_TEST(text.find("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9") == std::string::npos);
    BOOST_TEST(text.find(api_key) == std::string::npos);
    BOOST_TEST(text.find("s3cretpw") == std::string::npos);
    BOOST_TEST(text.find("/bot<redacted>/getUpdates?offset=5") != std::string::npos);
    BOOST_TEST(text.find("postgresql://phoenix:<redacted>@127.0.0.1") != std::string::npos);
    // Every level and the exception message produced a line.
    BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 8);
  }
}

BOOST_AUTO_TEST_CASE(unregistered_token_shapes_are_masked_too) {
  core::redactor none;
  auto out = none.redact("token 123456789:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789_- leaked");
  BOOST_TEST(out == "token <redacted> leaked");
  // Ordinary text with colons and numbers stays as it is.
  BOOST_TEST(none.redact("kick-off 20:45, score 2:1, id 1035037") ==
             "kick-off 20:45, score 2:1, id 1035037");
}

BOOST_AUTO_TEST_CASE(json_lines_are_escaped) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = make_logger("test", sink, configured_redactor(), {"info", "json"});
  logger->info("user wrote \"hi\"\nand a backslash \\");
  auto line = out.str();
  BOOST_TEST(line.find(R"("msg":"user wrote \"hi\"\nand a backslash \\")") != std::string::npos);
  BOOST_TEST(line.find(R"("level":"info")") != std::string::npos);
  BOOST_TEST(std::count(line.begin(), line.end(), '\n') == 1);
}

BOOST_AUTO_TEST_SUITE_END()
