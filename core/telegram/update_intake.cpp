#include "core/telegram/update_intake.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>
#include <utility>

namespace phoenix::core {

namespace {

constexpr size_t remembered_done = 4096; // far more than a record takes to land
constexpr int64_t no_id = std::numeric_limits<int64_t>::min();

} // namespace

growing_backoff::ms growing_backoff::next(std::minstd_rand& random) {
  std::uniform_real_distribution<double> unit{0.5, 1.0};
  auto wait = ms{static_cast<int64_t>(static_cast<double>(current_.count()) * unit(random))};
  current_ = std::min(current_ * 3 / 2, most_);
  return wait;
}

update_intake::update_intake(std::size_t max_in_flight, clock::duration inbox_wait, unsigned seed)
    : max_in_flight_(max_in_flight), inbox_wait_(inbox_wait), random_(seed),
      recently_done_(remembered_done, no_id) {}

update_intake::ms update_intake::start_failed() {
  ++counts_.poll_errors;
  return start_backoff_.next(random_);
}

std::optional<poll_request> update_intake::begin_poll(time_point now) {
  inbox_write_wait_.reset();
  if (polling_ || stopping_ || !started_)
    return std::nullopt;
  auto in_flight = window_.in_flight();
  auto room = max_in_flight_ > in_flight ? max_in_flight_ - in_flight : 0;
  if (room == 0)
    return std::nullopt; // a handled update polls again
  auto limit = one_at_a_time_ > 0 ? 1 : static_cast<int>(std::min<size_t>(room, 100));
  // Telegram answers with its earliest unconfirmed updates: when those in hand
  // fill the limit, the answer would hold nothing new (after a full answer, a
  // flood's rest). An update handled or stored polls again.
  auto repeats = window_.repeats_ahead();
  if (repeats >= static_cast<size_t>(limit))
    return std::nullopt;
  // Over nine tenths: a crowd's pages, whose updates are handled while the
  // write is out, still poll as soon as a tenth is done.
  if (10 * repeats > 9 * static_cast<size_t>(limit) && !writes_out_.empty()) {
    auto waited = now - writes_out_.begin()->second;
    if (waited < clock::duration{inbox_write_grace}) {
      inbox_write_wait_ = clock::duration{inbox_write_grace} - waited;
      return std::nullopt;
    }
  }
  polling_ = true;
  ++counts_.polls;
  // No offset unless it confirms something new: Telegram remembers what was
  // confirmed, and a stale offset above renumbered ids would drop them all.
  asked_ = poll_request{window_.offset_to_send(), limit};
  watermark_at_poll_ = window_.low_watermark();
  return asked_;
}

poll_outcome update_intake::on_poll_answer(const bot_api_answer& answer) {
  polling_ = false;
  poll_outcome out;
  if (answer.ok) {
    if (asked_.offset)
      window_.confirmed(*asked_.offset);
    backoff_.reset();
    conflicts_ = 0;
    unreadable_update_ = 0;
    if (one_at_a_time_ > 0)
      --one_at_a_time_;
    if (stopping_) {
      out.then = poll_outcome::next::none; // not confirmed: Telegram sends them again
      return out;
    }
    read_updates(answer, out);
    // Only repeats of updates in hand (not yet confirmable): polling at once
    // would get them again at once, so wait for a change or a moment. Repeats
    // only because the offset moved while this poll was out (an update was
    // handled meanwhile): the next poll confirms them.
    if (out.fresh.empty() && answer.result_json.size() > 2 &&
        window_.low_watermark() == watermark_at_poll_) {
      out.then = poll_outcome::next::wait;
      out.wait = ms{500};
    }
    return out;
  }
  if (answer.error_code == 401) {
    out.then = poll_outcome::next::token_rejected;
    return out;
  }
  if (stopping_) { // the last getUpdates of the stop ended this poll (409): expected
    out.then = poll_outcome::next::none;
    return out;
  }
  if (answer.error_code == 409) {
    if (conflicts_++ == 0)
      out.what = poll_outcome::note::conflict;
    back_off(out);
  } else if (answer.error_code == 429) {
    ++counts_.poll_errors;
    out.then = poll_outcome::next::wait;
    out.wait = std::chrono::seconds{std::max(1, answer.retry_after)};
  } else if (answer.error_code == 200) { // HTTP 200, but not a Bot API answer
    on_unreadable(answer, out);
  } else {
    out.what = poll_outcome::note::failed;
    back_off(out);
  }
  return out;
}

// Network trouble, 5xx, 409: wait longer each time (with jitter), up to 30 s.
void update_intake::back_off(poll_outcome& out) {
  ++counts_.poll_errors;
  out.then = poll_outcome::next::wait;
  out.wait = backoff_.next(random_);
}

void update_intake::read_updates(const bot_api_answer& answer, poll_outcome& out) {
  auto decoded = decode_updates("{\"ok\":true,\"result\":" + answer.result_json + "}");
  std::set<int64_t> fresh_ids;
  for (auto& u : decoded.updates) {
    auto arrival = window_.arrive(u.update_id);
    if (arrival == update_window::arrival::repeat)
      continue; // unconfirmed repeat of something in hand
    if (arrival == update_window::arrival::renumbered) {
      ++counts_.renumbered;
      handled_before_start_ = 0; // every id of the new numbering is seen first by this process
      out.renumbered_at.push_back(u.update_id);
    }
    ++counts_.received;
    fresh_ids.insert(u.update_id);
    out.fresh.push_back(std::move(u));
  }
  // An update without an update_id is confirmed only by a later one: when it
  // comes alone, ask for many again (the later ones come along) and do not
  // tell it again while Telegram repeats the very same answer.
  bool only_unconfirmable = decoded.updates.empty() && !decoded.problems.empty();
  auto answer_hash = std::hash<std::string>{}(answer.result_json);
  bool repeated = only_unconfirmable && answer_hash == unconfirmable_answer_;
  unconfirmable_answer_ = only_unconfirmable ? answer_hash : 0;
  if (only_unconfirmable)
    one_at_a_time_ = 0;
  // One line per bad update: not again when an unconfirmed repeat brings it back.
  for (size_t i = 0; i < decoded.problems.size() && !repeated; ++i)
    if (decoded.problem_update_ids[i] == 0 || fresh_ids.count(decoded.problem_update_ids[i]) != 0)
      out.problems.push_back(std::move(decoded.problems[i]));
}

// An answer that does not parse hides every update in it, and Telegram sends
// the same again until the offset passes them: ask for one update at a time
// (for at most as many polls as that answer could hold) until the bad one
// comes alone; once it came alone twice (not garbled on the way), confirm and
// skip it.
void update_intake::on_unreadable(const bot_api_answer& answer, poll_outcome& out) {
  ++counts_.poll_errors;
  // Telegram sends nothing below the offset: a lower id was misread.
  auto id =
      answer.unreadable_update_id >= window_.low_watermark() ? answer.unreadable_update_id : 0;
  if (asked_.limit > 1) {
    one_at_a_time_ = asked_.limit;
    return;
  }
  if (id != 0 && id == unreadable_update_) {
    out.what = poll_outcome::note::unreadable_skipped;
    out.skipped = id;
    window_.skip(id);
    unreadable_update_ = 0;
    one_at_a_time_ = 0; // the rest may come many at a time again
    return;
  }
  unreadable_update_ = id;
  if (id != 0)
    return;
  out.what = poll_outcome::note::unreadable;
  out.then = poll_outcome::next::wait;
  out.wait = backoff_.next(random_); // counted once above
}

std::vector<telegram_update> update_intake::take(std::vector<telegram_update> fresh,
                                                 time_point now) {
  for (auto& u : fresh)
    received_at_.emplace(u.update_id, now);
  if (inbox_read_ || inbox_wait_over_)
    return fresh;
  if (held_.empty())
    held_since_ = now;
  for (auto& u : fresh)
    held_.push_back(std::move(u));
  return {};
}

std::vector<telegram_update> update_intake::pushed(telegram_update update, time_point now) {
  if (window_.in_hand(update.update_id) || std::find(recently_done_.begin(), recently_done_.end(),
                                                     update.update_id) != recently_done_.end())
    return {};
  // In hand outside getUpdates' numbering (no offset confirms it) and durable.
  window_.replay(update.update_id);
  ++counts_.received;
  std::vector<telegram_update> fresh;
  fresh.push_back(std::move(update));
  return take(std::move(fresh), now);
}

std::vector<telegram_update> update_intake::release_if_waited_too_long(time_point now) {
  if (held_.empty() || now - held_since_ < inbox_wait_)
    return {};
  inbox_wait_over_ = true;
  return std::exchange(held_, {});
}

void update_intake::handled_before_start(int64_t id) {
  if (!handled_before_start_) // not after a renumbering seen meanwhile
    handled_before_start_ = id;
}

update_intake::ms update_intake::inbox_failed() {
  return inbox_backoff_.next(random_);
}

std::vector<telegram_update> update_intake::replay(std::vector<telegram_update> rows,
                                                   time_point now) {
  std::vector<telegram_update> out;
  for (auto& u : rows) {
    if (window_.in_hand(u.update_id)) { // held: Telegram sent it again
      window_.keep_durable(u.update_id);
      continue;
    }
    window_.replay(u.update_id);
    received_at_.emplace(u.update_id, now);
    out.push_back(std::move(u));
  }
  inbox_read_ = true;
  return out;
}

std::vector<telegram_update> update_intake::take_held() {
  return std::exchange(held_, {});
}

bool update_intake::needs_dedupe_check(const std::vector<telegram_update>& updates) const {
  if (!inbox_read_)
    return false; // the database is not answering: answering beats losing
  if (!handled_before_start_)
    return true;
  // Ids above the highest handled before this start cannot be repeats.
  return std::any_of(updates.begin(), updates.end(), [&](const telegram_update& u) {
    return u.update_id <= *handled_before_start_;
  });
}

update_intake::write_ticket update_intake::storing(time_point now) {
  writes_out_.emplace(++last_ticket_, now);
  return last_ticket_;
}

void update_intake::store_failed(write_ticket ticket) {
  writes_out_.erase(ticket);
}

std::vector<int64_t> update_intake::stored(const std::vector<int64_t>& ids, write_ticket ticket) {
  writes_out_.erase(ticket);
  std::vector<int64_t> finished;
  for (auto id : ids)
    if (window_.in_hand(id))
      window_.keep_durable(id);
    else
      finished.push_back(id);
  return finished;
}

std::optional<update_intake::clock::duration> update_intake::finish(int64_t id, time_point now) {
  if (!window_.finish(id))
    return std::nullopt;
  recently_done_[recently_done_next_] = id;
  recently_done_next_ = (recently_done_next_ + 1) % recently_done_.size();
  clock::duration latency{0};
  if (auto since = received_at_.find(id); since != received_at_.end()) {
    latency = now - since->second;
    received_at_.erase(since);
  }
  return latency;
}

void update_intake::drop(const std::vector<int64_t>& ids) {
  for (auto id : ids) {
    window_.finish(id);
    received_at_.erase(id);
  }
}

std::vector<int64_t> update_intake::to_record(std::vector<int64_t> ids, bool now) {
  unrecorded_.insert(unrecorded_.end(), ids.begin(), ids.end());
  if ((record_out_ && !now) || unrecorded_.empty())
    return {};
  record_out_ = true;
  return std::exchange(unrecorded_, {});
}

void update_intake::record_answered(const std::vector<int64_t>& ids, bool ok) {
  record_out_ = false;
  if (!ok)
    unrecorded_.insert(unrecorded_.end(), ids.begin(), ids.end());
}

std::optional<int64_t> update_intake::offset_to_save() {
  auto offset = window_.low_watermark();
  if (offset == saved_offset_ || offset == 0)
    return std::nullopt;
  saved_offset_ = offset;
  return offset;
}

} // namespace phoenix::core
