#include "actors/metrics_render.hpp"
#include "core/ops/metrics_text.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix;
using namespace phoenix::core;

BOOST_AUTO_TEST_SUITE(metrics_text)

BOOST_AUTO_TEST_CASE(values_are_written_as_the_format_expects) {
  BOOST_TEST(format_value(0) == "0");
  BOOST_TEST(format_value(42) == "42");
  BOOST_TEST(format_value(-1) == "-1");
  BOOST_TEST(format_value(0.25) == "0.25");
  BOOST_TEST(format_value(1.0 / 0.0) == "+Inf");
  BOOST_TEST(format_value(0.0 / 0.0) == "NaN");
  BOOST_TEST(escape_label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

BOOST_AUTO_TEST_CASE(histogram_buckets_are_cumulative_with_sum_and_count) {
  histogram h;
  h.observe(std::chrono::milliseconds{3});  // <= 0.005
  h.observe(std::chrono::milliseconds{40}); // <= 0.05
  h.observe(std::chrono::milliseconds{40}); // <= 0.05
  h.observe(std::chrono::seconds{100});     // +Inf
  exposition out;
  out.histogram("x_seconds", "Latency.", h);
  auto& text = out.text();
  BOOST_TEST(text.find("x_seconds_bucket{le=\"0.005\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("x_seconds_bucket{le=\"0.025\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("x_seconds_bucket{le=\"0.05\"} 3\n") != std::string::npos);
  BOOST_TEST(text.find("x_seconds_bucket{le=\"30\"} 3\n") != std::string::npos);
  BOOST_TEST(text.find("x_seconds_bucket{le=\"+Inf\"} 4\n") != std::string::npos);
  BOOST_TEST(text.find("x_seconds_count 4\n") != std::string::npos);
  BOOST_TEST(text.find("x_seconds_sum 100.083\n") != std::string::npos);
  BOOST_TEST(check_exposition(text).empty());
}

BOOST_AUTO_TEST_CASE(the_checker_finds_each_kind_of_mistake) {
  auto bad = [](const std::string& text) { return !check_exposition(text).empty(); };
  BOOST_TEST(!bad("# HELP a_total A.\n# TYPE a_total counter\na_total 1\n"));
  BOOST_TEST(bad("a_total 1\n"));                           // no TYPE
  BOOST_TEST(bad("# TYPE a counter\na 1"));                 // no final newline
  BOOST_TEST(bad("# TYPE a counter\na one\n"));             // bad value
  BOOST_TEST(bad("# TYPE a counter\na -1\n"));              // negative counter
  BOOST_TEST(bad("# TYPE a gauge\na{x=\"1\" 1\n"));         // unterminated labels
  BOOST_TEST(bad("# TYPE a gauge\na{x=1} 1\n"));            // unquoted label
  BOOST_TEST(bad("# TYPE a gauge\na{1x=\"1\"} 1\n"));       // bad label name
  BOOST_TEST(bad("# TYPE a gauge\na{x=\"\\q\"} 1\n"));      // bad escape
  BOOST_TEST(bad("# TYPE a gauge\na 1\na 2\n"));            // series twice
  BOOST_TEST(bad("# TYPE a gauge\n# TYPE a gauge\na 1\n")); // TYPE twice
  BOOST_TEST(bad("# TYPE 9a gauge\n"));                     // bad name
  BOOST_TEST(bad("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                 "h_sum 1\nh_count 1\n")); // not cumulative
  BOOST_TEST(bad("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"));
  BOOST_TEST(!bad("# TYPE a gauge\na{x=\"q\\\"\\n\\\\\"} +Inf\n"));
}

BOOST_AUTO_TEST_CASE(a_full_scrape_is_valid_and_names_every_family) {
  metrics_snapshot s;
  s.poller = poller_stats{};
  s.poller->received = 7;
  s.poller->latency.observe(std::chrono::milliseconds{2});
  s.dispatcher = dispatcher_stats{3, 4, 2};
  s.sender = sender_stats{};
  s.sender->paused_ms = 1500;
  s.football = football_stats{};
  s.football->held_dropped = 4;
  s.football->held_refused = 5;
  s.football->user_refusals = 6;
  s.cache = cache_stats{};
  s.db = db_stats{};
  s.db->idle = 2;
  s.jobs = job_stats{};
  s.jobs->done = 5;
  s.resident_bytes = 12345678;
  s.open_fds = 17;
  auto text = render_metrics(s);
  auto problems = check_exposition(text);
  for (auto& p : problems)
    BOOST_ERROR(p);
  for (auto series :
       {"phoenix_updates_received_total 7", "phoenix_chats_active 3", "phoenix_chat_queue_max 2",
        "phoenix_telegram_pause_seconds_total 1.5", "phoenix_db_pool_connections{state=\"idle\"} 2",
        "phoenix_jobs_completed_total{status=\"done\"} 5",
        "phoenix_quota_remaining{window=\"day\"} -1", "process_resident_memory_bytes 12345678",
        "process_open_fds 17", "phoenix_update_latency_seconds_count 1",
        "phoenix_scrape_ok{actor=\"jobs\"} 1", "phoenix_upstream_held_dropped_total 4",
        "phoenix_upstream_held_refused_total 5", "phoenix_upstream_user_refusals_total 6"})
    BOOST_TEST(text.find(std::string("\n") + series + "\n") != std::string::npos, series);
}

BOOST_AUTO_TEST_CASE(an_actor_that_did_not_answer_is_marked_and_left_out) {
  metrics_snapshot s;
  s.poller = poller_stats{};
  auto text = render_metrics(s);
  BOOST_TEST(check_exposition(text).empty());
  BOOST_TEST(text.find("phoenix_scrape_ok{actor=\"cache\"} 0") != std::string::npos);
  BOOST_TEST(text.find("phoenix_cache_entries") == std::string::npos);
  BOOST_TEST(text.find("phoenix_polls_total 0") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
