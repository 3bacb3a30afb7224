// Text on its way into a statement: PostgreSQL refuses a NUL byte in text
// and invalid UTF-8 in a UTF8 database, and one such value would fail the
// whole statement, i.e. every row of a batch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix::core::db {

/// `text` with every NUL byte and every invalid UTF-8 sequence replaced by
/// U+FFFD, so that PostgreSQL takes it (the rest of the text is kept as is).
std::string storable_text(std::string_view text);

/// A PostgreSQL array literal, e.g. {"a","b \"c\""}: every element quoted, so
/// any text (commas, braces, NULL, backslashes) stays one element as given,
/// made storable (storable_text). Parameter data, never SQL.
std::string array_literal(const std::vector<std::string>& items);
std::string array_literal(const std::vector<int64_t>& items);

} // namespace phoenix::core::db
