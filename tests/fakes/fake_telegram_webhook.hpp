// The fake Telegram's webhook delivery, as Telegram does it: after setWebhook
// each queued update is POSTed to the URL with the secret header, at most one
// request in flight per chat and max_connections in all, in order per chat;
// a non-2xx answer or a connection failure is retried after a growing backoff
// (getWebhookInfo shows the last error). Only http://127.0.0.1:PORT URLs are
// reachable (no TLS in tests: the bot stands where the proxy would).
// Included only by the fake Telegram's own sources.
#pragma once

#include "tests/fakes/fake_telegram_state.hpp"

#include <memory>

namespace phoenix::fakes::telegram_detail {

class webhook_pusher {
public:
  /// Delivers from `state` on an io thread of its own until destroyed.
  explicit webhook_pusher(server_state& state);
  ~webhook_pusher();
  webhook_pusher(const webhook_pusher&) = delete;
  webhook_pusher& operator=(const webhook_pusher&) = delete;

  /// Requests answered 2xx, and answered otherwise or failed (for tests and /__stats).
  size_t delivered() const;
  size_t failed() const;

private:
  class impl;
  std::unique_ptr<impl> impl_;
};

} // namespace phoenix::fakes::telegram_detail
