// CAF's own keys that Phoenix accepts (INI and command line), with the values
// that keep CAF 0.17 running. CAF checks none of them: its scheduler divides
// by max-threads and by every steal interval (0: SIGFPE, exit 136), runs no
// actor at all with max-throughput 0 (both cores spin, SIGTERM is ignored),
// and a relaxed sleep of 0 turns every idle worker into a busy loop.
#pragma once

#include <caf/config_value.hpp>
#include <caf/settings.hpp>
#include <caf/timespan.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace phoenix {

struct caf_key_spec {
  enum class kind { count, duration, atom };
  const char* key; ///< "scheduler.max-threads"
  kind type;
  int64_t min = 0; ///< counts only
  int64_t max = 0;
  caf::timespan min_span{}; ///< durations only
  caf::timespan max_span{};
  std::vector<std::string> choices; ///< atoms only
  const char* help = "";
  caf::config_value fallback; ///< the value Phoenix runs with when none is configured

  /// "a whole number from 1 to 1024", ...
  std::string allowed() const;
  /// Whether `value` has the key's type and lies in its range or choices.
  bool fits(const caf::config_value& value) const;
};

/// A value as a problem line shows it: durations in the units the file takes
/// ("0s", "-1ms"; CAF itself would print "0d"), anything else as CAF writes it.
std::string shown_config_value(const caf::config_value& value);

/// Every CAF key Phoenix accepts.
const std::vector<caf_key_spec>& caf_key_specs();

/// The spec of `key`, or nullptr when it is not one of CAF's keys Phoenix knows.
const caf_key_spec* find_caf_key(const std::string& key);

/// Problems of the CAF keys present in `content` (the effective configuration
/// after parsing: command line, INI file, caf-application.ini), one line each
/// naming key, value and what is allowed.
std::vector<std::string> check_caf_settings(const caf::settings& content);

} // namespace phoenix
