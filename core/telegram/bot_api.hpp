// The Telegram Bot API wire format: answers and updates in, request bodies
// out. Plain functions, no I/O; nothing here throws. Request bodies are built
// with a JSON writer so every string is escaped (and made valid UTF-8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phoenix::core {

/// Bodies above this size are refused instead of parsed.
inline constexpr std::size_t max_bot_api_body_bytes = 32u * 1024u * 1024u;

/// Deeper JSON is refused before parsing (the parser and writer recurse).
inline constexpr std::size_t max_bot_api_json_depth = 64;

/// Every Bot API answer: {"ok":true,"result":...} or
/// {"ok":false,"error_code":N,"description":"...","parameters":{...}}.
struct bot_api_answer {
  bool ok = false;
  int error_code = 0;
  std::string description;
  int retry_after = 0;            // seconds to wait after a 429
  int64_t migrate_to_chat_id = 0; // the group became this supergroup
  std::string result_json;        // `result` re-serialized; empty when absent (or not kept)
  int64_t message_id = 0;         // result.message_id when `result` is a Message, else 0
  // HTTP 200 with a body that does not parse (truncated, nested too deep): the
  // first update_id it names (a text scan), else 0. One unreadable update hides
  // a whole getUpdates answer; this lets the poller confirm and skip it.
  int64_t unreadable_update_id = 0;
};

/// What a successful answer keeps of its `result`: the JSON text (getMe,
/// getUpdates), or only message_id (sends: writing a sent message out again
/// and parsing it a second time, to read one number, cost about 6 % of the
/// bot's CPU in the throughput scenario).
enum class result_kept { json, message_id };

/// Never fails: a body that is not a Bot API answer (an HTML 502 page, a
/// truncated body) gives ok=false, error_code = http_status and the
/// description "HTTP 502 with a non-JSON body".
bot_api_answer parse_bot_api_answer(unsigned http_status, std::string_view body,
                                    result_kept kept = result_kept::json);

/// Telegram's 400 "message is not modified" to an edit: the message shows
/// that text and markup already (an edit repeated after a restart, a revision
/// that changed nothing shown). The message is as wanted: a success.
bool is_unchanged_edit(std::string_view method, const bot_api_answer& answer);

struct telegram_update {
  int64_t update_id = 0;
  enum class kind { message, callback_query, other } type = kind::other;
  int64_t chat_id = 0;   // 0 for a callback from an inline message
  std::string chat_type; // private, group, supergroup, channel
  int64_t user_id = 0;
  std::string username, first_name, language;
  int64_t message_id = 0; // the message, or the one carrying the button
  std::string text;       // message text ("" for photos, stickers...)
  std::string callback_id, callback_data;
  int64_t date = 0; // message date (unix seconds); 0 for callback queries
  /// Phoenix's own mark, not Telegram's: the chat's queue was full
  /// (handlers.max-queued-per-chat); answer with the flood notice instead.
  bool flood_notice = false;
  /// Phoenix's own mark: the user is over limits.user-commands-per-minute
  /// (the dispatcher's flood guard); answer with the warning instead.
  bool too_fast = false;
};

struct decoded_updates {
  bool ok = false;
  std::string error; // why the whole body was refused
  std::vector<telegram_update> updates;
  /// One line per malformed update, with its update_id. Malformed updates
  /// that have a numeric update_id are still listed in `updates` as
  /// kind::other so the poller confirms and skips them.
  std::vector<std::string> problems;
  std::vector<int64_t> problem_update_ids; // per problem: its update_id, 0 when none
};

/// Decodes a whole getUpdates answer ({"ok":true,"result":[...]}).
decoded_updates decode_updates(std::string_view get_updates_body);

// --- request bodies ---------------------------------------------------------

/// `limit` is clamped to 1-100 and `timeout_seconds` to 0-50 (the server's
/// ranges); only message and callback_query updates are asked for.
/// Without an offset Telegram confirms nothing and answers from its earliest
/// unconfirmed update.
std::string get_updates_body(std::optional<int64_t> offset, int limit, int timeout_seconds);

/// setWebhook: the URL Telegram POSTs to, the secret it sends back in
/// X-Telegram-Bot-Api-Secret-Token, connections at once (clamped to 1-100),
/// the same allowed_updates as getUpdates; pending updates are never dropped.
std::string set_webhook_body(const std::string& url, const std::string& secret_token,
                             int max_connections);

/// deleteWebhook (back to getUpdates); Phoenix passes false: nothing pending is lost.
std::string delete_webhook_body(bool drop_pending_updates);

/// One update as a webhook delivers it (a bare Update object). None when the
/// body is not one JSON object with a numeric update_id; `problem` says why.
std::optional<telegram_update> decode_webhook_update(std::string_view body, std::string* problem);

struct inline_button {
  std::string text;          // plain text, not HTML
  std::string callback_data; // 1-64 bytes
};
using inline_keyboard = std::vector<std::vector<inline_button>>;

/// HTML parse mode, link previews off; replies (when reply_to_message_id is
/// not 0) use reply_parameters and are sent even if the original is gone.
/// An empty keyboard sends no reply_markup.
std::string send_message_body(int64_t chat_id, const std::string& html, int64_t reply_to_message_id,
                              const inline_keyboard& keyboard);

/// A broadcast (a goal alert): HTML, no reply; `paid` adds
/// allow_paid_broadcast (up to 1000 messages/s, paid in Stars).
std::string broadcast_message_body(int64_t chat_id, const std::string& html, bool paid);

/// `text` (plain) is cut to the 200 characters Telegram allows; empty: none.
std::string answer_callback_query_body(const std::string& id, const std::string& text);

std::string edit_message_text_body(int64_t chat_id, int64_t message_id, const std::string& html,
                                   const inline_keyboard& keyboard);

/// (command without slash, description) pairs.
std::string set_my_commands_body(const std::vector<std::pair<std::string, std::string>>& commands);

/// getMe's result (a User): its username, or "" when absent or malformed.
std::string get_me_username(std::string_view result_json);
/// getMe's user id of the bot (0 if missing): the key of its update state.
int64_t get_me_id(std::string_view result_json);

} // namespace phoenix::core
