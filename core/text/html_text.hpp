// Text for Telegram's HTML parse mode: escaping, length as Telegram counts it
// (UTF-16 code units of the visible text) and splitting long replies into
// messages that each fit the 4096-character limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core {

/// sendMessage / editMessageText accept 1-4096 characters after entity parsing.
inline constexpr std::size_t telegram_text_limit = 4096;

/// Escapes & < > and " so any API- or user-provided text is shown literally.
std::string html_escape(std::string_view text);

/// Visible length of `html` in UTF-16 code units: tags count 0, the entities
/// &lt; &gt; &amp; &quot; (and numeric ones) count 1, characters outside the
/// BMP count 2. Invalid UTF-8 bytes count 1 each.
std::size_t visible_length_utf16(std::string_view html);

/// Splits `html` into messages whose visible length is <= `limit`, on line
/// boundaries where possible (the newline between two parts is dropped). A
/// line longer than `limit` is cut between characters, preferring a space,
/// never inside a tag, an entity or a UTF-8 sequence. Tags still open at a
/// cut are closed at the end of the part and reopened in the next one.
/// Parts with no visible text other than whitespace are left out. Limits
/// below 2 act as 2: one character may take two UTF-16 units.
std::vector<std::string> split_message(const std::string& html,
                                       std::size_t limit = telegram_text_limit);

/// `text` with every invalid UTF-8 sequence replaced by U+FFFD: Telegram
/// refuses requests whose strings are not UTF-8.
std::string utf8_sanitized(std::string_view text);

/// Plain `text` cut to at most `limit` UTF-16 code units at a character
/// boundary (for fields like answerCallbackQuery's 200-character text).
std::string truncate_utf16(std::string_view text, std::size_t limit);

/// Characters (code points) in `text`; each invalid byte counts as one.
std::size_t utf8_length(std::string_view text);

/// At most `max_chars` characters of `text`; a cut one ends with "…".
std::string shorten(std::string_view text, std::size_t max_chars);

/// Appends `code_point` (at most 0x10FFFF) encoded as UTF-8.
void append_utf8(std::string& out, std::uint32_t code_point);

/// Bytes of the valid UTF-8 sequence starting at `pos`, or 0 when the bytes
/// there are not one (stray continuation byte, overlong form, surrogate...).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos);

} // namespace phoenix::core
