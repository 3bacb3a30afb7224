// Shared by the football decoder tests: the project's own API answers
// (tests/fakes/data/api-football, what the fakes serve), the real captures for
// the conformance tests (read in place from ../shared, never copied; skipped
// when ../shared is not beside the project), and helpers that run every decoder.
#pragma once

#include "core/football/football_decode.hpp"

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
// Only conformance tests read them.
inline const fs::path samples_dir = PHOENIX_SOURCE_DIR "/../shared/samples/api-football";

// The project's own answers, written for Phoenix; the fakes serve them.
inline const fs::path project_data_dir = PHOENIX_SOURCE_DIR "/tests/fakes/data/api-football";

// Precondition of a conformance test case or suite: skipped, with the reason,
// when the real captures are not beside the project (a user's clone).
inline boost::test_tools::assertion_result shared_samples_present(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result present = fs::is_directory(samples_dir);
  if (!present)
    present.message() << "skipped: ../shared/samples not beside the project (conformance only)";
  return present;
}

inline std::string read_file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A real capture (conformance tests only).
inline std::string read_sample(const std::string& name) {
  return read_file_text(samples_dir / name);
}

// One of the project's own answers.
inline std::string read_project_data(const std::string& name) {
  return read_file_text(project_data_dir / name);
}

inline std::vector<std::string> all_sample_names(const fs::path& dir = samples_dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
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
