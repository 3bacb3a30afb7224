// Truncated, mistyped and hostile bodies: clear errors, never a crash.
#include "tests/unit/football_samples.hpp"

using namespace phoenix::test;

namespace {

// Every JSON answer in `dir`, cut at many places: each cut is malformed for
// every decoder.
void check_truncations_of(const fs::path& dir, std::size_t at_least) {
  const auto names = all_sample_names(dir);
  BOOST_REQUIRE_GE(names.size(), at_least);
  for (const std::string& name : names) {
    const std::string body = read_file_text(dir / name);
    // Any cut before the closing brace of the top-level object is invalid JSON.
    const std::size_t last_brace = body.rfind('}');
    BOOST_REQUIRE(last_brace != std::string::npos);
    std::set<std::size_t> cuts = {
        0, 1, body.size() / 2, body.size() / 3, body.size() * 2 / 3, last_brace};
    const std::size_t stride = std::max<std::size_t>(1, last_brace / 120); // ~120 cuts per file
    for (std::size_t cut = 0; cut < last_brace; cut += stride)
      cuts.insert(cut);
    for (std::size_t cut : cuts) {
      const std::string_view truncated = std::string_view(body).substr(0, cut);
      BOOST_CHECK_MESSAGE(all_failed_with(failures_of_all_decoders(truncated)),
                          name << " cut at " << cut);
    }
    auto half = decode_fixtures(std::string_view(body).substr(0, body.size() / 2));
    BOOST_CHECK(half.error.detail.find("not JSON") == 0);
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(football_decode_fault_tests)

BOOST_AUTO_TEST_CASE(every_truncated_answer_of_the_project_is_malformed) {
  check_truncations_of(project_data_dir, 10);
}

BOOST_AUTO_TEST_CASE(every_truncated_real_sample_is_malformed,
                     *boost::unit_test::precondition(shared_samples_present)) {
  check_truncations_of(samples_dir, 16);
}

BOOST_AUTO_TEST_CASE(wrong_shapes_are_malformed_not_crashes) {
  // Valid JSON of the wrong shape, then not JSON at all.
  std::vector<std::string> bodies = {
      "null", "[]", "7", "\"text\"", "{}", R"({"response":7})", R"({"errors":[]})"};
  bodies.insert(bodies.end(), {"", "\xFF\xFE garbage", "{\"response\":[]} x",
                               R"({"response":[{"fixture":{"id":1e400}}]})"});
  bodies.push_back(std::string(1 << 20, '[')); // 1 MB of nesting
  bodies.push_back(std::string(1 << 20, '{'));
  for (const std::string& body : bodies) {
    BOOST_TEST_CONTEXT("body starting " << body.substr(0, 40)) {
      BOOST_CHECK(all_failed_with(failures_of_all_decoders(body)));
    }
  }
  // The envelope is fine, but items that are not objects are not decodable.
  for (const char* body : {R"({"response":[7]})", R"({"errors":[],"response":[null]})"}) {
    BOOST_CHECK(!decode_envelope_error(body));
    BOOST_CHECK(decode_events(body).error.detail.find("response[0] is ") == 0);
    BOOST_CHECK(!decode_fixtures(body).ok() && !decode_predictions(body).ok());
  }
  BOOST_CHECK(decode_events(std::string(1 << 20, '[')).error.detail.find("deeper") !=
              std::string::npos);
  // Brackets inside strings do not count towards the depth limit.
  const std::string deep_text =
      R"({"errors":[],"response":[],"x":")" + std::string(500, '[') + "\"}";
  BOOST_CHECK(decode_fixtures(deep_text).ok());
}

BOOST_AUTO_TEST_CASE(wrong_types_inside_items_get_defaults) {
  auto odd = decode_fixtures(R"({"errors":[],"response":[{"fixture":"x"}]})");
  BOOST_REQUIRE(odd.ok());
  BOOST_CHECK_EQUAL(odd.value->at(0).id, 0);
  BOOST_CHECK(odd.value->at(0).status.short_name.empty());

  auto mistyped = decode_fixtures(
      R"({"errors":[],"response":[{"fixture":{"id":"12","referee":7,"timestamp":1.5,)"
      R"("status":{"short":["2H"],"elapsed":"45"}},"league":{"season":"2024","id":-1},)"
      R"("teams":{"home":[],"away":{"id":99999999999999999999,"winner":"yes"}},)"
      R"("goals":{"home":"2","away":3000000000},"score":null,)"
      R"("events":[1,{"player":7,"time":{"elapsed":90,"extra":"3"}}],"statistics":{"x":1}}]})");
  BOOST_REQUIRE(mistyped.ok());
  const fixture& f = mistyped.value->front();
  BOOST_CHECK(f.id == 0 && f.referee.empty() && f.timestamp == 0 && f.league_id == -1);
  BOOST_CHECK(f.status.short_name.empty() && !f.status.elapsed && f.league_season == 0);
  BOOST_CHECK(f.away.id == 0 && !f.away.winner && !f.goals.home && !f.goals.away);
  BOOST_REQUIRE_EQUAL(f.events.size(), 1u);
  BOOST_CHECK(f.events[0].player.empty() && f.events[0].elapsed == 90 && !f.events[0].extra);
  BOOST_CHECK(f.statistics.empty());

  auto prediction_nulls = decode_predictions(
      R"({"errors":[],"response":[{"predictions":{"winner":{"id":null,"name":null},)"
      R"("under_over":-1.5,"percent":null},"comparison":{"form":null},"teams":7}]})");
  BOOST_REQUIRE(prediction_nulls.ok());
  const prediction& p = prediction_nulls.value->front();
  BOOST_CHECK(!p.winner && !p.win_or_draw && p.under_over == "-1.5" && p.percent_home.empty());
  BOOST_REQUIRE_EQUAL(p.comparison.size(), 1u);
  BOOST_CHECK(p.comparison[0].second.first.empty());
}

BOOST_AUTO_TEST_SUITE_END()
