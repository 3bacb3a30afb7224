#include "core/text/html_text.hpp"

#include <boost/test/unit_test.hpp>
#include <iterator>
#include <random>
#include <string>

using namespace phoenix::core;

namespace {

// Visible text only: tags dropped, the four entities decoded.
std::string plain_text(std::string_view html) {
  std::string out;
  for (std::size_t pos = 0; pos < html.size();) {
    if (html[pos] == '<') {
      pos = html.find('>', pos) + 1;
      continue;
    }
    bool entity = false;
    for (auto [name, c] :
         {std::pair{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}}) {
      if (html.substr(pos, std::string_view(name).size()) == name) {
        out += c;
        pos += std::string_view(name).size();
        entity = true;
        break;
      }
    }
    if (!entity)
      out += html[pos++];
  }
  return out;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0)
      return false;
    pos += length;
  }
  return true;
}

std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1))
    ++count;
  return count;
}

} // namespace

BOOST_AUTO_TEST_SUITE(html_text_tests)

BOOST_AUTO_TEST_CASE(escapes_markup_in_team_names) {
  BOOST_TEST(html_escape("Brighton & <Hove>") == "Brighton &amp; &lt;Hove&gt;");
  BOOST_TEST(html_escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;");
  BOOST_TEST(html_escape("say \"hi\"") == "say &quot;hi&quot;");
  BOOST_TEST(html_escape("München, Fenerbahçe") == "München, Fenerbahçe");
  BOOST_TEST(html_escape("") == "");
}

BOOST_AUTO_TEST_CASE(visible_length_counts_like_telegram) {
  BOOST_TEST(visible_length_utf16("München") == 7u);
  BOOST_TEST(visible_length_utf16("Fenerbahçe") == 10u);
  BOOST_TEST(visible_length_utf16("\xE2\x9A\xBD") == 1u);     // ⚽ is in the BMP
  BOOST_TEST(visible_length_utf16("\xF0\x9F\x98\x80") == 2u); // 😀 needs a surrogate pair
  BOOST_TEST(visible_length_utf16("<b>a&amp;b</b>") == 3u);
  BOOST_TEST(visible_length_utf16("&lt;&gt;&quot;&amp;") == 4u);
  BOOST_TEST(visible_length_utf16("&#128512;&#x41;") == 3u);
  BOOST_TEST(visible_length_utf16("a & b") == 5u); // a bare & is a character
  BOOST_TEST(visible_length_utf16("\xFF\xFE") == 2u);
  BOOST_TEST(visible_length_utf16(html_escape("Brighton & <Hove>")) == 17u);
  BOOST_TEST(visible_length_utf16("") == 0u);
}

BOOST_AUTO_TEST_CASE(short_text_stays_one_part) {
  auto parts = split_message("<b>Hello</b>\nworld");
  BOOST_REQUIRE_EQUAL(parts.size(), 1u);
  BOOST_TEST(parts[0] == "<b>Hello</b>\nworld");
  BOOST_TEST(split_message("").empty());
  BOOST_TEST(split_message("\n \n").empty());
}

BOOST_AUTO_TEST_CASE(splits_ten_thousand_characters_on_line_boundaries) {
  std::string text;
  for (int i = 0; visible_length_utf16(text) < 10000; ++i)
    text += (text.empty() ? "" : "\n") + std::string("Line ") + std::to_string(i) +
            " M\xC3\xBCnchen &amp; Fenerbah\xC3\xA7" + "e \xF0\x9F\x98\x80 " +
            std::string(static_cast<std::size_t>(i % 50), 'x');
  auto parts = split_message(text);
  BOOST_REQUIRE_GE(parts.size(), 3u);
  std::string joined;
  for (const auto& part : parts) {
    BOOST_TEST(visible_length_utf16(part) <= 4096u);
    BOOST_TEST(part.front() == 'L'); // starts at a line
    joined += (joined.empty() ? "" : "\n") + part;
  }
  BOOST_TEST(joined == text); // nothing lost, nothing added
}

BOOST_AUTO_TEST_CASE(cuts_a_single_long_line_between_characters) {
  std::string line;
  for (int i = 0; i < 2500; ++i)
    line += i % 3 == 0 ? "\xF0\x9F\x98\x80" : i % 3 == 1 ? "\xC3\xBC" : "&amp;";
  auto parts = split_message(line, 1000);
  BOOST_REQUIRE_GE(parts.size(), 3u);
  std::string joined;
  for (const auto& part : parts) {
    BOOST_TEST(visible_length_utf16(part) <= 1000u);
    BOOST_TEST(valid_utf8(part));
    BOOST_TEST(part.back() != '&'); // no entity cut
    joined += part;
  }
  BOOST_TEST(joined == line);
}

BOOST_AUTO_TEST_CASE(prefers_spaces_when_cutting_a_long_line) {
  std::string line;
  for (int i = 0; i < 300; ++i)
    line += "word" + std::to_string(i) + " ";
  auto parts = split_message(line, 100);
  BOOST_REQUIRE_GE(parts.size(), 2u);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    BOOST_TEST(parts[i].back() == ' ');
}

BOOST_AUTO_TEST_CASE(never_cuts_inside_tags_and_keeps_them_balanced) {
  std::string line;
  for (int i = 0; i < 400; ++i)
    line += "<b>ab</b><a href=\"https://example.org/?a=1&amp;b=2\">x&lt;y</a> ";
  auto parts = split_message(line, 97);
  BOOST_REQUIRE_GE(parts.size(), 10u);
  std::string visible;
  for (const auto& part : parts) {
    BOOST_TEST(visible_length_utf16(part) <= 97u);
    BOOST_TEST(count_of(part, "<b>") == count_of(part, "</b>"));
    BOOST_TEST(count_of(part, "<a ") == count_of(part, "</a>"));
    BOOST_TEST(count_of(part, "<") == count_of(part, ">"));
    visible += plain_text(part);
  }
  BOOST_TEST(visible == plain_text(line));
}

BOOST_AUTO_TEST_CASE(reopens_a_pre_block_split_across_parts) {
  std::string html = "<b>Statistics</b>\n<pre>";
  for (int i = 0; i < 40; ++i)
    html += "Shots           " + std::to_string(i) + "\n";
  html += "end</pre>";
  auto parts = split_message(html, 200);
  BOOST_REQUIRE_GE(parts.size(), 3u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    BOOST_TEST(count_of(parts[i], "<pre>") == 1u);
    BOOST_TEST(count_of(parts[i], "</pre>") == 1u);
    BOOST_TEST(visible_length_utf16(parts[i]) <= 200u);
  }
  BOOST_TEST(parts[1].rfind("<pre>", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(tiny_limits_still_make_progress) {
  auto parts = split_message("😀😀abc", 1);
  std::string joined;
  for (const auto& part : parts)
    joined += part;
  BOOST_TEST(joined == "😀😀abc");
}

BOOST_AUTO_TEST_CASE(random_markup_is_split_within_limits) {
  std::mt19937 random(5);
  const std::string pieces[] = {"<b>", "</b>", "<pre>", "</pre>", "&amp;", "&lt;", "\n",  " ",
                                "😀",   "ü",    "a",     "<",      "&",     "\xFF", "\xC3"};
  for (int round = 0; round < 300; ++round) {
    std::string html;
    for (int i = static_cast<int>(random() % 2000); i > 0; --i)
      html += pieces[random() % std::size(pieces)];
    const std::size_t limit = 2 + random() % 300;
    for (const auto& part : split_message(html, limit))
      BOOST_TEST_REQUIRE(visible_length_utf16(part) <= limit);
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_replaced_for_the_wire) {
  BOOST_TEST(utf8_sanitized("M\xC3\xBCnchen") == "M\xC3\xBCnchen");
  BOOST_TEST(utf8_sanitized("a\xFF"
                            "b") == "a\xEF\xBF\xBD"
                                    "b");
  BOOST_TEST(utf8_sanitized("\xC3") == "\xEF\xBF\xBD");                    // truncated
  BOOST_TEST(utf8_sanitized("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");    // overlong
  BOOST_TEST(valid_utf8(utf8_sanitized("\xED\xA0\x80\xF4\x90\x80\x80x"))); // surrogate, > U+10FFFF
  std::string all_bytes;
  for (int b = 0; b < 256; ++b)
    all_bytes += static_cast<char>(b);
  BOOST_TEST(valid_utf8(utf8_sanitized(all_bytes)));
}

BOOST_AUTO_TEST_CASE(truncates_plain_text_at_character_boundaries) {
  BOOST_TEST(truncate_utf16("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 3) == "\xF0\x9F\x98\x80");
  BOOST_TEST(truncate_utf16("M\xC3\xBCnchen", 2) == "M\xC3\xBC");
  BOOST_TEST(truncate_utf16("abc", 10) == "abc");
  BOOST_TEST(truncate_utf16(std::string(500, 'a'), 200).size() == 200u);
}

BOOST_AUTO_TEST_CASE(shortens_by_characters_with_an_ellipsis) {
  BOOST_TEST(utf8_length("München 😀") == 9u);
  BOOST_TEST(utf8_length("\xFF\xFE") == 2u);
  BOOST_TEST(shorten("Atletico Madrid", 9) == "Atletico…");
  BOOST_TEST(shorten("Fenerbahçe SK", 10) == "Fenerbahç…");
  BOOST_TEST(shorten("Inter", 9) == "Inter");
  BOOST_TEST(shorten("Inter", 0) == "");
  BOOST_TEST(utf8_length(shorten(std::string(500, 'x'), 60)) == 60u);
}

BOOST_AUTO_TEST_CASE(code_points_append_as_utf8) {
  std::string out;
  for (std::uint32_t cp : {0x41u, 0xFCu, 0x20ACu, 0x26BDu, 0x1F3C6u, 0x10FFFFu})
    append_utf8(out, cp);
  BOOST_TEST(out == "A\xC3\xBC\xE2\x82\xAC\xE2\x9A\xBD\xF0\x9F\x8F\x86\xF4\x8F\xBF\xBF");
  BOOST_TEST(utf8_length(out) == 6u);
}

BOOST_AUTO_TEST_SUITE_END()
