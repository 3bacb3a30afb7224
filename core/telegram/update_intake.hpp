// The poller's decisions as plain state, no actors, time passed in: whether
// to poll and what the next getUpdates asks (limit, offset), what an answer
// means (new updates, repeats, a renumbering, an unreadable update, a
// failure) and how long to wait after a failure, which new updates wait for
// the database inbox of before a restart, and which handled ids still need
// recording. The poller turns its messages into calls on it and sends what
// it says. The ids themselves are kept by an update_window.
#pragma once

#include "core/telegram/bot_api.hpp"
#include "core/telegram/update_window.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace phoenix::core {

/// A wait before trying again, 1.5x longer after each failure up to `most`;
/// each wait is drawn from [half, whole] of it so that instances do not retry
/// in step.
class growing_backoff {
public:
  using ms = std::chrono::milliseconds;
  growing_backoff(ms first, ms most) : first_(first), current_(first), most_(most) {}
  /// The wait before the next try (the one after it grows).
  ms next(std::minstd_rand& random);
  /// Back to the first wait, after a success.
  void reset() { current_ = first_; }

private:
  ms first_, current_, most_;
};

/// One getUpdates to send.
struct poll_request {
  std::optional<int64_t> offset; ///< none unless it confirms something new
  int limit = 1;                 ///< 1-100
};

/// What a getUpdates answer means, and what follows it.
struct poll_outcome {
  enum class next {
    poll,           ///< poll again now
    wait,           ///< poll again after `wait`
    token_rejected, ///< 401: the bot cannot go on
    none,           ///< stopping: nothing follows
  };
  enum class note {
    none,
    conflict, ///< the first 409 of an episode: another instance polls, or a webhook is set
    unreadable_skipped, ///< `skipped` came alone and unreadable twice: confirmed past, not handled
    unreadable,         ///< an answer that does not parse, naming no update: backing off
    failed,             ///< any other failure: backing off
  };
  next then = next::poll;
  std::chrono::milliseconds wait{0};
  note what = note::none;
  int64_t skipped = 0;
  std::vector<telegram_update> fresh; ///< new updates, in the answer's order
  std::vector<int64_t> renumbered_at; ///< Telegram restarted its ids below the ones seen, here
  std::vector<std::string> problems;  ///< malformed updates, each told once
};

class update_intake {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using ms = std::chrono::milliseconds;

  struct counts {
    uint64_t polls = 0;
    uint64_t poll_errors = 0; ///< failed getUpdates and getMe
    uint64_t received = 0;    ///< new updates
    uint64_t renumbered = 0;  ///< times Telegram restarted its ids
  };

  /// `max_in_flight`: updates in hand at most (handlers.max-in-flight);
  /// `inbox_wait`: how long new updates wait for an unreadable inbox.
  explicit update_intake(std::size_t max_in_flight = 1000,
                         clock::duration inbox_wait = std::chrono::seconds{10},
                         unsigned seed = std::random_device{}());

  // --- start -----------------------------------------------------------------
  /// getMe answered: polling may begin.
  void start() { started_ = true; }
  bool started() const { return started_; }
  /// getMe failed (not for the token): the wait before the start-up is tried again.
  ms start_failed();

  // --- polling ---------------------------------------------------------------
  /// The next getUpdates, or none: one is running, stopping, not started, no
  /// room in max_in_flight, the updates in hand would fill the answer, or it
  /// waits for an inbox write (see inbox_write_wait).
  std::optional<poll_request> begin_poll(time_point now = clock::now());
  /// How long the poll begin_poll refused last waits for an inbox write out:
  /// the write lets the updates in hand be confirmed, so a poll before it
  /// answers would bring them back and, when they are over 90 % of the
  /// answer, spend a round trip on a few new ones (a flood's pages). Its
  /// answer polls; past inbox_write_grace the poll goes anyway. None: the
  /// refusal was for another reason.
  std::optional<clock::duration> inbox_write_wait() const { return inbox_write_wait_; }
  static constexpr std::chrono::milliseconds inbox_write_grace{100};
  /// The running getUpdates was answered.
  poll_outcome on_poll_answer(const bot_api_answer& answer);

  // --- new updates and the inbox of before a restart ---------------------------
  /// New updates from an answer: those that go to the dispatcher now; until
  /// the inbox is read (or was waited for past inbox_wait), they are held.
  std::vector<telegram_update> take(std::vector<telegram_update> fresh, time_point now);
  /// An update pushed by the webhook, already committed to the inbox: those
  /// that go to the dispatcher now (held like take's until the inbox is
  /// read); none when it is in hand already (a repeat).
  std::vector<telegram_update> pushed(telegram_update update, time_point now);
  /// Held updates that waited inbox_wait for an unreadable inbox: they go now,
  /// and new ones are not held any more.
  std::vector<telegram_update> release_if_waited_too_long(time_point now);
  /// Whether the inbox is still to be read.
  bool inbox_wanted() const { return !inbox_read_ && !stopping_; }
  /// The highest id recorded as handled before this start (max_processed):
  /// only ids up to it need checking against the database.
  void handled_before_start(int64_t id);
  /// The inbox could not be read: the wait before reading it again.
  ms inbox_failed();
  /// The inbox's updates: those to dispatch (the rest are in hand already:
  /// Telegram sent them again). The inbox counts as read.
  std::vector<telegram_update> replay(std::vector<telegram_update> rows, time_point now);
  /// The updates held while the inbox was read: they go now.
  std::vector<telegram_update> take_held();
  /// Whether these updates must be checked against the ids handled before a
  /// restart (not when all are newer, nor while the inbox is unreadable:
  /// answering beats waiting).
  bool needs_dedupe_check(const std::vector<telegram_update>& updates) const;
  /// An inbox write went out: its ticket, for stored or store_failed.
  using write_ticket = std::uint64_t;
  write_ticket storing(time_point now);
  /// The inbox write of these ids (`ticket`, none for a write not announced)
  /// succeeded: those in hand may be confirmed. Returns those handled
  /// meanwhile: their record must follow the write.
  std::vector<int64_t> stored(const std::vector<int64_t>& ids, write_ticket ticket = 0);
  /// The inbox write `ticket` failed: its updates stay unconfirmable.
  void store_failed(write_ticket ticket);

  // --- handled updates -----------------------------------------------------------
  /// Update N is handled: how long since it was received; none if it was not in hand.
  std::optional<clock::duration> finish(int64_t id, time_point now);
  /// Updates confirmed without handling (over their chat's cap).
  void drop(const std::vector<int64_t>& ids);
  /// The ids to record as handled now: these and all waiting. None while a
  /// record is out: one at a time, the ids handled meanwhile wait and go
  /// together in the next (a crowd's updates share a statement and keep no
  /// request each). `now` (a stop) sends anyway.
  std::vector<int64_t> to_record(std::vector<int64_t> ids, bool now = false);
  /// The record of `ids` was answered; a failed one's ids go with the next.
  void record_answered(const std::vector<int64_t>& ids, bool ok);
  bool has_unrecorded() const { return !unrecorded_.empty(); }

  // --- offsets and stop --------------------------------------------------------
  /// Everything below may be confirmed.
  int64_t low_watermark() const { return window_.low_watermark(); }
  /// What a last getUpdates must confirm at a stop, if anything.
  std::optional<int64_t> offset_to_send() const { return window_.offset_to_send(); }
  /// The low watermark when it moved since it was last saved (for operators).
  std::optional<int64_t> offset_to_save();
  /// No more polls nor inbox reads.
  void stop() { stopping_ = true; }
  bool stopping() const { return stopping_; }
  /// Stopping, and no update that went out is still being handled (held ones
  /// never went out: Telegram sends them again after the restart).
  bool drained() const { return stopping_ && in_hand() == 0; }
  /// Updates that went out and are not handled yet.
  std::size_t in_hand() const { return window_.in_flight() - held_.size(); }
  std::size_t in_flight() const { return window_.in_flight(); }
  const counts& counted() const { return counts_; }

private:
  void read_updates(const bot_api_answer& answer, poll_outcome& out);
  void on_unreadable(const bot_api_answer& answer, poll_outcome& out);
  void back_off(poll_outcome& out);

  std::size_t max_in_flight_;
  clock::duration inbox_wait_;
  std::minstd_rand random_;
  update_window window_; ///< in hand, confirmable, the offset to send
  bool started_ = false;
  bool stopping_ = false;
  bool polling_ = false;
  poll_request asked_;            ///< the running getUpdates
  int64_t watermark_at_poll_ = 0; ///< the low watermark when it was sent
  /// Inbox writes out, by ticket, and when each went out: the grace runs
  /// from the oldest, so writes that overlap without a gap still get it.
  std::map<write_ticket, time_point> writes_out_;
  write_ticket last_ticket_ = 0;
  std::optional<clock::duration> inbox_write_wait_;
  growing_backoff backoff_{ms{100}, ms{30000}};
  growing_backoff start_backoff_{ms{1000}, ms{30000}};
  growing_backoff inbox_backoff_{ms{500}, ms{5000}};
  int conflicts_ = 0;               ///< 409s in a row
  int one_at_a_time_ = 0;           ///< polls left that ask for a single update
  int64_t unreadable_update_ = 0;   ///< the update that came alone and unreadable once
  size_t unconfirmable_answer_ = 0; ///< hash of the last answer holding only updates without ids
  /// The highest id handled before this start (unknown until the database answers).
  std::optional<int64_t> handled_before_start_;
  bool inbox_read_ = false;
  std::vector<telegram_update> held_; ///< new updates waiting for the inbox
  time_point held_since_{};
  bool inbox_wait_over_ = false;
  std::unordered_map<int64_t, time_point> received_at_; ///< of those in flight
  /// Recently handled ids: a webhook's repeat delivery of one whose record
  /// (mark_processed) is still on its way is no work. A ring allocated once:
  /// a node per id, made during a crowd and kept long after it, pinned a page
  /// of the crowd's freed memory each (issue 18, settled RSS).
  std::vector<int64_t> recently_done_;
  size_t recently_done_next_ = 0;
  std::vector<int64_t> unrecorded_; ///< handled, not recorded yet (waiting, or failed)
  bool record_out_ = false;         ///< a record is on its way to the database
  int64_t saved_offset_ = -1;
  counts counts_;
};

} // namespace phoenix::core
