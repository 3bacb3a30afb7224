// The fake Telegram's state, users' side: updates pushed by tests, the long poll
// that waits for them, offsets, webhooks and blocked users.
#include "tests/fakes/fake_telegram_state.hpp"

namespace phoenix::fakes::telegram_detail {

int64_t server_state::push_message(int64_t chat_id, const std::string& text,
                                   const std::string& username, int64_t user_id,
                                   steady::time_point* queued_at) {
  wake_list wake;
  int64_t update_id = 0;
  {
    std::lock_guard lock(mutex_);
    update_id = queue_message(chat_id, text, username, user_id, wake).first;
    if (queued_at) {
      *queued_at = steady::now();
    }
  }
  wake.run();
  return update_id;
}

int64_t server_state::push_messages(const std::vector<std::pair<int64_t, std::string>>& batch,
                                    std::vector<int64_t>& message_ids,
                                    steady::time_point& queued_at) {
  wake_list wake, repeats; // the waiting poll is woken once, not once per message
  int64_t first = 0;
  {
    std::lock_guard lock(mutex_);
    first = next_update_id_;
    for (const auto& [chat_id, text] : batch) {
      wake_list& w = message_ids.empty() ? wake : repeats;
      message_ids.push_back(queue_message(chat_id, text, "user", 0, w).second);
    }
    queued_at = steady::now();
  }
  wake.run();
  return first;
}

int64_t server_state::last_user_message_id(int64_t chat_id) const {
  std::lock_guard lock(mutex_);
  auto found = chats_.find(chat_id);
  return found == chats_.end() ? 0 : found->second.last_user_message_id;
}

int64_t server_state::push_callback(int64_t chat_id, int64_t message_id, const std::string& data) {
  wake_list wake;
  int64_t update_id = 0;
  {
    std::lock_guard lock(mutex_);
    chat_info& chat = chats_[chat_id];
    user_info user = chat.last_user;
    if (user.id == 0) {
      user.id = chat_id > 0 ? chat_id : std::llabs(chat_id);
      user.username = "user";
      user.first_name = "User";
    }
    update_id = next_update_id_++;
    const std::string id = std::to_string(callback_base_ + ++callback_seq_);
    callbacks_[id] = {update_id, steady::now(), false, {}};
    callback_by_update_[update_id] = id;
    rapidjson::StringBuffer buffer;
    api_writer w(buffer);
    w.StartObject();
    write_key(w, "update_id");
    w.Int64(update_id);
    write_key(w, "callback_query");
    w.StartObject();
    write_key(w, "id");
    write_string(w, id);
    write_key(w, "from");
    write_user(w, user);
    write_key(w, "message");
    if (auto found = messages_.find({chat_id, message_id}); found != messages_.end()) {
      write_message(w, chat_id, message_id, found->second, true);
    } else {
      // An InaccessibleMessage, as Telegram sends for a message it lost.
      w.StartObject();
      write_key(w, "chat");
      write_chat(w, chat_id);
      write_key(w, "message_id");
      w.Int64(message_id);
      write_key(w, "date");
      w.Int64(0);
      w.EndObject();
    }
    write_key(w, "chat_instance");
    write_string(w, std::to_string(-(1000000000000000000LL + (std::llabs(chat_id) % 1000000007))));
    write_key(w, "data");
    write_string(w, data);
    w.EndObject();
    w.EndObject();
    queue_update(update_id, "callback_query", api_json(buffer), wake);
  }
  wake.run();
  return update_id;
}

void server_state::push_raw(std::string json) {
  wake_list wake;
  {
    std::lock_guard lock(mutex_);
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    int64_t id = 0;
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("update_id") &&
        doc["update_id"].IsInt64()) {
      id = doc["update_id"].GetInt64();
      note_foreign(doc);
      next_update_id_ = std::max(next_update_id_, id + 1);
    } else {
      id = next_update_id_++;
    }
    queue_update(id, "", std::move(json), wake);
  }
  wake.run();
}

int64_t server_state::push_sample(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  wake_list wake;
  int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_update_id_++;
    if (doc.IsObject()) {
      doc.RemoveMember("update_id");
      rapidjson::Value copy(doc, doc.GetAllocator());
      doc.SetObject();
      doc.AddMember("update_id", id, doc.GetAllocator());
      for (auto& member : copy.GetObject()) {
        doc.AddMember(member.name, member.value, doc.GetAllocator());
      }
      note_foreign(doc);
    }
    queue_update(id, "", escape_slashes(to_json<api_writer>(doc)), wake);
  }
  wake.run();
  return id;
}

size_t server_state::pending_updates() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

server_state::poll_start server_state::begin_poll(bool has_offset, int64_t offset, int limit,
                                                  bool may_wait, waker wake) {
  wake_list to_wake;
  poll_start start;
  {
    std::lock_guard lock(mutex_);
    if (poll_) {
      // As Telegram: the waiting poll ends with 409, the new one goes on.
      to_wake.add(poll_->wake, wait_end::conflict);
      poll_.reset();
      ++conflicts_;
    }
    if (has_offset) {
      apply_offset(offset);
    }
    if (!queue_.empty() || !may_wait) {
      start.updates = collect(limit);
    } else {
      start.waiting = true;
      start.poll_id = ++poll_seq_;
      poll_ = active_poll{start.poll_id, std::move(wake)};
    }
  }
  to_wake.run();
  return start;
}

std::string server_state::end_poll(uint64_t poll_id, int limit) {
  std::lock_guard lock(mutex_);
  if (poll_ && poll_->id == poll_id) {
    poll_.reset();
  }
  return collect(limit);
}

void server_state::abort_poll() {
  wake_list to_wake;
  {
    std::lock_guard lock(mutex_);
    if (poll_) {
      to_wake.add(poll_->wake, wait_end::aborted);
      poll_.reset();
    }
  }
  to_wake.run();
}

std::shared_ptr<void> server_state::enter_getupdates() {
  const int now = in_flight_.fetch_add(1) + 1;
  int seen = max_in_flight_.load();
  while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
  }
  return std::shared_ptr<void>(nullptr, [this](void*) { in_flight_.fetch_sub(1); });
}

void server_state::set_allowed_updates(std::vector<std::string> types) {
  std::lock_guard lock(mutex_);
  allowed_updates_ = std::move(types);
  allowed_set_ = true;
}

void server_state::renumber_updates(int64_t next_id) {
  std::lock_guard lock(mutex_);
  next_update_id_ = next_id;
}

void server_state::set_webhook(bool active, std::string url, std::string secret,
                               int max_connections) {
  std::lock_guard lock(mutex_);
  webhook_active_ = active;
  webhook_url_ = active ? std::move(url) : std::string();
  webhook_secret_ = active ? std::move(secret) : std::string();
  webhook_max_connections_ = max_connections;
}

bool server_state::webhook_active() const {
  std::lock_guard lock(mutex_);
  return webhook_active_;
}

void server_state::drop_pending_updates() {
  std::lock_guard lock(mutex_);
  queue_.clear();
}

void server_state::block(int64_t chat_id, bool on) {
  std::lock_guard lock(mutex_);
  if (on) {
    blocked_.insert(chat_id);
  } else {
    blocked_.erase(chat_id);
  }
}

void server_state::unblock_all() {
  std::lock_guard lock(mutex_);
  blocked_.clear();
}

bool server_state::blocked(int64_t chat_id) const {
  std::lock_guard lock(mutex_);
  return blocked_.count(chat_id) != 0;
}

bool server_state::message_exists(int64_t chat_id, int64_t message_id) const {
  std::lock_guard lock(mutex_);
  return messages_.count({chat_id, message_id}) != 0;
}

std::string server_state::first_name_of(const std::string& username) {
  if (username.empty()) {
    return "User";
  }
  std::string name = username;
  if (name[0] >= 'a' && name[0] <= 'z') {
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
  }
  return name;
}

int64_t server_state::command_length(std::string_view text) {
  if (text.size() < 2 || text[0] != '/') {
    return 0;
  }
  auto word = [](char c) { return markup::is_alnum(c) || c == '_'; };
  size_t i = 1;
  while (i < text.size() && i <= 32 && word(text[i])) {
    ++i;
  }
  if (i == 1) {
    return 0;
  }
  if (i < text.size() && text[i] == '@') {
    size_t j = i + 1;
    while (j < text.size() && word(text[j])) {
      ++j;
    }
    if (j > i + 1) {
      i = j;
    }
  }
  return int64_t(i); // ASCII only: bytes are code units
}

bool server_state::allowed(const std::string& type) const {
  if (type.empty()) {
    return true;
  }
  if (!allowed_set_ || allowed_updates_.empty()) {
    return type != "chat_member" && type != "message_reaction" && type != "message_reaction_count";
  }
  return std::find(allowed_updates_.begin(), allowed_updates_.end(), type) !=
         allowed_updates_.end();
}

std::pair<int64_t, int64_t> server_state::queue_message(int64_t chat_id, const std::string& text,
                                                        const std::string& username,
                                                        int64_t user_id, wake_list& wake) {
  chat_info& chat = chats_[chat_id];
  user_info user;
  user.id = user_id != 0 ? user_id : chat_id > 0 ? chat_id : std::llabs(chat_id);
  user.username = username;
  user.first_name = first_name_of(username);
  chat.last_user = user;
  stored_message m;
  m.from = user;
  m.date = unix_now();
  m.content.text = text;
  if (const int64_t n = command_length(text); n > 0) {
    m.content.entities.push_back(make_entity("bot_command", 0, n));
  }
  const int64_t message_id = ++chat.last_message_id;
  chat.last_user_message_id = message_id;
  rapidjson::StringBuffer buffer;
  api_writer w(buffer);
  const int64_t update_id = next_update_id_++;
  w.StartObject();
  write_key(w, "update_id");
  w.Int64(update_id);
  write_key(w, "message");
  write_message(w, chat_id, message_id, m, false);
  w.EndObject();
  messages_[{chat_id, message_id}] = std::move(m);
  queue_update(update_id, "message", api_json(buffer), wake);
  return {update_id, message_id};
}

void server_state::queue_update(int64_t id, const std::string& type, std::string json,
                                wake_list& wake) {
  if (!allowed(type)) {
    return; // Telegram does not even store it
  }
  queue_.push_back({id, std::move(json)});
  if (poll_) {
    wake.add(poll_->wake, wait_end::woken); // stays registered until it answers
  }
}

void server_state::apply_offset(int64_t offset) {
  if (offset < 0) {
    // The last -offset updates; all previous ones are forgotten.
    const size_t keep = static_cast<size_t>(-(offset + 1)) + 1;
    while (queue_.size() > keep) {
      queue_.pop_front();
    }
    return;
  }
  confirmed_offset_ = std::max(confirmed_offset_, offset);
  queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                              [offset](const queued_update& u) { return u.id < offset; }),
               queue_.end());
}

std::string server_state::collect(int limit) const {
  std::string out = "[";
  int n = 0;
  for (const queued_update& u : queue_) {
    if (n++ == limit) {
      break;
    }
    if (out.size() > 1) {
      out += ',';
    }
    out += u.json;
  }
  return out + "]";
}

void server_state::note_foreign(const rapidjson::Value& update) {
  for (const char* type : {"message", "edited_message", "channel_post"}) {
    if (!update.HasMember(type) || !update[type].IsObject()) {
      continue;
    }
    const auto& m = update[type];
    if (m.HasMember("chat") && m["chat"].IsObject() && m["chat"].HasMember("id") &&
        m["chat"]["id"].IsInt64() && m.HasMember("message_id") && m["message_id"].IsInt64()) {
      const int64_t chat_id = m["chat"]["id"].GetInt64();
      const int64_t id = m["message_id"].GetInt64();
      chat_info& chat = chats_[chat_id];
      chat.last_message_id = std::max(chat.last_message_id, id);
      chat.last_user_message_id = id;
      stored_message stored;
      stored.date = unix_now();
      if (m.HasMember("text") && m["text"].IsString()) {
        stored.content.text = m["text"].GetString();
      }
      messages_[{chat_id, id}] = std::move(stored);
    }
  }
}

} // namespace phoenix::fakes::telegram_detail
