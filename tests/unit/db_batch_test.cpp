#include "core/db/db_types.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core::db;

BOOST_AUTO_TEST_SUITE(db_batch_tests)

BOOST_AUTO_TEST_CASE(rows_of_the_same_batchable_kind_append) {
  operation users = upsert_users{{{1, "anna", "de"}}};
  BOOST_TEST(is_batchable(users));
  BOOST_TEST(append_batch(users, upsert_users{{{2, "bo", "fr"}, {1, "anna", "it"}}}));
  BOOST_TEST(std::get<upsert_users>(users).users.size() == 3u);
  BOOST_TEST(std::get<upsert_users>(users).users[2].language == "it");

  operation log = log_requests{{{1, "/help", "", 2, "ok"}}};
  BOOST_TEST(append_batch(log, log_requests{{{2, "/stats", "5", 3, "ok"}}}));
  BOOST_TEST(std::get<log_requests>(log).rows.size() == 2u);

  operation done = mark_processed{7, {10, 11}};
  BOOST_TEST(append_batch(done, mark_processed{7, {12}}));
  BOOST_TEST((std::get<mark_processed>(done).update_ids == std::vector<int64_t>{10, 11, 12}));
  BOOST_TEST(!append_batch(done, mark_processed{8, {13}})); // another bot's
}

BOOST_AUTO_TEST_CASE(other_kinds_and_mixed_kinds_do_not) {
  operation log = log_requests{{{1, "/help", "", 2, "ok"}}};
  BOOST_TEST(!append_batch(log, mark_processed{0, {1}}));
  BOOST_TEST(std::get<log_requests>(log).rows.size() == 1u);
  operation offset = set_offset{0, 5};
  BOOST_TEST(!is_batchable(offset));
  BOOST_TEST(!append_batch(offset, set_offset{0, 6}));
  BOOST_TEST(std::get<set_offset>(offset).offset == 5);
  BOOST_TEST(!is_batchable(store_updates{}));
  BOOST_TEST(!is_batchable(filter_processed{}));
}

BOOST_AUTO_TEST_CASE(the_update_intake_is_told_apart_from_bookkeeping) {
  for (operation op :
       {operation{store_updates{}}, operation{filter_processed{}}, operation{get_offset{}},
        operation{set_offset{}}, operation{max_processed{}}, operation{load_inbox{}}})
    BOOST_TEST(is_intake(op), name_of(op));
  for (operation op : {operation{upsert_users{}}, operation{log_requests{}},
                       operation{mark_processed{}}, operation{load_user{}}, operation{ping{}}})
    BOOST_TEST(!is_intake(op), name_of(op));
}

BOOST_AUTO_TEST_SUITE_END()
