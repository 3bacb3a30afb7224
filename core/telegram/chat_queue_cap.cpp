#include "core/telegram/chat_queue_cap.hpp"

#include "core/telegram/command_parser.hpp"

namespace phoenix::core {

namespace {

// Scanning for calm chats at most this often keeps the cost amortized.
constexpr auto cleanup_every = std::chrono::seconds{1};

} // namespace

chat_queue_cap::chat_queue_cap(std::size_t per_chat, duration hold, duration calm)
    : per_chat_(per_chat), hold_(hold), calm_(calm) {}

bool chat_queue_cap::held(const chat_state& chat, time_point now) const {
  return chat.overflowed && (chat.queued > 0 || now - chat.overflowed_at < hold_);
}

bool chat_queue_cap::episode_over(const chat_state& chat, time_point now) const {
  return !chat.notified || now - chat.last_drop >= calm_;
}

bool chat_queue_cap::forgettable(const chat_state& chat, time_point now) const {
  return chat.queued == 0 && !held(chat, now) && episode_over(chat, now);
}

chat_queue_cap::verdict chat_queue_cap::on_arrival(int64_t chat_id, bool deserves_notice,
                                                   time_point now) {
  if (per_chat_ == 0)
    return verdict::queue;
  forget_calm_chats(now);
  chat_state& chat = chats_[chat_id];
  chat.overflowed = held(chat, now);
  if (!chat.overflowed && chat.queued < per_chat_) {
    ++chat.queued;
    return verdict::queue;
  }
  if (!chat.overflowed) {
    chat.overflowed = true;
    chat.overflowed_at = now;
  }
  bool first_of_episode = episode_over(chat, now);
  chat.last_drop = now;
  if (first_of_episode)
    chat.notified = false;
  if (chat.notified || !deserves_notice)
    return verdict::drop;
  chat.notified = true;
  ++chat.queued;
  return verdict::notice;
}

void chat_queue_cap::on_done(int64_t chat_id, time_point now) {
  auto pos = chats_.find(chat_id);
  if (pos == chats_.end())
    return;
  auto& chat = pos->second;
  if (chat.queued > 0)
    --chat.queued;
  if (forgettable(chat, now))
    chats_.erase(pos);
}

std::size_t chat_queue_cap::queued(int64_t chat_id) const {
  auto pos = chats_.find(chat_id);
  return pos == chats_.end() ? 0 : pos->second.queued;
}

void chat_queue_cap::forget_calm_chats(time_point now) {
  if (now - last_cleanup_ < cleanup_every)
    return;
  last_cleanup_ = now;
  for (auto it = chats_.begin(); it != chats_.end();) {
    if (forgettable(it->second, now))
      it = chats_.erase(it);
    else
      ++it;
  }
}

bool expects_answer(const telegram_update& update, std::string_view bot_username) {
  if (update.type == telegram_update::kind::callback_query)
    return true;
  if (update.type != telegram_update::kind::message)
    return false;
  bool group = update.chat_type == "group" || update.chat_type == "supergroup";
  return !group || parse_command(update.text, bot_username).has_value();
}

} // namespace phoenix::core
