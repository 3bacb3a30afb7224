// One Telegram user's chat with the bot, driven over the fake Telegram's
// control plane (GET /__push, /__callback, /__sent, /__callback_answer,
// /__stats on 127.0.0.1): a reader thread long-polls /__sent and prints the
// bot's messages as they arrive; the caller sends, presses buttons and waits
// for replies. Used by demo_chat.cpp only.
#pragma once

#include "core/http/http_client.hpp"
#include "tests/fakes/demo_chat_text.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace phoenix::demo {

using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

/// Blocking GETs to the fake's control plane.
class control_plane {
public:
  explicit control_plane(std::string base_url);
  /// The body of a 200 answer; nullopt and `error` otherwise.
  std::optional<std::string> get(const std::string& target, milliseconds timeout,
                                 std::string& error);

private:
  std::string base_;
  core::http_client http_;
};

struct session_options {
  std::string telegram_url; ///< the fake's base URL
  int64_t chat = 1001;      ///< private chat = user id
  std::string user = "demo";
  bool ansi = false;   ///< styles as ANSI codes
  bool prompt = false; ///< reprint "you> " after the bot's output (a terminal)
};

class chat_session {
public:
  explicit chat_session(session_options options);
  ~chat_session(); ///< stops the reader
  chat_session(const chat_session&) = delete;
  chat_session& operator=(const chat_session&) = delete;

  /// The user writes `text`; false (and a printed reason) when the fake refused.
  bool send(const std::string& text);
  /// The user presses button `which` (number or label) of the newest keyboard.
  bool press(const std::string& which);

  /// Events (new or edited bot messages) so far; pass to the waits below to
  /// look only at later ones.
  std::size_t mark();
  /// Waits until an event from `from` on shows `text` (message or button labels).
  bool wait_for_text(std::size_t from, const std::string& text, steady::time_point deadline);
  /// Waits for any event from `from` on, then until none came for `quiet`.
  bool wait_for_replies(std::size_t from, milliseconds quiet, steady::time_point deadline);
  /// Waits until some message had an inline keyboard.
  bool wait_for_keyboard(steady::time_point deadline);
  /// Buttons of the newest keyboard.
  std::size_t keyboard_size();

  /// Prints a block of lines (whole, never interleaved with the reader's).
  void print(const std::string& text);
  /// Shows "you> " (a terminal, between the user's lines).
  void show_prompt();

private:
  struct press_record {
    int64_t update_id;
    std::string button; ///< "[N] label"
    steady::time_point at;
  };

  void read_loop();
  std::vector<chat_event> fetch(bool& failed);
  void show(const std::vector<chat_event>& events);
  void check_presses();

  const session_options options_;
  control_plane fake_;
  message_tracker tracker_; // reader thread only

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> seen_; // plain text of every event, in order
  std::vector<button> keyboard_;
  int64_t keyboard_message_ = 0;
  std::vector<press_record> presses_;
  bool stopping_ = false;

  std::mutex output_;
  std::thread reader_;
};

} // namespace phoenix::demo
