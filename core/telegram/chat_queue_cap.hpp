// A cap on the updates queued per chat (handlers.max-queued-per-chat), so
// that one flooding chat cannot fill handlers.max-in-flight, the room all
// chats share. An update beyond the cap is not queued: the poller confirms
// and counts it, and so it does with the chat's next ones (the rest of the
// flood) until its queue is empty again and a hold time has passed since the
// overflow: paging through a burst of hundreds takes Phoenix several
// getUpdates, and a queue answered meanwhile must not take the next cap's
// worth of the same burst. The first update dropped in a flood episode is
// queued anyway, to be answered with one notice; an episode ends after a calm
// spell without a dropped update. Plain state, time passed in; chats with
// nothing queued and no episode or hold going are forgotten.
#pragma once

#include "core/telegram/bot_api.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace phoenix::core {

class chat_queue_cap {
public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;
  enum class verdict {
    queue,  ///< within the cap: handle it
    notice, ///< over the cap, the first of its episode: queue it, answer with the notice
    drop,   ///< over the cap, or held since an overflow: confirm it without handling
  };

  /// `per_chat` 0: off (everything is queued).
  explicit chat_queue_cap(std::size_t per_chat, duration hold = std::chrono::seconds{1},
                          duration calm = std::chrono::minutes{1});

  /// An update of `chat_id` arrives; only one that `deserves_notice` (see
  /// expects_answer) may become the episode's notice, the others are dropped.
  verdict on_arrival(int64_t chat_id, bool deserves_notice, time_point now);
  /// A queued update (queue or notice) of `chat_id` is done.
  void on_done(int64_t chat_id, time_point now);

  std::size_t queued(int64_t chat_id) const;
  /// Chats currently remembered (for tests): bounded by the chats with
  /// something queued plus those in an episode.
  std::size_t tracked_chats() const { return chats_.size(); }

private:
  struct chat_state {
    std::size_t queued = 0;
    bool overflowed = false; ///< held: nothing is queued (see held)
    bool notified = false;   ///< this episode's notice is queued or sent
    time_point overflowed_at{}, last_drop{};
  };

  /// Overflowed, and its queue not yet empty or the hold not yet over.
  bool held(const chat_state& chat, time_point now) const;
  bool episode_over(const chat_state& chat, time_point now) const;
  /// Nothing queued, held or going on: the chat need not be remembered.
  bool forgettable(const chat_state& chat, time_point now) const;
  void forget_calm_chats(time_point now);

  std::size_t per_chat_;
  duration hold_, calm_;
  std::unordered_map<int64_t, chat_state> chats_;
  time_point last_cleanup_{};
};

/// Whether Phoenix answers this update: a button press, anything in a
/// private chat, a command of this bot in a group (group chatter is not).
bool expects_answer(const telegram_update& update, std::string_view bot_username);

} // namespace phoenix::core
