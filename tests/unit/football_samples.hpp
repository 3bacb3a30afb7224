// Shared by the football decoder tests: the real API samples (read in place
// from ../shared, never copied) and helpers that run every decoder.
#pragma once

#include "core/football_decode.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace phoenix::test {

using namespace phoenix::core;
namespace fs = std::filesystem;

// Real API answers, shared with the other teams; read in place, never copied.
inline const fs::path samples_dir = PHOENIX_SOURCE_DIR "/../shared/samples/api-football";

inline std::string read_sample(const std::string& name) {
  std::ifstream in(samples_dir / name, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open sample " << name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::vector<std::string> all_sample_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(samples_dir)) {
    if (entry.path().extension() == ".json")
      names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Runs every decoder; returns the error codes of those that failed, and
// checks that failures carry a user sentence and a log detail.
inline std::vector<football_errc> failures_of_all_decoders(std::string_view body) {
  std::vector<football_errc> codes;
  auto note = [&codes](const auto& result) {
    if (result.ok())
      return;
    BOOST_CHECK(!result.error.user_message.empty() && !result.error.detail.empty());
    codes.push_back(result.error.code);
  };
  note(decode_fixtures(body));
  note(decode_statistics(body));
  note(decode_events(body));
  note(decode_predictions(body));
  note(decode_status(body));
  if (auto error = decode_envelope_error(body))
    codes.push_back(error->code);
  return codes;
}

// True when all six decoding entry points failed with `code`.
inline bool all_failed_with(const std::vector<football_errc>& codes,
                            football_errc code = football_errc::malformed) {
  return codes.size() == 6 &&
         std::all_of(codes.begin(), codes.end(), [code](football_errc c) { return c == code; });
}

inline std::optional<football_errc> envelope_code(std::string_view body) {
  auto error = decode_envelope_error(body);
  return error ? std::optional<football_errc>(error->code) : std::nullopt;
}

inline void check_stat(const team_statistics& team, const std::string& type, stat_value::kind kind,
                       double number, const std::string& text) {
  BOOST_TEST_CONTEXT(team.team.name << " " << type) {
    auto found = std::find_if(team.values.begin(), team.values.end(),
                              [&](const auto& entry) { return entry.first == type; });
    BOOST_REQUIRE(found != team.values.end());
    BOOST_CHECK(found->second.k == kind);
    BOOST_CHECK_CLOSE(found->second.number, number, 1e-9);
    BOOST_CHECK_EQUAL(found->second.text, text);
  }
}

} // namespace phoenix::test
