// The goal-alert messages, as Telegram HTML in the style of bot_text: one bold
// headline with the score, then who and when, then the competition. Names from
// the feed are escaped here.
#pragma once

#include "core/football/live_diff.hpp"

#include <string>

namespace phoenix::core {

/// The message for `alert`; an `edit` alert gives the whole new text of the
/// message sent under its key (a scorer named late, a corrected goal type).
std::string alert_text(const live_alert& alert);

} // namespace phoenix::core
