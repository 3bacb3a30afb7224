// The parts of http_client.hpp that need no Beast (kept out of the Beast
// translation unit so that core code can use them cheaply).
#include "core/http/http_client.hpp"

#include <cctype>

namespace phoenix::core {

std::string http_response::header(std::string_view name) const {
  auto same = [&](const std::string& key) {
    if (key.size() != name.size())
      return false;
    for (size_t i = 0; i < key.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(key[i])) !=
          std::tolower(static_cast<unsigned char>(name[i])))
        return false;
    return true;
  };
  for (auto& [key, value] : headers)
    if (same(key))
      return value;
  return {};
}

bool may_have_reached_server(http_errc code) {
  switch (code) {
  case http_errc::timeout:
  case http_errc::too_large:
  case http_errc::protocol:
  case http_errc::closed:
    return true;
  default:
    return false;
  }
}

const char* to_string(http_errc code) {
  switch (code) {
  case http_errc::none:
    return "ok";
  case http_errc::bad_url:
    return "bad URL";
  case http_errc::resolve:
    return "host name not resolved";
  case http_errc::connect:
    return "connection failed";
  case http_errc::tls:
    return "TLS handshake or verification failed";
  case http_errc::timeout:
    return "timed out";
  case http_errc::too_large:
    return "response too large";
  case http_errc::protocol:
    return "invalid HTTP response";
  case http_errc::closed:
    return "connection closed by the server";
  case http_errc::shutting_down:
    return "client shutting down";
  }
  return "unknown";
}

std::optional<parsed_url> parse_url(std::string_view url) {
  parsed_url out;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (url.rfind("http://", 0) == 0) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  auto slash = url.find('/');
  auto authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string{url.substr(slash)};
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    out.host = std::string{authority.substr(0, colon)};
    out.port = std::string{authority.substr(colon + 1)};
  } else {
    out.host = std::string{authority};
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.empty() || out.port.empty())
    return std::nullopt;
  return out;
}

} // namespace phoenix::core
