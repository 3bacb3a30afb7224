// The webhook keys' cross-key rules (telegram.mode = webhook needs a URL, a
// secret token and an address to listen on). The secret is never shown.
#include "app/config.hpp"
#include "core/http/webhook_rules.hpp"

namespace phoenix {

namespace {

// Telegram POSTs only to HTTPS; plain http is allowed to a loopback address
// (the tests' and the demo's fake Telegram, no proxy in between).
bool is_webhook_url(const std::string& url) {
  if (url.rfind("https://", 0) == 0)
    return url.size() > 8;
  for (auto* loopback : {"http://127.0.0.1", "http://localhost", "http://[::1]"})
    if (url.rfind(loopback, 0) == 0)
      return true;
  return false;
}

} // namespace

std::vector<std::string> validate_webhook(const settings& values) {
  std::vector<std::string> problems;
  std::string error;
  if (!core::parse_cidr_list(values.webhook_allowed_networks, &error))
    problems.push_back("webhook.allowed-networks = \"" + values.webhook_allowed_networks +
                       "\": " + error + " (comma-separated; \"\": any source)");
  if (values.telegram_mode != "webhook")
    return problems;
  if (values.webhook_listen.empty() || !is_listen_address(values.webhook_listen))
    problems.push_back("webhook.listen = \"" + values.webhook_listen +
                       "\": host:port with a port from 1 to 65535 (telegram.mode = webhook)");
  if (values.webhook_path.empty() || values.webhook_path.front() != '/')
    problems.push_back("webhook.path = \"" + values.webhook_path +
                       "\": a path starting with / such as \"/telegram-webhook\"");
  if (!is_webhook_url(values.webhook_url))
    problems.push_back(
        "webhook.url = \"" + values.webhook_url +
        "\": the HTTPS URL Telegram POSTs to, e.g. "
        "\"https://bot.example.com:8443/telegram-webhook\" (telegram.mode = webhook)");
  if (values.webhook_secret_token.empty())
    problems.push_back("webhook.secret-token is missing: set WEBHOOK_SECRET_TOKEN (or "
                       "webhook.secret-token), 1-256 of A-Z a-z 0-9 _ - (telegram.mode = webhook)");
  else if (!core::is_valid_secret_token(values.webhook_secret_token))
    problems.push_back("webhook.secret-token = <set>: must be 1-256 characters of A-Z, a-z, 0-9, "
                       "_ and - (Telegram refuses others)");
  return problems;
}

} // namespace phoenix
