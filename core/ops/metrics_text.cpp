#include "core/ops/metrics_text.hpp"

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace phoenix::core {

std::string format_value(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<long long>(value));
  std::ostringstream out;
  out << std::setprecision(9) << value;
  return out.str();
}

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void exposition::sample(std::string_view name, double value, const metric_labels& labels) {
  text_.append(name);
  if (!labels.empty()) {
    text_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0)
        text_ += ',';
      text_.append(labels[i].first).append("=\"").append(escape_label(labels[i].second)) += '"';
    }
    text_ += '}';
  }
  text_.append(" ").append(format_value(value)).append("\n");
}

void exposition::histogram(std::string_view name, std::string_view help, const core::histogram& h) {
  family(name, "histogram", help);
  std::string base(name);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    auto le = i < latency_bounds.size() ? format_value(latency_bounds[i]) : "+Inf";
    sample(base + "_bucket", static_cast<double>(cumulative), {{"le", le}});
  }
  sample(base + "_sum", h.sum);
  sample(base + "_count", static_cast<double>(h.count));
}

void exposition::counter(std::string_view name, std::string_view help, double value) {
  family(name, "counter", help);
  sample(name, value);
}

void exposition::gauge(std::string_view name, std::string_view help, double value) {
  family(name, "gauge", help);
  sample(name, value);
}

// --- checking ------------------------------------------------------------------

namespace {

bool is_name(std::string_view s, bool colons) {
  if (s.empty())
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9'))
      return false;
  }
  return true;
}

bool is_value(std::string_view s) {
  if (s == "+Inf" || s == "-Inf" || s == "NaN")
    return true;
  std::string copy(s);
  char* end = nullptr;
  std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size();
}

struct parsed_sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

// name{a="x",b="y"} value [timestamp]; returns an error or "".
std::string parse_sample(std::string_view line, parsed_sample& out) {
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ')
    ++i;
  out.name = std::string(line.substr(0, i));
  if (!is_name(out.name, true))
    return "bad metric name '" + out.name + "'";
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == std::string_view::npos)
        return "label without '='";
      auto label = std::string(line.substr(i, eq - i));
      if (!is_name(label, false))
        return "bad label name '" + label + "'";
      if (eq + 1 >= line.size() || line[eq + 1] != '"')
        return "label value not quoted";
      std::string value;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\') {
          if (++j >= line.size() || (line[j] != '\\' && line[j] != '"' && line[j] != 'n'))
            return "bad escape in label value";
          value += line[j] == 'n' ? '\n' : line[j];
        } else {
          value += line[j];
        }
      }
      if (j >= line.size())
        return "unterminated label value";
      if (!out.labels.emplace(label, value).second)
        return "label '" + label + "' twice";
      i = j + 1;
      if (i < line.size() && line[i] == ',')
        ++i;
    }
    if (i >= line.size())
      return "unterminated label set";
    ++i;
  }
  if (i >= line.size() || line[i] != ' ')
    return "no value";
  auto rest = line.substr(i + 1);
  auto space = rest.find(' ');
  out.value = std::string(rest.substr(0, space));
  if (!is_value(out.value))
    return "bad value '" + out.value + "'";
  if (space != std::string_view::npos && !is_value(rest.substr(space + 1)))
    return "bad timestamp";
  return "";
}

// The family a sample belongs to: histograms own name_bucket, _sum, _count.
std::string family_of(const std::string& sample, const std::map<std::string, std::string>& types) {
  for (auto suffix : {"_bucket", "_sum", "_count"}) {
    std::string_view s(suffix);
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      auto base = sample.substr(0, sample.size() - s.size());
      if (auto pos = types.find(base); pos != types.end() && pos->second == "histogram")
        return base;
    }
  }
  return sample;
}

} // namespace

std::vector<std::string> check_exposition(std::string_view text) {
  std::vector<std::string> problems;
  std::map<std::string, std::string> types;
  std::set<std::string> seen_samples; // family + labels: each series once
  std::map<std::string, double> last_bucket;
  std::map<std::string, double> inf_bucket;
  if (!text.empty() && text.back() != '\n')
    problems.push_back("the text does not end with a newline");
  size_t number = 0;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    auto fail = [&](const std::string& why) {
      problems.push_back("line " + std::to_string(number) + ": " + why);
    };
    if (line.empty())
      continue;
    if (line[0] == '#') {
      if (line.rfind("# TYPE ", 0) == 0) {
        auto rest = line.substr(7);
        auto space = rest.find(' ');
        auto name = std::string(rest.substr(0, space));
        auto type = space == std::string_view::npos ? "" : std::string(rest.substr(space + 1));
        static const std::set<std::string> known = {"counter", "gauge", "histogram", "summary",
                                                    "untyped"};
        if (!is_name(name, true) || known.count(type) == 0)
          fail("bad TYPE line");
        else if (!types.emplace(name, type).second)
          fail("second TYPE for " + name);
      } else if (line.rfind("# HELP ", 0) == 0 &&
                 !is_name(line.substr(7, line.find(' ', 7) - 7), true)) {
        fail("bad HELP line");
      }
      continue;
    }
    parsed_sample s;
    if (auto why = parse_sample(line, s); !why.empty()) {
      fail(why);
      continue;
    }
    auto family = family_of(s.name, types);
    auto type = types.find(family);
    if (type == types.end()) {
      fail("sample of " + s.name + " before its TYPE line");
      continue;
    }
    std::string series = s.name;
    for (auto& [k, v] : s.labels)
      series += '|' + k + '=' + v;
    if (!seen_samples.insert(series).second)
      fail("series " + series + " twice");
    double value = std::strtod(s.value.c_str(), nullptr);
    if (type->second == "counter" && (value < 0 || std::isnan(value)))
      fail("counter " + s.name + " is negative");
    if (type->second == "histogram" && s.name == family + "_bucket") {
      auto le = s.labels.find("le");
      if (le == s.labels.end()) {
        fail("bucket without le");
        continue;
      }
      if (value < last_bucket[family])
        fail("buckets of " + family + " not cumulative");
      last_bucket[family] = value;
      if (le->second == "+Inf")
        inf_bucket[family] = value;
    }
    if (type->second == "histogram" && s.name == family + "_count" &&
        (inf_bucket.count(family) == 0 || inf_bucket[family] != value))
      fail(family + "_count differs from its +Inf bucket");
  }
  return problems;
}

} // namespace phoenix::core
