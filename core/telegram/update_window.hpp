// Which Telegram updates are in hand, which may be confirmed, and which
// offset (if any) the next getUpdates must carry. Plain state, no actors: the
// poller turns its messages into calls on it.
//
// Telegram forgets an update once getUpdates is called with an offset above
// its id, and after a week without updates it may restart the ids lower (or
// jump them far ahead). So the offset sent is never a stored one: it is
// derived only from ids Telegram gave in the current numbering, and sent only
// when it confirms something new. A poll without an offset gets the earliest
// unconfirmed updates, which Telegram itself remembers.
#pragma once

#include <cstdint>
#include <optional>
#include <set>

namespace phoenix::core {

class update_window {
public:
  enum class arrival {
    fresh,      ///< new: handle it
    repeat,     ///< in hand or handled and not yet confirmed: skip it
    renumbered, ///< new, and Telegram restarted its ids below the ones seen
  };

  /// An update id from a getUpdates answer (in the answer's order).
  arrival arrive(int64_t id);
  /// An update from the database inbox (received before a restart and
  /// already confirmed to Telegram): in hand, but outside the numbering.
  void replay(int64_t id);
  /// The update is safe in the database inbox: it may be confirmed while
  /// it is still being handled.
  void keep_durable(int64_t id);
  /// The update is handled; false if it was not in hand.
  bool finish(int64_t id);
  /// An id that came unreadable twice: confirm past it without handling it.
  void skip(int64_t id);

  /// Everything below may be confirmed (0 before the first update).
  int64_t low_watermark() const;
  /// The offset the next getUpdates carries: the low watermark when it
  /// confirms something Telegram has not been told yet, else none.
  std::optional<int64_t> offset_to_send() const;
  /// A getUpdates with this offset was answered: Telegram dropped what is below.
  void confirmed(int64_t offset);
  /// Updates the next getUpdates gets back as repeats: those received in this
  /// numbering at or above the low watermark (in hand, or handled above one in
  /// hand). Telegram answers with its earliest unconfirmed updates, so a poll
  /// whose limit is at most this brings nothing new.
  size_t repeats_ahead() const;

  bool in_hand(int64_t id) const { return in_flight_.count(id) != 0; }
  size_t in_flight() const { return in_flight_.size(); }
  bool empty() const { return in_flight_.empty(); }
  /// Times Telegram restarted its numbering while this process ran.
  uint64_t renumberings() const { return renumberings_; }

private:
  bool is_repeat(int64_t id) const;

  std::set<int64_t> in_flight_; ///< dispatched, not yet handled
  /// In flight in this numbering and not in the inbox yet: the lowest holds
  /// the watermark. Kept apart so that finding it (at every finish) does not
  /// walk all in flight: a set lookup per id in flight made a crowd quadratic.
  std::set<int64_t> not_durable_;
  std::set<int64_t> outside_;     ///< in flight from an earlier numbering or the inbox
  std::set<int64_t> done_above_;  ///< handled, above the lowest in flight
  std::set<int64_t> unconfirmed_; ///< below the watermark, not yet confirmed to Telegram
  int64_t next_update_ = 0;       ///< one above the highest id of this numbering
  std::optional<int64_t> confirmed_;
  uint64_t renumberings_ = 0;
};

} // namespace phoenix::core
