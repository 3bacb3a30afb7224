// Webhook mode with several instances: the active instance gets updates two
// ways, pushed by its own webhook intake and taken from the inbox after a
// standby kept them (a sweep, woken by NOTIFY or by a push that saw them
// waiting). A push that may follow a standby's older update of its chat
// waits for a sweep started after it; everything goes out in update id
// order (each chat's order: Telegram numbers a chat's updates upwards).
#pragma once

#include "core/telegram/bot_api.hpp"

#include <cstdint>
#include <vector>

namespace phoenix::core {

class inbox_sweeps {
public:
  /// A wake: true when a sweep is to start now; false when one runs (the
  /// next starts when it ends).
  bool wake();
  /// A push: what may go now (nothing while a sweep runs or pushes wait).
  std::vector<telegram_update> push(telegram_update update);

  struct ended {
    std::vector<telegram_update> going; ///< in id order
    bool sweep_again = false;           ///< start the next sweep now
  };
  /// The running sweep took these rows.
  ended end(std::vector<telegram_update> rows);
  /// The running sweep could not read the inbox: nothing goes, and no sweep
  /// starts until the next wake (the caller's retry after a pause: a database
  /// that fails fast must not be asked in a loop).
  void failed();

  bool running() const { return running_; }
  std::size_t waiting() const { return pending_.size(); }

private:
  struct pending {
    telegram_update update;
    uint64_t after_sweep = 0; ///< may go once this sweep (by count of starts) ended
  };
  bool running_ = false;
  bool again_ = false;
  uint64_t started_ = 0;
  std::vector<pending> pending_;
};

} // namespace phoenix::core
