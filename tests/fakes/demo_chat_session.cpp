#include "tests/fakes/demo_chat_session.hpp"

#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <rapidjson/document.h>

namespace phoenix::demo {

namespace {

constexpr milliseconds request_timeout{5000};
constexpr milliseconds long_poll{1000};       // also how soon the reader notices a stop
constexpr milliseconds press_poll{200};       // while a button press waits for its answer
constexpr milliseconds press_patience{15000}; // Telegram's client gives up after about as long

// "{"update_id":N,...}" -> N, 0 when absent.
int64_t update_id_of(const std::string& json) {
  const std::string key = "\"update_id\":";
  const size_t at = json.find(key);
  return at == std::string::npos ? 0 : std::atoll(json.c_str() + at + key.size());
}

} // namespace

control_plane::control_plane(std::string base_url)
    : base_(std::move(base_url)), http_(core::http_client_options{}) {}

std::optional<std::string> control_plane::get(const std::string& target, milliseconds timeout,
                                              std::string& error) {
  core::http_request request;
  request.url = base_ + target;
  request.timeout = timeout;
  auto done = std::make_shared<std::promise<core::http_result>>();
  auto result = done->get_future();
  http_.async_request(std::move(request),
                      [done](core::http_result r) { done->set_value(std::move(r)); });
  const core::http_result r = result.get();
  if (!r.ok()) {
    error = std::string("fake Telegram at ") + base_ + ": " + core::to_string(r.error) + " (" +
            r.message + ")";
    return std::nullopt;
  }
  if (r.response.status != 200) {
    error = "fake Telegram answered " + std::to_string(r.response.status) + ": " + r.response.body;
    return std::nullopt;
  }
  return r.response.body;
}

chat_session::chat_session(session_options options)
    : options_(std::move(options)), fake_(options_.telegram_url) {
  reader_ = std::thread([this] { read_loop(); });
}

chat_session::~chat_session() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  reader_.join(); // before fake_ goes: its requests must complete
}

bool chat_session::send(const std::string& text) {
  std::string error;
  const auto answer = fake_.get("/__push?chat=" + std::to_string(options_.chat) + "&username=" +
                                    url_encode(options_.user) + "&text=" + url_encode(text),
                                request_timeout, error);
  if (!answer)
    print("demo-chat: could not send: " + error);
  return answer.has_value();
}

bool chat_session::press(const std::string& which) {
  std::vector<button> buttons;
  int64_t message_id = 0;
  {
    std::lock_guard lock(mutex_);
    buttons = keyboard_;
    message_id = keyboard_message_;
  }
  std::string error;
  const auto index = find_button(buttons, which, error);
  if (!index) {
    print("demo-chat: cannot press: " + error);
    return false;
  }
  const button& b = buttons[*index];
  const std::string name = "[" + std::to_string(*index + 1) + "] " + b.label;
  print("you pressed " + name);
  if (b.callback_data.empty()) {
    print("     (a link button: Telegram would open " + b.url + ")");
    return true;
  }
  const auto answer = fake_.get("/__callback?chat=" + std::to_string(options_.chat) +
                                    "&message_id=" + std::to_string(message_id) +
                                    "&data=" + url_encode(b.callback_data),
                                request_timeout, error);
  if (!answer) {
    print("demo-chat: could not press: " + error);
    return false;
  }
  std::lock_guard lock(mutex_);
  presses_.push_back({update_id_of(*answer), name, steady::now()});
  return true;
}

size_t chat_session::mark() {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

bool chat_session::wait_for_text(size_t from, const std::string& text,
                                 steady::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [&] {
    for (size_t i = from; i < seen_.size(); ++i)
      if (seen_[i].find(text) != std::string::npos)
        return true;
    return false;
  });
}

bool chat_session::wait_for_replies(size_t from, milliseconds quiet, steady::time_point deadline) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_until(lock, deadline, [&] { return seen_.size() > from; }))
    return false;
  // Long replies come in parts: take them all before the next line.
  for (size_t count = seen_.size();; count = seen_.size()) {
    changed_.wait_for(lock, quiet, [&] { return seen_.size() != count; });
    if (seen_.size() == count)
      return true;
  }
}

bool chat_session::wait_for_keyboard(steady::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [&] { return !keyboard_.empty(); });
}

size_t chat_session::keyboard_size() {
  std::lock_guard lock(mutex_);
  return keyboard_.size();
}

void chat_session::print(const std::string& text) {
  std::lock_guard lock(output_);
  std::cout << (options_.prompt ? "\r" : "") << text << '\n';
  if (options_.prompt)
    std::cout << "you> ";
  std::cout << std::flush;
}

void chat_session::show_prompt() {
  std::lock_guard lock(output_);
  std::cout << "you> " << std::flush;
}

void chat_session::read_loop() {
  bool reported = false; // a lost connection is printed once, until it works again
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_)
        return;
    }
    bool failed = false;
    const auto events = fetch(failed);
    if (failed && !reported)
      print("demo-chat: lost the fake Telegram; retrying");
    reported = failed;
    show(events);
    check_presses();
    if (failed) {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, milliseconds(500), [this] { return stopping_; });
    }
  }
}

// New messages (long poll), else a re-read of the recent ones for edits.
std::vector<chat_event> chat_session::fetch(bool& failed) {
  bool pressing = false;
  {
    std::lock_guard lock(mutex_);
    pressing = !presses_.empty();
  }
  const std::string chat = "/__sent?chat=" + std::to_string(options_.chat);
  const milliseconds wait = pressing ? press_poll : long_poll;
  std::string error;
  auto body = fake_.get(chat + "&after=" + std::to_string(tracker_.last_id()) +
                            "&wait_ms=" + std::to_string(wait.count()),
                        wait + request_timeout, error);
  std::optional<std::vector<bot_message>> messages;
  if (body)
    messages = parse_sent(*body, error);
  if (messages && messages->empty()) { // woken by an edit, or nothing new
    body = fake_.get(chat + "&after=" + std::to_string(tracker_.recheck_after()), request_timeout,
                     error);
    messages = body ? parse_sent(*body, error) : std::nullopt;
  }
  failed = !messages;
  return messages ? tracker_.update(*messages) : std::vector<chat_event>{};
}

void chat_session::show(const std::vector<chat_event>& events) {
  if (events.empty())
    return;
  std::string block;
  for (const chat_event& e : events)
    block += (block.empty() ? "" : "\n") + format_message(e.message, e.edited, options_.ansi);
  print(block);
  {
    std::lock_guard lock(mutex_);
    for (const chat_event& e : events) {
      std::string text = message_text(e.message, false);
      for (const button& b : e.message.buttons)
        text += "\n" + b.label;
      seen_.push_back(std::move(text));
      if (!e.message.buttons.empty()) {
        keyboard_ = e.message.buttons;
        keyboard_message_ = e.message.message_id;
      }
    }
  }
  changed_.notify_all();
}

// answerCallbackQuery: Telegram shows its text as a notice (none: the spinner stops).
void chat_session::check_presses() {
  std::vector<press_record> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting.swap(presses_);
  }
  std::vector<press_record> still;
  for (const press_record& p : waiting) {
    std::string error;
    const auto body = fake_.get("/__callback_answer?update_id=" + std::to_string(p.update_id),
                                request_timeout, error);
    if (body && body->find("\"answered\":true") != std::string::npos) {
      rapidjson::Document doc;
      doc.Parse(body->c_str());
      const std::string notice = doc.IsObject() && doc.HasMember("text") && doc["text"].IsString()
                                     ? doc["text"].GetString()
                                     : "";
      print(notice.empty() ? "     (the bot acknowledged the press of " + p.button + ")"
                           : "bot (notice on " + p.button + ")> " + notice);
    } else if (steady::now() - p.at > press_patience) {
      print("     (the bot never answered the press of " + p.button +
            ": Telegram would show a spinner)");
    } else {
      still.push_back(p);
    }
  }
  std::lock_guard lock(mutex_);
  presses_.insert(presses_.end(), still.begin(), still.end());
}

} // namespace phoenix::demo
