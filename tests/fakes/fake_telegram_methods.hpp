// The Bot API methods the fake Telegram serves: a request names one in any
// case (as Telegram accepts), the fake records and reports it in its spelling.
// Included only by the fake Telegram's own sources.
#pragma once

#include "tests/fakes/fake_telegram_text.hpp"

#include <map>
#include <string>

namespace phoenix::fakes::telegram_detail {

/// Lowercase method names of the Bot API the fake serves, to their spelling.
inline const std::map<std::string, std::string>& known_methods() {
  static const std::map<std::string, std::string> names = [] {
    std::map<std::string, std::string> m;
    for (const char* name :
         {"getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
          "sendMessage", "editMessageText", "deleteMessage", "answerCallbackQuery",
          "sendChatAction", "setMyCommands", "getMyCommands", "deleteMyCommands"}) {
      m.emplace(to_lower(name), name);
    }
    return m;
  }();
  return names;
}

inline std::string canonical_method(const std::string& name) {
  auto found = known_methods().find(to_lower(name));
  return found == known_methods().end() ? to_lower(name) : found->second;
}

} // namespace phoenix::fakes::telegram_detail
