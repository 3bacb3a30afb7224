#include "core/telegram/command_parser.hpp"

#include <cstdio>

namespace phoenix::core {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_command_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

// At most `limit` bytes of `word`, not ending inside a UTF-8 sequence.
std::string_view cut_at_char_boundary(std::string_view word, std::size_t limit) {
  if (word.size() <= limit)
    return word;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(word[end]) & 0xC0u) == 0x80u)
    --end;
  return word.substr(0, end);
}

bool all_digits(std::string_view word) {
  if (word.empty())
    return false;
  for (char c : word)
    if (c < '0' || c > '9')
      return false;
  return true;
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void civil_from_days(int64_t days, int& year, int& month, int& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
}

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

std::string iso_date(int year, int month, int day) {
  char buffer[40]; // room for any int, though years here have four digits
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

int digits_value(std::string_view digits) {
  int value = 0;
  for (char c : digits)
    value = value * 10 + (c - '0');
  return value;
}

std::optional<date_choice> explicit_date(std::string_view word) {
  if (word.size() != 10 || word[4] != '-' || word[7] != '-')
    return std::nullopt;
  const std::string_view year_text = word.substr(0, 4), month_text = word.substr(5, 2),
                         day_text = word.substr(8, 2);
  if (!all_digits(year_text) || !all_digits(month_text) || !all_digits(day_text))
    return std::nullopt;
  const int year = digits_value(year_text), month = digits_value(month_text),
            day = digits_value(day_text);
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month))
    return std::nullopt;
  return date_choice{std::string(word), std::string(word)};
}

} // namespace

std::optional<bot_command> parse_command(std::string_view text, std::string_view bot_username) {
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos]))
    ++pos;
  if (pos >= text.size() || text[pos] != '/')
    return std::nullopt;
  ++pos;

  const std::size_t name_start = pos;
  while (pos < text.size() && is_command_char(text[pos]))
    ++pos;
  const std::string_view name = text.substr(name_start, pos - name_start);
  if (name.empty() || name.size() > max_command_name_length)
    return std::nullopt;

  if (pos < text.size() && text[pos] == '@') {
    const std::size_t target_start = ++pos;
    while (pos < text.size() && is_command_char(text[pos]))
      ++pos;
    const std::string_view target = text.substr(target_start, pos - target_start);
    if (!bot_username.empty() && bot_username.front() == '@')
      bot_username.remove_prefix(1);
    if (target.empty() || bot_username.empty() || !equal_ignoring_case(target, bot_username))
      return std::nullopt;
  }
  // "/stats-x" or "/stats,": not a command word we understand.
  if (pos < text.size() && !is_space(text[pos]))
    return std::nullopt;

  bot_command command;
  for (char c : name)
    command.name += lower(c);
  while (command.args.size() < max_command_args) {
    while (pos < text.size() && is_space(text[pos]))
      ++pos;
    if (pos >= text.size())
      break;
    const std::size_t arg_start = pos;
    while (pos < text.size() && !is_space(text[pos]))
      ++pos;
    const std::string_view arg = text.substr(arg_start, pos - arg_start);
    command.args.emplace_back(cut_at_char_boundary(arg, max_command_arg_bytes));
  }
  return command;
}

std::optional<int64_t> parse_fixture_id(std::string_view word) {
  while (word.size() > 1 && word.front() == '0')
    word.remove_prefix(1); // leading zeros do not make a number bigger
  if (!all_digits(word) || word.size() > 13)
    return std::nullopt;
  int64_t value = 0;
  for (char c : word)
    value = value * 10 + (c - '0');
  if (value < 1 || value > max_fixture_id)
    return std::nullopt;
  return value;
}

std::optional<date_choice> parse_day(std::string_view word, int64_t unix_now,
                                     int utc_offset_minutes) {
  if (utc_offset_minutes < -18 * 60 || utc_offset_minutes > 18 * 60)
    return std::nullopt;
  int shift = 0;
  std::string_view label;
  if (equal_ignoring_case(word, "today")) {
    label = "today";
  } else if (equal_ignoring_case(word, "tomorrow")) {
    label = "tomorrow";
    shift = 1;
  } else if (equal_ignoring_case(word, "yesterday")) {
    label = "yesterday";
    shift = -1;
  } else {
    return explicit_date(word);
  }
  // A clock before 1970 or after 9999 is broken; refuse rather than print odd years.
  constexpr int64_t year_9999_ends = 253402300799;
  if (unix_now < 0 || unix_now > year_9999_ends - 2 * 86400)
    return std::nullopt;
  const int64_t local = unix_now + int64_t{utc_offset_minutes} * 60;
  const int64_t days = (local >= 0 ? local : local - 86399) / 86400 + shift;
  int year = 0, month = 0, day = 0;
  civil_from_days(days, year, month, day);
  return date_choice{iso_date(year, month, day), std::string(label)};
}

} // namespace phoenix::core
