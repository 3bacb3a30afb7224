#include "core/ops/redaction.hpp"

#include <algorithm>
#include <cctype>

namespace phoenix::core {

namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Masks "123456:ABC..." (Telegram's token shape) wherever it appears.
std::string mask_token_shapes(std::string text) {
  constexpr size_t min_id_digits = 5;
  constexpr size_t min_secret_chars = 30;
  size_t colon = 0;
  while ((colon = text.find(':', colon)) != std::string::npos) {
    size_t begin = colon;
    while (begin > 0 && is_digit(text[begin - 1]))
      --begin;
    size_t end = colon + 1;
    while (end < text.size() && is_token_char(text[end]))
      ++end;
    if (colon - begin >= min_id_digits && end - colon - 1 >= min_secret_chars) {
      text.replace(begin, end - begin, redactor::mask);
      colon = begin + redactor::mask.size();
    } else {
      ++colon;
    }
  }
  return text;
}

// Masks the password in "scheme://user:password@host".
std::string mask_uri_passwords(std::string text) {
  size_t at = 0;
  while ((at = text.find("://", at)) != std::string::npos) {
    size_t user = at + 3;
    size_t end = user;
    while (end < text.size() && text[end] != '/' && text[end] != '@' &&
           !std::isspace(static_cast<unsigned char>(text[end])))
      ++end;
    size_t colon = text.find(':', user);
    if (end < text.size() && text[end] == '@' && colon != std::string::npos && colon < end &&
        text.compare(colon + 1, end - colon - 1, redactor::mask) != 0) {
      text.replace(colon + 1, end - colon - 1, redactor::mask);
    }
    at = user;
  }
  return text;
}

} // namespace

void redactor::add_secret(std::string secret) {
  if (secret.size() < 4)
    return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end())
    secrets_.push_back(std::move(secret));
  // Longer secrets first, so a secret containing another is masked whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redactor::redact(std::string_view text) const {
  std::string out{text};
  for (auto& secret : secrets_) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), mask);
      pos += mask.size();
    }
  }
  return mask_uri_passwords(mask_token_shapes(std::move(out)));
}

} // namespace phoenix::core
