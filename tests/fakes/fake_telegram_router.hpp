// Turns one HTTP request into the fake Telegram's reply: the control plane
// (/__control, /__stats, /__push, ...: no token, not counted), then for
// /bot<TOKEN>/<method> the counting, the injected faults, the token, the
// method and its parameters, checked as the Bot API checks them.
// Included only by fake_telegram.cpp.
#pragma once

#include "tests/fakes/fake_http_server.hpp"
#include "tests/fakes/fake_telegram_state.hpp"

#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace phoenix::fakes::telegram_detail {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

/// The answer to send (after `delay`), a reset instead of an answer, or a
/// wait: then `finish` makes the answer when woken or after `wait`.
struct reply {
  response res;
  bool reset = false;
  milliseconds delay{0};
  milliseconds wait{0};
  std::function<reply(wait_end)> finish;
  std::shared_ptr<void> in_flight; ///< released once answered
};

/// What the control plane may do to the server as a whole.
struct server_hooks {
  std::function<void(bool)> set_running;      ///< stop() / resume()
  std::function<void(milliseconds)> stop_for; ///< stop, resume by itself
  std::function<bool()> running;
};

using sample_map = std::map<std::string, std::string>;

constexpr const char* conflict_text =
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running";
constexpr const char* webhook_conflict_text =
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first";

class router {
public:
  router(server_state& state, std::string token, const sample_map& samples, server_hooks hooks)
      : state_(state), token_(std::move(token)), samples_(samples), hooks_(std::move(hooks)) {}

  reply handle(const request& req, const waker& wake) const;

  /// How late this request arrives (the arrival jitter; 0 for the control plane).
  milliseconds arrival_delay(const request& req) const;

private:
  struct call {
    const std::string& method; ///< lowercase
    const params& p;
    const std::string* get(std::string_view name) const {
      const std::string* v = find_param(p, name);
      return v && !v->empty() ? v : nullptr;
    }
  };

  // --- envelopes ---------------------------------------------------------------

  static response make(http::status status, const char* type, std::string body);

  static reply ok(const std::string& result_json, const char* description = nullptr);

  /// {"ok":false,"error_code":N,"description":"..."[,"parameters":{"retry_after":S}]}
  static response api_error(int code, const std::string& description, int retry_after = -1);
  static reply error(int code, const std::string& description, int retry_after = -1);
  static reply bad_request(const std::string& what) { return error(400, "Bad Request: " + what); }

  static response failure(int status, int retry_after, const std::string& method);

  // --- parameters ----------------------------------------------------------------

  /// JSON bodies become parameters as the Bot API server does it: strings as
  /// they are, other values as their JSON text. Form bodies are decoded.
  static std::string read_body(const request& req, params& p);

  /// chat_id: an integer (maybe in a string); "@name" is never found here.
  static bool chat_id(const call& c, int64_t& id, reply& err);

  reply forbidden(int64_t chat) const;

  /// reply_markup: any keyboard for sendMessage, an inline one for edits.
  /// The record keeps it (compact JSON); the message shows an inline one only.
  static bool reply_markup(const call& c, bool inline_only, outgoing& o, reply& err);

  /// text + parse_mode (or entities) into what the user sees.
  bool message_text(const call& c, outgoing& o, reply& err) const;

  /// entities=[...] given instead of a parse mode: kept as sent.
  static bool given_entities(const std::string& json, formatted_text& out);

  /// Telegram stores no leading or trailing white space; entities follow.
  static void trim(formatted_text& f);

  /// link_preview_options: an object, kept for the answer.
  static bool link_preview(const call& c, outgoing& o, reply& err);

  static size_t count_deprecated(const call& c);

  /// Telegram's limits on arrival (when enforced): a 429 in `refused`.
  bool over_limit(const call& c, reply& refused) const;

  // --- methods ---------------------------------------------------------------------

  reply dispatch(const call& c, const waker& wake) const;

  /// An integer in [min, max] or absent (default); Telegram clamps, the
  /// strict fake refuses.
  bool bounded(const call& c, const char* name, int64_t min, int64_t max, int64_t& value,
               reply& err) const;

  reply get_updates(const call& c, const waker& wake) const;

  bool allowed_updates(const std::string& json) const;

  reply send_message(const call& c) const;

  reply edit_message_text(const call& c) const;

  reply answer_callback_query(const call& c) const;

  reply send_chat_action(const call& c) const;

  reply delete_message(const call& c) const;

  reply set_webhook(const call& c) const;

  reply set_my_commands(const call& c) const;

  // --- control plane (fake_telegram.cpp) -------------------------------------------

  reply control_plane(const std::string& path, const params& q, const request& req,
                      const waker& wake) const;
  reply control(const params& q) const;
  reply stats() const;
  reply push(const params& q) const;
  reply push_many(const std::string& body) const;
  reply push_callback(const params& q) const;
  reply push_sample(const params& q) const;
  reply sent(const params& q, const waker& wake) const;
  reply callback_answer(const params& q) const;

  server_state& state_;
  std::string token_;
  const sample_map& samples_;
  server_hooks hooks_;
};

} // namespace phoenix::fakes::telegram_detail
