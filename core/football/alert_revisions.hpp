// What an edit of a goal alert needs to reach every message of its alert. A
// scorer often comes minutes after the goal, while a long fan-out (10,000
// chats at 29/s: six minutes) still has messages queued in the sender with
// the first text. So the live_alerts actor keeps, per recent alert key, the
// newest text: a message that is accepted with an older one is edited at
// once; the messages recorded before the edit are loaded from the database,
// but only once every record_alert_sent write started before it is done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace phoenix::core {

class alert_revisions {
public:
  /// Remembers the texts of the newest `keep_keys` alerts (older ones are no
  /// longer edited from memory, only from the database).
  explicit alert_revisions(std::size_t keep_keys = 256);

  /// The text an alert's fan-out starts with.
  void sent(const std::string& key, std::string text);
  /// A new text for a sent alert (an edit): until edited(key), the chats
  /// that get it as their message is accepted are noted as current.
  void revised(const std::string& key, std::string text);
  /// The newest text of `key`, if this process knows one.
  const std::string* newest(const std::string& key) const;

  /// A message of `key` to `chat` was accepted with `text`: the newest text
  /// to edit it to when it is older (nothing when it is current or unknown).
  /// Either way the chat holds the newest text from then on.
  std::optional<std::string> accepted(const std::string& key, int64_t chat,
                                      const std::string& text);
  /// Whether `chat` got (or was edited to) the newest text since the last
  /// revision: the edit from the database skips it.
  bool current(const std::string& key, int64_t chat) const;
  /// The edit from the database is done: forget which chats were current.
  void edited(const std::string& key);

  /// A record_alert_sent write starts: its number.
  uint64_t record_started();
  /// It is done (written or failed).
  void record_finished(uint64_t number);
  /// The number of the newest write started so far (0: none).
  uint64_t last_started() const { return next_record_ - 1; }
  /// Whether every write numbered up to `number` is done.
  bool finished_through(uint64_t number) const;

private:
  struct entry {
    std::string text;
    std::unordered_set<int64_t> current; // since the last revision, until edited()
    bool revising = false;
  };
  entry& text_of(const std::string& key, std::string text);
  std::size_t keep_keys_;
  std::unordered_map<std::string, entry> texts_;
  std::deque<std::string> order_; // oldest key first
  uint64_t next_record_ = 1;
  std::set<uint64_t> unfinished_;
};

} // namespace phoenix::core
