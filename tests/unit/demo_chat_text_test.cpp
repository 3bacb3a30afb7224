#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "tests/fakes/demo_chat_text.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>

using namespace phoenix::demo;

namespace {

bot_message message(int64_t id, int edits = 0, std::string text = "hi") {
  bot_message m;
  m.message_id = id;
  m.edits = edits;
  m.text = std::move(text);
  m.parse_mode = "HTML";
  return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(demo_chat_text)

BOOST_AUTO_TEST_CASE(plain_rendering_drops_tags_and_decodes_entities) {
  BOOST_TEST(render_html("<b>Hi</b> &lt;x&gt; &amp; &quot;q&quot; &#33; &#x263A;", false) ==
             "Hi <x> & \"q\" ! \xE2\x98\xBA");
  BOOST_TEST(render_html("<i>a</i><u>b</u><s>c</s><tg-spoiler>d</tg-spoiler><unknown>e</unknown>",
                         false) == "abcde");
  // Lenient like Telegram: a lone '<' or '&' is text, a stray closing tag nothing.
  BOOST_TEST(render_html("a < b & c &bogus; </b>d", false) == "a < b & c &bogus; d");
}

BOOST_AUTO_TEST_CASE(ansi_rendering_nests_styles_and_resets_at_line_ends) {
  BOOST_TEST(render_html("<b>bold</b> plain", true) == "\x1b[1mbold\x1b[0m plain");
  BOOST_TEST(render_html("<b>a<i>b</i>c</b>", true) ==
             "\x1b[1ma\x1b[0m\x1b[1;3mb\x1b[0m\x1b[1mc\x1b[0m");
  BOOST_TEST(render_html("<pre>a  b\nc</pre>", true) == "\x1b[36ma  b\x1b[0m\n\x1b[36mc\x1b[0m");
  BOOST_TEST(render_html("<b>never closed", true) == "\x1b[1mnever closed\x1b[0m");
  BOOST_TEST(render_html("<pre>a  b\nc</pre>", false) == "a  b\nc");
}

BOOST_AUTO_TEST_CASE(links_show_their_target_once) {
  BOOST_TEST(render_html("<a href=\"https://x.org/?a=1&amp;b=2\">site</a>!", false) ==
             "site (https://x.org/?a=1&b=2)!");
  BOOST_TEST(render_html("<a href='https://x.org'>https://x.org</a>", false) == "https://x.org");
  BOOST_TEST(render_html("<a href=\"https://x.org\">site</a>", true) ==
             "\x1b[4msite\x1b[0m (https://x.org)");
}

BOOST_AUTO_TEST_CASE(blockquote_lines_get_a_bar) {
  BOOST_TEST(render_html("x<blockquote>q1\nq2</blockquote>", false) ==
             "x\n\xE2\x94\x82 q1\n\xE2\x94\x82 q2");
}

BOOST_AUTO_TEST_CASE(the_bots_help_renders_readably) {
  const std::string help = render_html(phoenix::core::help_text(), false);
  BOOST_TEST(help.find("Phoenix commands") == 0u);
  BOOST_TEST(help.find("/analyze <fixture id>") != std::string::npos);
  BOOST_TEST(help.find('&') == std::string::npos);
  BOOST_TEST(help.find("<b>") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(inline_keyboards_flatten_in_reading_order) {
  const auto buttons =
      inline_buttons(R"({"inline_keyboard":[[{"text":"A","callback_data":"stats:1"}],)"
                     R"([{"text":"B","url":"https://e.org"},{"text":"C","callback_data":"x"}]]})");
  BOOST_TEST_REQUIRE(buttons.size() == 3u);
  BOOST_TEST(buttons[0].label == "A");
  BOOST_TEST(buttons[0].callback_data == "stats:1");
  BOOST_TEST(buttons[1].url == "https://e.org");
  BOOST_TEST(buttons[2].label == "C");
  BOOST_TEST(inline_buttons(R"({"keyboard":[[{"text":"A"}]]})").empty());
  BOOST_TEST(inline_buttons("not json").empty());
}

BOOST_AUTO_TEST_CASE(sent_answers_decode) {
  std::string error;
  const auto list = parse_sent(
      R"([{"chat_id":7,"message_id":3,"text":"<b>x</b>","plain_text":"x","parse_mode":"HTML",)"
      R"("reply_markup":{"inline_keyboard":[[{"text":"Go","callback_data":"go"}]]},)"
      R"("reply_to_message_id":2,"edits":1},)"
      R"({"chat_id":7,"message_id":4,"text":"*y*","plain_text":"y","parse_mode":"MarkdownV2",)"
      R"("reply_markup":null,"reply_to_message_id":0,"edits":0}])",
      error);
  BOOST_TEST_REQUIRE(list.has_value());
  BOOST_TEST_REQUIRE(list->size() == 2u);
  BOOST_TEST((*list)[0].message_id == 3);
  BOOST_TEST((*list)[0].edits == 1);
  BOOST_TEST((*list)[0].buttons.size() == 1u);
  BOOST_TEST(message_text((*list)[0], false) == "x");
  BOOST_TEST(message_text((*list)[1], false) == "y"); // not HTML: as the fake parsed it
  BOOST_TEST(!parse_sent(R"({"error":"x"})", error).has_value());
  BOOST_TEST(error.find("not a JSON array") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(messages_format_with_indent_and_numbered_buttons) {
  bot_message m = message(5, 0, "<b>Title</b>\n\nline\n");
  m.buttons = {{"Alaves – Granada", "stats:1", ""}, {"Site", "", "https://e.org"}};
  BOOST_TEST(format_message(m, false, false) ==
             "bot> Title\n\n     line\n     [1] Alaves – Granada\n     [2] Site (https://e.org)");
  BOOST_TEST(format_message(message(6), true, false) == "bot (edited)> hi");
}

BOOST_AUTO_TEST_CASE(tracker_tells_new_from_edited) {
  message_tracker t;
  auto events = t.update({message(2), message(1)});
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[0].message.message_id == 1); // in message order
  BOOST_TEST(!events[1].edited);
  BOOST_TEST(t.last_id() == 2);
  BOOST_TEST(t.update({message(1), message(2)}).empty()); // nothing changed
  events = t.update({message(1, 1, "changed"), message(2)});
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].edited);
  BOOST_TEST(events[0].message.text == "changed");
  BOOST_TEST(t.recheck_after() == 0);
}

BOOST_AUTO_TEST_CASE(tracker_forgets_old_messages_but_never_repeats_them) {
  message_tracker t;
  std::vector<bot_message> many;
  for (int64_t id = 1; id <= 40; ++id)
    many.push_back(message(id));
  BOOST_TEST(t.update(many).size() == 40u);
  BOOST_TEST(t.recheck_after() == 8); // the newest 32 are rechecked
  BOOST_TEST(t.update({message(3, 5)}).empty());
  BOOST_TEST(t.update({message(41)}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(typed_lines) {
  BOOST_TEST((parse_input("  ", 3).what == user_input::kind::nothing));
  BOOST_TEST((parse_input("/quit", 3).what == user_input::kind::quit));
  BOOST_TEST((parse_input("/EXIT ", 0).what == user_input::kind::quit));
  const auto press = parse_input(" 2 ", 3);
  BOOST_TEST((press.what == user_input::kind::press));
  BOOST_TEST(press.text == "2");
  BOOST_TEST((parse_input("4", 3).what == user_input::kind::send)); // no such button: a message
  BOOST_TEST((parse_input("1", 0).what == user_input::kind::send));
  const auto named = parse_input("/press Atletico", 0);
  BOOST_TEST((named.what == user_input::kind::press));
  BOOST_TEST(named.text == "Atletico");
  const auto text = parse_input("/fixtures today", 2);
  BOOST_TEST((text.what == user_input::kind::send));
  BOOST_TEST(text.text == "/fixtures today");
}

BOOST_AUTO_TEST_CASE(buttons_by_number_or_label) {
  const std::vector<button> b = {{"Alaves – Granada", "a", ""}, {"Elche – Valencia", "e", ""}};
  std::string error;
  BOOST_TEST(find_button(b, "2", error).value_or(9) == 1u);
  BOOST_TEST(find_button(b, "Elche", error).value_or(9) == 1u);
  BOOST_TEST(!find_button(b, "3", error));
  BOOST_TEST(error == "no button 3 (the keyboard has 2)");
  BOOST_TEST(!find_button(b, "Madrid", error));
  BOOST_TEST(error == "no button labelled \"Madrid\"");
  BOOST_TEST(!find_button({}, "1", error));
  BOOST_TEST(error == "no keyboard to press yet");
}

BOOST_AUTO_TEST_CASE(scripts_parse_with_line_numbers) {
  const script s = parse_script("# demo\n\n> /start\r\n?  Hello, Demo! \n! 1\n");
  BOOST_TEST(s.error.empty());
  BOOST_TEST_REQUIRE(s.steps.size() == 3u);
  BOOST_TEST((s.steps[0].what == script_step::kind::send));
  BOOST_TEST(s.steps[0].text == "/start");
  BOOST_TEST(s.steps[0].line == 3);
  BOOST_TEST((s.steps[1].what == script_step::kind::expect));
  BOOST_TEST(s.steps[1].text == "Hello, Demo!");
  BOOST_TEST((s.steps[2].what == script_step::kind::press));
  BOOST_TEST(parse_script("> /start\nsend /help\n").error ==
             "line 2: \"send /help\" is none of '> message', '? expected text', '! button', "
             "'# comment'");
  BOOST_TEST(parse_script("> /start\n?\n").error == "line 2: '?' needs a text after it");
  BOOST_TEST(parse_script("# only comments\n").error == "the script has no steps");
}

BOOST_AUTO_TEST_CASE(the_shipped_conversation_parses) {
  std::ifstream in(std::string(PHOENIX_SOURCE_DIR) + "/tests/demo/conversation.txt");
  BOOST_TEST_REQUIRE(static_cast<bool>(in));
  const script s = parse_script(std::string(std::istreambuf_iterator<char>(in), {}));
  BOOST_TEST(s.error.empty());
  // Every command of the bot's table is sent at least once.
  for (const auto& spec : phoenix::core::command_table()) {
    const std::string command(spec.name);
    bool sent = false;
    for (const script_step& step : s.steps)
      sent |= step.what == script_step::kind::send &&
              (step.text == "/" + command || step.text.rfind("/" + command + " ", 0) == 0);
    BOOST_TEST(sent, "the conversation never sends /" << command);
  }
}

BOOST_AUTO_TEST_CASE(query_values_are_percent_encoded) {
  BOOST_TEST(url_encode("/fixtures 2022-03-19") == "%2Ffixtures%202022-03-19");
  BOOST_TEST(url_encode("a&b=c~_.") == "a%26b%3Dc~_.");
  BOOST_TEST(url_encode("\xC3\xA9") == "%C3%A9");
}

BOOST_AUTO_TEST_SUITE_END()
