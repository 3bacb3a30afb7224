// The fake Telegram's MarkdownV2 and legacy Markdown parse modes, with
// Telegram's error texts.
#include "tests/fakes/fake_telegram_text.hpp"

namespace phoenix::fakes::telegram_detail {

std::string parse_markdown_v2(std::string_view in, formatted_text& out) {
  using namespace markup;
  out = {};
  std::string& result = out.text;
  struct open_entity {
    std::string type, argument;
    int64_t offset = 0;
    size_t byte_offset = 0, result_pos = 0;
  };
  std::vector<open_entity> nested;
  int64_t offset = 0;
  bool in_quote = false;
  int64_t quote_begin = 0, quote_end = 0;
  auto reserved = [](char c) {
    return c != '\0' && std::string_view("_*[]()~`>#+-=|{}.!").find(c) != std::string_view::npos;
  };
  auto character_error = [](char c) {
    return std::string("Character '") + c +
           "' is reserved and must be escaped with the preceding '\\'";
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const bool line_start = i == 0 || in[i - 1] == '\n';
    const bool in_code =
        !nested.empty() && (nested.back().type == "code" || nested.back().type == "pre");
    if (line_start && !in_code) {
      if (c == '>') {
        if (!in_quote) {
          in_quote = true;
          quote_begin = offset;
        }
        continue;
      }
      if (in_quote) {
        in_quote = false;
        if (quote_end > quote_begin) {
          out.entities.push_back(make_entity("blockquote", quote_begin, quote_end - quote_begin));
        }
      }
    }
    if (c == '\\' && at(in, i + 1) > 0 && at(in, i + 1) <= 126) {
      ++i;
      ++offset;
      result += in[i];
      continue;
    }
    const bool special = in_code ? c == '`' : reserved(c);
    if (!special) {
      if (c == '\n') {
        quote_end = offset; // a quotation ends before its line break
      }
      offset += utf16_units(static_cast<unsigned char>(c));
      result += c;
      continue;
    }
    bool closes = false;
    if (!nested.empty()) {
      const std::string& t = nested.back().type;
      const char next = at(in, i + 1);
      closes = (t == "bold" && c == '*') || (t == "italic" && c == '_' && next != '_') ||
               (t == "code" && c == '`') ||
               (t == "pre" && c == '`' && next == '`' && at(in, i + 2) == '`') ||
               (t == "text_link" && c == ']') || (t == "underline" && c == '_' && next == '_') ||
               (t == "strikethrough" && c == '~') || (t == "spoiler" && c == '|' && next == '|') ||
               (t == "custom_emoji" && c == ']');
    }
    if (!closes) {
      open_entity open;
      open.byte_offset = i;
      switch (c) {
      case '_':
        if (at(in, i + 1) == '_') {
          open.type = "underline";
          ++i;
        } else {
          open.type = "italic";
        }
        break;
      case '*':
        open.type = "bold";
        break;
      case '~':
        open.type = "strikethrough";
        break;
      case '|':
        if (at(in, i + 1) != '|') {
          return character_error(c);
        }
        ++i;
        open.type = "spoiler";
        break;
      case '[':
        open.type = "text_link";
        break;
      case '`':
        if (at(in, i + 1) == '`' && at(in, i + 2) == '`') {
          i += 3;
          open.type = "pre";
          size_t language_end = i;
          while (!is_space(at(in, language_end)) && at(in, language_end) != '`') {
            ++language_end;
          }
          if (i != language_end && language_end < in.size() && at(in, language_end) != '`') {
            open.argument = std::string(in.substr(i, language_end - i));
            i = language_end;
          }
          if (at(in, i) == '\n' || at(in, i) == '\r') {
            const bool pair =
                (at(in, i + 1) == '\n' || at(in, i + 1) == '\r') && at(in, i) != at(in, i + 1);
            i += pair ? 2 : 1;
          }
          --i;
        } else {
          open.type = "code";
        }
        break;
      case '!':
        if (at(in, i + 1) == '[') {
          ++i;
          open.type = "custom_emoji";
          break;
        }
        return character_error(c);
      default:
        return character_error(c);
      }
      open.offset = offset;
      open.result_pos = result.size();
      nested.push_back(std::move(open));
      continue;
    }
    open_entity open = std::move(nested.back());
    nested.pop_back();
    entity e;
    e.type = open.type;
    e.offset = open.offset;
    e.length = offset - open.offset;
    if (open.type == "underline" || open.type == "spoiler") {
      ++i;
    } else if (open.type == "pre") {
      i += 2;
      e.language = open.argument;
    } else if (open.type == "text_link" || open.type == "custom_emoji") {
      std::string url;
      if (at(in, i + 1) != '(') {
        if (open.type == "custom_emoji") {
          return "Custom emoji entity must contain a tg://emoji URL";
        }
        url = result.substr(open.result_pos);
      } else {
        i += 2;
        const size_t url_begin = i;
        while (i < in.size() && in[i] != ')') {
          if (in[i] == '\\' && at(in, i + 1) > 0 && at(in, i + 1) <= 126) {
            url += in[i + 1];
            i += 2;
            continue;
          }
          url += in[i++];
        }
        if (at(in, i) != ')') {
          return "Can't find end of a URL at byte offset " + std::to_string(url_begin);
        }
      }
      if (open.type == "custom_emoji") {
        const std::string prefix = "tg://emoji?id=";
        int64_t id = 0;
        if (url.rfind(prefix, 0) != 0 || !parse_int(url.substr(prefix.size()), id) || id <= 0) {
          return "Custom emoji URL must have an emoji identifier";
        }
        e.custom_emoji_id = url.substr(prefix.size());
      } else {
        e.url = url;
      }
    }
    if (e.length > 0 && !(e.type == "text_link" && e.url.empty())) {
      out.entities.push_back(std::move(e));
    }
  }
  if (!nested.empty()) {
    return "Can't find end of " + nested.back().type + " entity at byte offset " +
           std::to_string(nested.back().byte_offset);
  }
  if (in_quote && offset > quote_begin) {
    out.entities.push_back(make_entity("blockquote", quote_begin, offset - quote_begin));
  }
  sort_entities(out.entities);
  return "";
}

std::string parse_markdown(std::string_view in, formatted_text& out) {
  using namespace markup;
  out = {};
  std::string& result = out.text;
  int64_t offset = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const char next = at(in, i + 1);
    if (c == '\\' && (next == '_' || next == '*' || next == '`' || next == '[')) {
      result += in[++i];
      ++offset;
      continue;
    }
    if (c != '_' && c != '*' && c != '`' && c != '[') {
      offset += utf16_units(static_cast<unsigned char>(c));
      result += c;
      continue;
    }
    const size_t begin = i;
    const char end_character = c == '[' ? ']' : c;
    bool is_pre = false;
    std::string language;
    ++i;
    if (c == '`' && at(in, i) == '`' && at(in, i + 1) == '`') {
      i += 2;
      is_pre = true;
      size_t language_end = i;
      while (!is_space(at(in, language_end)) && at(in, language_end) != '`') {
        ++language_end;
      }
      if (i != language_end && language_end < in.size() && at(in, language_end) != '`') {
        language = std::string(in.substr(i, language_end - i));
        i = language_end;
      }
      if (at(in, i) == '\n' || at(in, i) == '\r') {
        const bool pair =
            (at(in, i + 1) == '\n' || at(in, i + 1) == '\r') && at(in, i) != at(in, i + 1);
        i += pair ? 2 : 1;
      }
    }
    const int64_t entity_offset = offset;
    const size_t result_pos = result.size();
    while (i < in.size() && (in[i] != end_character ||
                             (is_pre && !(at(in, i + 1) == '`' && at(in, i + 2) == '`')))) {
      offset += utf16_units(static_cast<unsigned char>(in[i]));
      result += in[i++];
    }
    if (i >= in.size()) {
      return "Can't find end of the entity starting at byte offset " + std::to_string(begin);
    }
    entity e;
    e.offset = entity_offset;
    e.length = offset - entity_offset;
    if (c == '_') {
      e.type = "italic";
    } else if (c == '*') {
      e.type = "bold";
    } else if (c == '[') {
      if (at(in, i + 1) == '(') {
        i += 2;
        while (i < in.size() && in[i] != ')') {
          e.url += in[i++];
        }
      } else {
        e.url = result.substr(result_pos);
      }
      e.type = "text_link";
    } else {
      e.type = is_pre ? "pre" : "code";
      e.language = language;
    }
    if (e.length > 0 && !(e.type == "text_link" && e.url.empty())) {
      out.entities.push_back(std::move(e));
    }
    if (is_pre) {
      i += 2;
    }
  }
  sort_entities(out.entities);
  return "";
}

} // namespace phoenix::fakes::telegram_detail
