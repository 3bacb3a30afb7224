// What the update_intake unit tests feed it: getUpdates answers built from
// update ids, error answers, and an intake that is started with its inbox read.
#pragma once

#include "core/telegram/update_intake.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace phoenix::test::intake {

using namespace phoenix::core;
using namespace std::chrono_literals;
using next = poll_outcome::next;
using note = poll_outcome::note;

inline std::string message(int64_t id, int64_t chat = 7) {
  return R"({"update_id":)" + std::to_string(id) + R"(,"message":{"message_id":1,"chat":{"id":)" +
         std::to_string(chat) + R"(,"type":"private"},"text":"hi"}})";
}

/// getUpdates' answer holding a text message for each id.
inline bot_api_answer updates(const std::vector<int64_t>& ids) {
  std::string result;
  for (auto id : ids)
    result += (result.empty() ? "" : ",") + message(id);
  return parse_bot_api_answer(200, R"({"ok":true,"result":[)" + result + "]}");
}

inline bot_api_answer error(int code, int retry_after = 0) {
  return parse_bot_api_answer(
      static_cast<unsigned>(code),
      R"({"ok":false,"error_code":)" + std::to_string(code) + R"(,"description":"no")" +
          (retry_after > 0 ? R"(,"parameters":{"retry_after":)" + std::to_string(retry_after) + "}"
                           : "") +
          "}");
}

inline bot_api_answer unreadable(int64_t id) {
  return parse_bot_api_answer(200, R"({"ok":true,"result":[{"update_id":)" + std::to_string(id) +
                                       R"(,"message":{"text":"\ud83d)");
}

inline std::vector<int64_t> ids_of(const std::vector<telegram_update>& updates) {
  std::vector<int64_t> ids;
  for (auto& u : updates)
    ids.push_back(u.update_id);
  return ids;
}

inline const update_intake::time_point t0{};

/// Started, the inbox read, nothing handled before: updates go at once.
struct running {
  update_intake intake{1000, 10s, 42};
  running() {
    intake.start();
    intake.replay({}, t0);
  }
  /// Polls, gets these ids, takes them; the outcome.
  poll_outcome poll_and_get(const std::vector<int64_t>& ids) {
    BOOST_REQUIRE(intake.begin_poll().has_value());
    auto out = intake.on_poll_answer(updates(ids));
    intake.take(out.fresh, t0);
    return out;
  }
};

} // namespace phoenix::test::intake
