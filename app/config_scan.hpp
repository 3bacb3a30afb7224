// Reads an INI file line by line, as a newcomer writes it: one `[section]`,
// `key = value` or `; comment` per line. CAF 0.17's parser stops at the first
// syntax error and names it by an error code and a position that often points
// at the next line; this scan names every bad line and says what is wrong in
// words, and gives the line of every key for the problem lines.
#pragma once

#include <caf/config_value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace phoenix {

/// One line of an INI text that is neither blank nor a comment nor a good section header.
struct ini_line {
  int number = 0;      ///< from 1
  int column = 0;      ///< of the problem, from 1 (problem lines only)
  std::string section; ///< the section it is in ("" before the first one)
  std::string name;    ///< the key (good key lines only)
  caf::config_value value;
  std::string problem; ///< what is wrong, in words; empty for a good key line
};

/// Every key line and every line with a syntax problem, in file order. Values
/// are read by CAF's own parser, one line at a time (a list or map spanning
/// lines, which Phoenix's keys never take, shows as problems).
std::vector<ini_line> scan_ini(std::string_view text);

} // namespace phoenix
