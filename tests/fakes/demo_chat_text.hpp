// The logic of demo-chat (the terminal client of scripts/demo) without any
// I/O, so that it is unit-tested: Telegram HTML rendered for a terminal, the
// fake Telegram's /__sent answers decoded, new and edited messages told
// apart, what the user typed, and the conversation script format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::demo {

/// Telegram HTML (b, i, u, s, code, pre, a, tg-spoiler, blockquote and the
/// entities) as terminal text. With `ansi`, styles become ANSI escape codes;
/// without, plain text. A link shows as "text (url)" unless the text is the url.
std::string render_html(std::string_view html, bool ansi);

/// One inline keyboard button, numbered from 1 in reading order.
struct button {
  std::string label;
  std::string callback_data; ///< "" for a URL button
  std::string url;
};

/// The buttons of a reply_markup object (rows flattened); none for other
/// keyboards or broken JSON.
std::vector<button> inline_buttons(std::string_view reply_markup_json);

/// A message the bot sent, as the fake's /__sent lists it.
struct bot_message {
  int64_t message_id = 0;
  std::string text;       ///< as sent, markup included
  std::string parse_mode; ///< "HTML", "" ...
  std::string plain_text; ///< what the user sees (the fake's entity parsing)
  std::vector<button> buttons;
  int edits = 0;
};

/// Decodes a /__sent answer (a JSON array); nullopt and `error` when it is not one.
std::optional<std::vector<bot_message>> parse_sent(std::string_view json, std::string& error);

/// The message's visible text: HTML rendered, other modes as the fake parsed them.
std::string message_text(const bot_message& m, bool ansi);

/// A message for the terminal: "bot> " (or "bot (edited)> ") before the first
/// line, the others indented, then one "[N] label" line per button.
std::string format_message(const bot_message& m, bool edited, bool ansi);

/// What changed since the last look at the chat's messages.
struct chat_event {
  bot_message message;
  bool edited = false;
};

/// Remembers the bot messages seen (id -> edit count) to tell new ones from
/// edits; feed it every /__sent answer.
class message_tracker {
public:
  /// The new and edited messages among `fetched`, in message order.
  std::vector<chat_event> update(const std::vector<bot_message>& fetched);
  /// The newest message id seen: ask /__sent for messages after it.
  int64_t last_id() const { return last_id_; }
  /// Ask /__sent with this `after` to re-read the recent messages that may
  /// have been edited (the newest `window` ones).
  int64_t recheck_after() const;

private:
  static constexpr std::size_t window = 32;
  std::map<int64_t, int> edits_;
  int64_t last_id_ = 0;
};

/// A line the user typed in the interactive client.
struct user_input {
  enum class kind { nothing, send, press, quit };
  kind what = kind::nothing;
  std::string text; ///< send: the message; press: the button number or label
};

/// "/quit" and "/exit" quit; "/press X" presses button X; a bare number from
/// 1 to `buttons` presses that button; anything else is sent as a message.
user_input parse_input(std::string_view line, std::size_t buttons);

/// The button `which` names: its number from 1, else the first whose label
/// contains it. nullopt and `error` when there is none.
std::optional<std::size_t> find_button(const std::vector<button>& buttons, std::string_view which,
                                       std::string& error);

/// One line of a conversation script (see tests/demo/conversation.txt):
///   > TEXT   the user sends TEXT
///   ? TEXT   a bot message (new or edited) since the last '>' or '!' contains TEXT
///   ! N      press button N (or the first whose label contains N) of the newest keyboard
///   # ...    a comment; blank lines are skipped too
struct script_step {
  enum class kind { send, expect, press };
  kind what = kind::send;
  std::string text;
  int line = 0; ///< in the file, from 1
};

struct script {
  std::vector<script_step> steps;
  std::string error; ///< "line N: ..." for the first bad line; steps are then empty
};

script parse_script(std::string_view text);

/// ASCII letters in lower case; other bytes as they are.
std::string lower_case(std::string_view text);
/// Without leading and trailing blanks (spaces, tabs, CR, LF).
std::string_view trim(std::string_view text);

/// "%XX" for every byte but letters, digits and -_.~ (a query-string value).
std::string url_encode(std::string_view text);

} // namespace phoenix::demo
