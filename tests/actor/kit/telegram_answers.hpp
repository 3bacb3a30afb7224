// HTTP results as Telegram's Bot API gives them, for scripted network edges.
#pragma once

#include "core/http/http_client.hpp"

#include <string>

namespace phoenix::test {

/// An HTTP exchange that got `status` with a JSON body.
inline core::http_result http_answer(unsigned status, std::string body) {
  core::http_result r;
  r.response.status = status;
  r.response.headers.emplace_back("Content-Type", "application/json");
  r.response.body = std::move(body);
  return r;
}

/// {"ok":true,"result":RESULT}
inline core::http_result bot_api_ok(const std::string& result_json = "true") {
  return http_answer(200, R"({"ok":true,"result":)" + result_json + "}");
}

/// sendMessage's answer: the new message with this id.
inline core::http_result message_sent(int64_t message_id, int64_t chat_id = 1) {
  return bot_api_ok(R"({"message_id":)" + std::to_string(message_id) +
                    R"(,"date":0,"chat":{"id":)" + std::to_string(chat_id) +
                    R"(,"type":"private"}})");
}

/// A Bot API error: {"ok":false,"error_code":CODE,"description":...}.
inline core::http_result bot_api_error(int code, const std::string& description,
                                       int retry_after = 0) {
  std::string body = R"({"ok":false,"error_code":)" + std::to_string(code) + R"(,"description":")" +
                     description + "\"";
  if (retry_after > 0)
    body += R"(,"parameters":{"retry_after":)" + std::to_string(retry_after) + "}";
  return http_answer(static_cast<unsigned>(code), body + "}");
}

/// No answer at all: the network failed this way.
inline core::http_result network_failure(core::http_errc error) {
  core::http_result r;
  r.error = error;
  r.message = core::to_string(error);
  return r;
}

} // namespace phoenix::test
