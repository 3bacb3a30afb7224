// The fake Telegram's state, the bot's side: messages it sent and edited, callback
// answers, what tests wait for, and the counters.
#include "tests/fakes/fake_telegram_state.hpp"

namespace phoenix::fakes::telegram_detail {

std::string server_state::send(outgoing o) {
  std::string json;
  wake_list wake;
  {
    std::lock_guard lock(mutex_);
    chat_info& chat = chats_[o.chat_id];
    const int64_t message_id = ++chat.last_message_id;
    stored_message m;
    m.from_bot = true;
    m.date = unix_now();
    m.content = std::move(o.content);
    m.markup_json = o.markup_json;
    m.link_preview_json = std::move(o.link_preview_json);
    m.reply_to = o.reply_to;
    m.sent_index = sent_.size();
    sent_message s;
    s.chat_id = o.chat_id;
    s.message_id = message_id;
    s.text = std::move(o.raw_text);
    s.parse_mode = std::move(o.parse_mode);
    s.reply_markup_json = std::move(o.record_markup);
    s.reply_to_message_id = o.reply_to;
    s.at = steady::now();
    s.plain_text = m.content.text;
    sent_.push_back(std::move(s));
    ++sent_per_chat_[o.chat_id];
    json = message_json(o.chat_id, message_id, m);
    messages_[{o.chat_id, message_id}] = std::move(m);
    wake.take_all(sent_watchers_);
  }
  changed_.notify_all();
  wake.run();
  return json;
}

edit_verdict server_state::edit(outgoing o, std::string& json) {
  wake_list wake;
  {
    std::lock_guard lock(mutex_);
    auto found = messages_.find({o.chat_id, o.message_id});
    if (found == messages_.end()) {
      return edit_verdict::not_found;
    }
    stored_message& m = found->second;
    if (!m.from_bot) {
      return edit_verdict::not_bot;
    }
    if (m.content.text == o.content.text && same_entities(m.content, o.content) &&
        m.markup_json == o.markup_json) {
      return edit_verdict::not_modified;
    }
    m.content = std::move(o.content);
    m.markup_json = std::move(o.markup_json);
    m.link_preview_json = std::move(o.link_preview_json);
    m.edit_date = unix_now();
    sent_message& s = sent_[m.sent_index];
    s.text = std::move(o.raw_text);
    s.parse_mode = std::move(o.parse_mode);
    s.reply_markup_json = std::move(o.record_markup);
    s.plain_text = m.content.text;
    ++s.edits;
    json = message_json(o.chat_id, o.message_id, m);
    wake.take_all(sent_watchers_);
  }
  changed_.notify_all();
  wake.run();
  return edit_verdict::ok;
}

bool server_state::erase_message(int64_t chat_id, int64_t message_id) {
  std::lock_guard lock(mutex_);
  return messages_.erase({chat_id, message_id}) != 0;
}

answer_verdict server_state::answer_callback(const std::string& id, const std::string& text) {
  {
    std::lock_guard lock(mutex_);
    auto found = callbacks_.find(id);
    if (found == callbacks_.end() || found->second.answered) {
      return answer_verdict::invalid;
    }
    if (steady::now() - found->second.issued > std::chrono::seconds(15)) {
      return answer_verdict::too_old;
    }
    found->second.answered = true;
    found->second.text = text;
    ++answered_callbacks_;
  }
  changed_.notify_all();
  return answer_verdict::ok;
}

std::optional<std::string> server_state::callback_answer(int64_t update_id) const {
  std::lock_guard lock(mutex_);
  auto id = callback_by_update_.find(update_id);
  if (id == callback_by_update_.end()) {
    return std::nullopt;
  }
  const callback_info& c = callbacks_.at(id->second);
  return c.answered ? std::optional<std::string>(c.text) : std::nullopt;
}

void server_state::set_commands(std::string json) {
  std::lock_guard lock(mutex_);
  commands_json_ = std::move(json);
}

std::string server_state::commands() const {
  std::lock_guard lock(mutex_);
  return commands_json_;
}

uint64_t server_state::watch_sent(waker wake) {
  std::lock_guard lock(mutex_);
  const uint64_t id = ++watch_seq_;
  sent_watchers_.emplace(id, std::move(wake));
  return id;
}

void server_state::unwatch_sent(uint64_t id) {
  std::lock_guard lock(mutex_);
  sent_watchers_.erase(id);
}

void server_state::forget_waiters() {
  std::lock_guard lock(mutex_);
  poll_.reset();
  sent_watchers_.clear();
}

std::vector<sent_message> server_state::sent(int64_t chat_id) const {
  std::lock_guard lock(mutex_);
  return sent_in(chat_id);
}

std::vector<sent_message> server_state::all_sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

std::vector<sent_message> server_state::sent_after(int64_t chat_id, int64_t after) const {
  std::lock_guard lock(mutex_);
  std::vector<sent_message> out;
  for (const sent_message& s : sent_) {
    if ((chat_id == 0 || s.chat_id == chat_id) && s.message_id > after) {
      out.push_back(s);
    }
  }
  return out;
}

std::vector<sent_message> server_state::sent_since(size_t since, size_t max, bool with_text) const {
  std::lock_guard lock(mutex_);
  std::vector<sent_message> out;
  for (size_t i = since; i < sent_.size() && out.size() < max; ++i) {
    if (with_text) {
      out.push_back(sent_[i]);
      continue;
    }
    sent_message s;
    s.chat_id = sent_[i].chat_id;
    s.message_id = sent_[i].message_id;
    s.reply_to_message_id = sent_[i].reply_to_message_id;
    s.at = sent_[i].at;
    s.edits = sent_[i].edits;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<sent_message> server_state::wait_for_messages(int64_t chat_id, size_t count,
                                                          milliseconds deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, deadline, [&] {
    auto found = sent_per_chat_.find(chat_id);
    return found != sent_per_chat_.end() && found->second >= count;
  });
  return sent_in(chat_id);
}

size_t server_state::wait_for_total_sent(size_t n, milliseconds deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, deadline, [&] { return sent_.size() >= n; });
  return sent_.size();
}

size_t server_state::wait_for_calls(const std::string& method, size_t n, milliseconds deadline) {
  const std::string key = to_lower(method);
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, deadline, [&] { return count_of(key) >= n; });
  return count_of(key);
}

void server_state::record_call(const std::string& method_lower) {
  {
    std::lock_guard lock(mutex_);
    ++total_calls_;
    ++calls_[method_lower];
  }
  changed_.notify_all();
}

void server_state::count_unauthorized() {
  std::lock_guard lock(mutex_);
  ++unauthorized_;
}

void server_state::count_deprecated(size_t n) {
  std::lock_guard lock(mutex_);
  deprecated_ += n;
}

void server_state::count_confirmed(int64_t offset) {
  std::lock_guard lock(mutex_);
  confirmed_offset_ = std::max(confirmed_offset_, offset);
}

size_t server_state::calls(const std::string& method) const {
  std::lock_guard lock(mutex_);
  return count_of(to_lower(method));
}

size_t server_state::total_calls() const {
  std::lock_guard lock(mutex_);
  return total_calls_;
}

size_t server_state::sent_count() const {
  std::lock_guard lock(mutex_);
  return sent_.size();
}

int64_t server_state::confirmed_offset() const {
  std::lock_guard lock(mutex_);
  return confirmed_offset_;
}

size_t server_state::answered_callbacks() const {
  std::lock_guard lock(mutex_);
  return answered_callbacks_;
}

size_t server_state::deprecated_parameters() const {
  std::lock_guard lock(mutex_);
  return deprecated_;
}

double server_state::max_per_second(int64_t chat_id) const {
  std::lock_guard lock(mutex_);
  std::vector<steady::time_point> times;
  for (const sent_message& s : sent_) {
    if (chat_id == 0 || s.chat_id == chat_id) {
      times.push_back(s.at);
    }
  }
  size_t best = 0;
  for (size_t first = 0, last = 0; last < times.size(); ++last) {
    while (times[last] - times[first] >= std::chrono::seconds(1)) {
      ++first;
    }
    best = std::max(best, last - first + 1);
  }
  return static_cast<double>(best);
}

void server_state::reset_counters() {
  std::lock_guard lock(mutex_);
  total_calls_ = unauthorized_ = deprecated_ = answered_callbacks_ = 0;
  calls_.clear();
  confirmed_offset_ = 0;
  connections_.store(0);
  max_in_flight_.store(in_flight_.load());
  limits.reset_counters();
}

bool server_state::same_entities(const formatted_text& a, const formatted_text& b) {
  if (a.entities.size() != b.entities.size()) {
    return false;
  }
  for (size_t i = 0; i < a.entities.size(); ++i) {
    const entity &x = a.entities[i], &y = b.entities[i];
    if (x.type != y.type || x.offset != y.offset || x.length != y.length || x.url != y.url ||
        x.language != y.language || x.custom_emoji_id != y.custom_emoji_id) {
      return false;
    }
  }
  return true;
}

std::vector<sent_message> server_state::sent_in(int64_t chat_id) const {
  std::vector<sent_message> out;
  for (const sent_message& s : sent_) {
    if (s.chat_id == chat_id) {
      out.push_back(s);
    }
  }
  return out;
}

size_t server_state::count_of(const std::string& key) const {
  auto found = calls_.find(key);
  return found == calls_.end() ? 0 : found->second;
}

} // namespace phoenix::fakes::telegram_detail
