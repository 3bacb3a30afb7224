// The fault tests' bookkeeping for "nothing lost, nothing twice": every user
// message a test pushes, and how many of the bot's sent messages quote it.
#pragma once

#include "tests/fakes/fake_telegram.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace phoenix::test {

/// How the bot's replies cover the pushed messages.
struct delivery_count {
  size_t pushed = 0;
  size_t answered = 0;   ///< pushed messages with at least one reply
  size_t lost = 0;       ///< pushed messages without a reply
  size_t duplicated = 0; ///< replies beyond the first one to a message
  size_t strays = 0;     ///< replies quoting no pushed message

  bool exactly_once() const { return lost == 0 && duplicated == 0 && strays == 0; }
};

inline std::ostream& operator<<(std::ostream& out, const delivery_count& c) {
  return out << c.pushed << " pushed, " << c.answered << " answered, " << c.lost << " lost, "
             << c.duplicated << " duplicated, " << c.strays << " strays";
}

class delivery_ledger {
public:
  explicit delivery_ledger(fakes::fake_telegram& telegram) : telegram_(telegram) {}

  /// Sends `text` as the user of `chat` and remembers the message; returns its update_id.
  int64_t push(int64_t chat, const std::string& text) {
    auto update_id = telegram_.push_message(chat, text);
    pushed_.emplace_back(chat, telegram_.last_user_message_id(chat));
    return update_id;
  }

  /// `count` messages, /help unless `text_of` says otherwise, spread over
  /// `chats` chats (ids from first_chat), round robin.
  template <class TextOf> void push_many(int count, int chats, int64_t first_chat, TextOf text_of) {
    for (int i = 0; i < count; ++i)
      push(first_chat + i % chats, text_of(i));
  }

  size_t pushed() const { return pushed_.size(); }

  /// Replies counted now (a reply quotes its message: reply_to_message_id).
  delivery_count count() const {
    std::map<std::pair<int64_t, int64_t>, size_t> replies;
    for (const auto& sent : telegram_.all_sent())
      if (sent.reply_to_message_id != 0) // later parts of a split reply quote nothing
        ++replies[{sent.chat_id, sent.reply_to_message_id}];
    delivery_count c;
    c.pushed = pushed_.size();
    for (const auto& key : pushed_) {
      auto found = replies.find(key);
      if (found == replies.end()) {
        ++c.lost;
        continue;
      }
      ++c.answered;
      c.duplicated += found->second - 1;
      replies.erase(found);
    }
    for (const auto& [key, n] : replies)
      c.strays += n;
    return c;
  }

  /// For each pushed message answered more than once: when its first reply was sent.
  std::vector<std::chrono::steady_clock::time_point> first_copies_of_repeats() const {
    std::map<std::pair<int64_t, int64_t>, std::vector<std::chrono::steady_clock::time_point>> at;
    for (const auto& sent : telegram_.all_sent())
      at[{sent.chat_id, sent.reply_to_message_id}].push_back(sent.at);
    std::vector<std::chrono::steady_clock::time_point> firsts;
    for (const auto& key : pushed_)
      if (auto found = at.find(key); found != at.end() && found->second.size() > 1)
        firsts.push_back(*std::min_element(found->second.begin(), found->second.end()));
    return firsts;
  }

  /// Waits (on the fake's condition variable, no polling) until every pushed
  /// message has a reply or the deadline passes; then counts. Duplicates do
  /// not end the wait early: each round waits for one more message per lost one.
  delivery_count wait_until_answered(std::chrono::milliseconds deadline) const {
    auto until = std::chrono::steady_clock::now() + deadline;
    auto left = [&] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
    };
    telegram_.wait_for_total_sent(pushed_.size(), deadline);
    // The total is read before counting: a reply in between is then not
    // waited for a second time.
    auto total = telegram_.sent_count();
    auto c = count();
    for (size_t round = 0; c.lost > 0 && round < pushed_.size() && left().count() > 0; ++round) {
      telegram_.wait_for_total_sent(total + c.lost, left());
      total = telegram_.sent_count();
      c = count();
    }
    return c;
  }

private:
  fakes::fake_telegram& telegram_;
  std::vector<std::pair<int64_t, int64_t>> pushed_; ///< (chat, user message id)
};

} // namespace phoenix::test
