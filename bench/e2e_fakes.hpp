// The end-to-end benchmark's side of the fakes' control planes (no token, not
// counted as API calls): users write through the fake Telegram, replies are
// read from its send log with the fake's own timestamps; the fake
// API-Football's latency is set and its calls counted.
#pragma once

#include "core/http/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace phoenix::bench {

/// Blocking GET / POST on loopback; throws on a transport error or a status
/// other than 200.
class control_client {
public:
  explicit control_client(std::string base_url);
  std::string get(const std::string& target,
                  std::chrono::milliseconds timeout = std::chrono::seconds{30});
  std::string post(const std::string& target, std::string body,
                   std::chrono::milliseconds timeout = std::chrono::seconds{30});

private:
  std::string call(core::http_request request);

  std::string base_url_;
  core::http_client client_;
};

/// One message the bot sent, as the fake Telegram recorded it.
struct sent_reply {
  int64_t chat_id = 0, message_id = 0;
  int64_t reply_to = 0; ///< the user's message it quotes
  int64_t at_ns = 0;    ///< when the fake received the sendMessage (CLOCK_MONOTONIC)
  std::string text;     ///< what the user sees; only when collected with texts
};

/// Messages users wrote: when they became visible to getUpdates (the fake's
/// CLOCK_MONOTONIC) and their message ids, in order.
struct pushed {
  int64_t at_ns = 0;
  std::vector<int64_t> message_ids;
};

using chat_text = std::pair<int64_t, std::string>;

class telegram_driver {
public:
  explicit telegram_driver(const std::string& base_url) : http_(base_url) {}
  /// Every message at once (POST /__push_many): one lock, one wake-up.
  pushed push_many(const std::vector<chat_text>& messages);
  /// One message (GET /__push).
  pushed push(int64_t chat_id, const std::string& text);
  /// The next replies of the send log, until `count` arrived or the deadline
  /// passed (then fewer); their texts too when `with_text`.
  std::vector<sent_reply> collect(size_t count, std::chrono::milliseconds deadline,
                                  bool with_text = false);
  /// The texts of the send log's entries [from, from + count), read after a
  /// measurement (collecting them during one would cost the fake and the bench).
  std::vector<std::string> texts(size_t from, size_t count);
  /// Bot API calls of this method the fake answered (or holds, a long poll).
  size_t calls(const std::string& method);
  /// getUpdates answered 409 because another was waiting (two pollers).
  size_t getupdates_conflicts();
  /// The fake answers each call of `method` after `latency` plus 0..`jitter`
  /// (it records a sendMessage at once: the send log shows it meanwhile).
  void set_latency(const std::string& method, std::chrono::milliseconds latency,
                   std::chrono::milliseconds jitter);
  /// Telegram's limits counted and answered with 429 (off by default).
  void enforce_limits(bool on);
  /// 429s the enforced limits answered.
  size_t answered_429();

private:
  control_client http_;
  size_t next_index_ = 0; ///< position in the fake's send log
};

class football_driver {
public:
  explicit football_driver(const std::string& base_url) : http_(base_url) {}
  void set_latency(std::chrono::milliseconds latency);
  /// Requests the fake served in all / naming this fixture.
  size_t total_calls();
  size_t calls_for_fixture(int64_t id);
  /// The scripted live matches (live-scripted.json) at this step (-1: off).
  void set_live_step(int step);

private:
  control_client http_;
};

} // namespace phoenix::bench
