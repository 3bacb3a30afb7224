// What an update asks for: the flood guard's screening (commands and buttons
// count, chatter never; one warning, then silence) and the plan that tells a
// reply made from memory from work that needs data.
#include "core/bot/update_plan.hpp"

#include <boost/test/unit_test.hpp>

using namespace phoenix::core;
using verdict = flood_guard::verdict;

namespace {

telegram_update message(const std::string& text, const std::string& chat_type = "private") {
  telegram_update u;
  u.update_id = 1;
  u.type = telegram_update::kind::message;
  u.chat_id = chat_type == "private" ? 7 : -100;
  u.chat_type = chat_type;
  u.user_id = 7;
  u.text = text;
  return u;
}

const command_context context{"Ann", 1767225600, 0, "UTC"};

} // namespace

BOOST_AUTO_TEST_SUITE(update_plan_tests)

BOOST_AUTO_TEST_CASE(the_guard_counts_commands_and_buttons_not_chatter) {
  flood_guard guard{2};
  auto now = flood_guard::time_point{};
  for (int i = 0; i < 5; ++i) {
    auto chatter = message("what a goal", "group");
    BOOST_TEST((screen_update(guard, chatter, "phoenix_bot", now) == verdict::allow));
  }
  auto help = message("/help");
  BOOST_TEST((screen_update(guard, help, "phoenix_bot", now) == verdict::allow));
  telegram_update tap;
  tap.type = telegram_update::kind::callback_query;
  tap.user_id = 7;
  tap.callback_data = "stats:1";
  BOOST_TEST((screen_update(guard, tap, "phoenix_bot", now) == verdict::allow));
  auto third = message("/live", "group");
  BOOST_TEST((screen_update(guard, third, "phoenix_bot", now) == verdict::warn));
  BOOST_TEST(third.too_fast);
  auto fourth = message("/live");
  BOOST_TEST((screen_update(guard, fourth, "phoenix_bot", now) == verdict::ignore));
  auto later = message("/live");
  BOOST_TEST((screen_update(guard, later, "phoenix_bot", now + std::chrono::minutes{1}) ==
              verdict::allow));
  BOOST_TEST(!later.too_fast);
}

BOOST_AUTO_TEST_CASE(a_full_queue_gets_one_notice_until_the_user_calms_down) {
  flood_guard guard{20};
  auto now = flood_guard::time_point{};
  auto full = message("/live");
  full.flood_notice = true;
  BOOST_TEST((screen_update(guard, full, "phoenix_bot", now) == verdict::warn));
  auto again = full;
  BOOST_TEST((screen_update(guard, again, "phoenix_bot", now) == verdict::ignore));
}

BOOST_AUTO_TEST_CASE(plans_tell_replies_from_memory_from_work) {
  using kind = update_plan::kind;
  auto help = plan_update(message("/help"), "phoenix_bot", context);
  BOOST_TEST((help.what == kind::reply));
  BOOST_TEST(std::get<reply_action>(help.work.action).html == help_text());
  BOOST_TEST(help.work.command == "help");
  BOOST_TEST((plan_update(message("/live"), "phoenix_bot", context).what == kind::work));
  BOOST_TEST((plan_update(message("/stats"), "phoenix_bot", context).what == kind::reply)); // usage
  BOOST_TEST((plan_update(message("hello"), "phoenix_bot", context).what == kind::reply));
  BOOST_TEST(
      (plan_update(message("hello", "group"), "phoenix_bot", context).what == kind::nothing));
  telegram_update tap;
  tap.type = telegram_update::kind::callback_query;
  tap.callback_data = "nonsense";
  BOOST_TEST((plan_update(tap, "phoenix_bot", context).what == kind::callback));
}

BOOST_AUTO_TEST_CASE(marked_updates_are_answered_with_their_notice) {
  auto fast = message("/live");
  fast.too_fast = true;
  auto plan = plan_update(fast, "phoenix_bot", context);
  BOOST_TEST((plan.what == update_plan::kind::reply));
  BOOST_TEST(std::get<reply_action>(plan.work.action).html == flood_warning_text());
  auto full = message("/live");
  full.flood_notice = true;
  plan = plan_update(full, "phoenix_bot", context);
  BOOST_TEST(std::get<reply_action>(plan.work.action).html == queue_full_text());
  BOOST_TEST(std::get<reply_action>(plan.work.action).outcome == "queue full");
}

BOOST_AUTO_TEST_SUITE_END()
