#include "core/football/alert_revisions.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;

BOOST_AUTO_TEST_SUITE(alert_revisions_tests)

// A scorer named while the goal's fan-out is still queued: the messages
// accepted afterwards with the first text are edited as they come back, and
// the database's edit skips them.
BOOST_AUTO_TEST_CASE(a_message_accepted_with_an_older_text_is_edited_once) {
  alert_revisions r;
  r.sent("700:goal:10:1", "Goal!");
  BOOST_TEST(!r.accepted("700:goal:10:1", 1, "Goal!")); // current: nothing to do
  r.revised("700:goal:10:1", "Goal! R. Striker");
  BOOST_TEST(*r.newest("700:goal:10:1") == "Goal! R. Striker");
  auto edit = r.accepted("700:goal:10:1", 2, "Goal!"); // was queued with the first text
  BOOST_REQUIRE(edit.has_value());
  BOOST_TEST(*edit == "Goal! R. Striker");
  BOOST_TEST(r.current("700:goal:10:1", 2));  // the database's edit skips it
  BOOST_TEST(!r.current("700:goal:10:1", 1)); // sent before: edited from the database
  r.edited("700:goal:10:1");
  BOOST_TEST(!r.current("700:goal:10:1", 2)); // nothing kept once that edit is done
  BOOST_TEST(!r.accepted("700:goal:10:1", 3, "Goal! R. Striker"));
  BOOST_TEST(!r.current("700:goal:10:1", 3)); // no edit waits: nothing noted
  BOOST_TEST(!r.accepted("other", 1, "x"));   // unknown keys: never edited from memory
}

BOOST_AUTO_TEST_CASE(the_edit_from_the_database_waits_for_the_records_started_before_it) {
  alert_revisions r;
  BOOST_TEST(r.finished_through(r.last_started())); // nothing started
  auto a = r.record_started();
  auto b = r.record_started();
  auto before_edit = r.last_started();
  auto c = r.record_started(); // after the edit: its message was edited when accepted
  BOOST_TEST(!r.finished_through(before_edit));
  r.record_finished(b);
  r.record_finished(c);
  BOOST_TEST(!r.finished_through(before_edit)); // a is still being written
  r.record_finished(a);
  BOOST_TEST(r.finished_through(before_edit));
}

BOOST_AUTO_TEST_CASE(only_the_newest_keys_are_remembered) {
  alert_revisions r{2};
  r.sent("a", "1");
  r.sent("b", "2");
  r.sent("c", "3");
  BOOST_TEST(r.newest("a") == nullptr);
  BOOST_TEST(*r.newest("b") == "2");
  r.revised("b", "2'"); // known already: no new place taken
  BOOST_TEST(*r.newest("c") == "3");
  BOOST_TEST(*r.newest("b") == "2'");
}

BOOST_AUTO_TEST_SUITE_END()
