#include "core/bot/subscription_text.hpp"

#include "core/text/html_text.hpp"

#include <charconv>
#include <cstdio>

namespace phoenix::core {

namespace {

constexpr std::size_t max_callback_bytes = 64;

// The longest prefix of `text` within `bytes`, cut between UTF-8 characters.
std::string utf8_prefix(std::string_view text, std::size_t bytes) {
  std::size_t end = 0;
  while (end < text.size()) {
    const std::size_t next = end + std::max<std::size_t>(1, utf8_sequence_length(text, end));
    if (next > bytes)
      break;
    end = next;
  }
  return std::string(text.substr(0, end));
}

std::string offset_text(int minutes) {
  char buf[16];
  const int a = minutes < 0 ? -minutes : minutes;
  std::snprintf(buf, sizeof(buf), "UTC%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

} // namespace

std::string team_callback_data(const team_button& button) {
  std::string data =
      std::string(button.subscribe ? "sub:" : "unsub:") + std::to_string(button.team_id) + ":";
  return data + utf8_prefix(button.team_name, max_callback_bytes - data.size());
}

std::optional<team_button> parse_team_callback(std::string_view data) {
  team_button out;
  if (data.rfind("sub:", 0) == 0)
    data.remove_prefix(4);
  else if (data.rfind("unsub:", 0) == 0) {
    data.remove_prefix(6);
    out.subscribe = false;
  } else
    return std::nullopt;
  const auto colon = data.find(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  auto [end, ec] = std::from_chars(data.data(), data.data() + colon, out.team_id);
  if (ec != std::errc{} || end != data.data() + colon || out.team_id <= 0)
    return std::nullopt;
  out.team_name = utf8_sanitized(data.substr(colon + 1));
  return out;
}

rendered render_team_choices(const std::vector<team_info>& teams, std::string_view search) {
  rendered out;
  std::size_t shown = 0;
  for (const team_info& team : teams) {
    if (team.id <= 0 || team.name.empty())
      continue; // nothing to subscribe to
    if (shown++ == max_team_buttons)
      break;
    std::string label = team.name + (team.country.empty() ? "" : " (" + team.country + ")");
    out.keyboard.push_back({inline_button{label, team_callback_data({true, team.id, team.name})}});
  }
  if (out.keyboard.empty()) {
    out.html = "No team matches “" + html_escape(search) +
               "”. Try another part of its name, e.g. /subscribe Arsenal";
    return out;
  }
  out.html = "Which team? Press one to get its goals and results here.";
  if (shown > max_team_buttons)
    out.html += "\nMore teams match: add letters to narrow the search.";
  return out;
}

std::string team_search_too_short_text() {
  return "Give at least " + std::to_string(min_team_search_letters) +
         " letters of the team's name, e.g. /subscribe Arsenal";
}

std::string subscribed_text(int64_t outcome, std::string_view team_name, int64_t max_per_chat) {
  const std::string team = "<b>" + html_escape(team_name) + "</b>";
  if (outcome > 0)
    return "Subscribed to " + team + ". /subscriptions lists your teams.";
  if (outcome == 0)
    return "You follow " + team + " already.";
  return "This chat follows " + std::to_string(max_per_chat) +
         " teams, the most it may. /unsubscribe one first.";
}

rendered render_subscriptions(const std::vector<int64_t>& team_ids,
                              const std::vector<std::string>& team_names) {
  rendered out;
  if (team_ids.empty()) {
    out.html = "You follow no team yet. Find one with /subscribe, e.g. /subscribe Arsenal";
    return out;
  }
  out.html = "<b>Your teams</b> (press one to unsubscribe):";
  for (std::size_t i = 0; i < team_ids.size(); ++i) {
    const std::string name = i < team_names.size() && !team_names[i].empty()
                                 ? team_names[i]
                                 : "team " + std::to_string(team_ids[i]);
    out.html += "\n• " + html_escape(name);
    out.keyboard.push_back(
        {inline_button{"Unsubscribe " + name, team_callback_data({false, team_ids[i], name})}});
  }
  return out;
}

std::string unsubscribed_text(int64_t deleted, std::string_view team_name) {
  const std::string team = "<b>" + html_escape(team_name) + "</b>";
  return deleted > 0 ? "Unsubscribed from " + team + "."
                     : "You do not follow " + team + " (any more).";
}

rendered render_unsubscribe_by_name(const db::reply& answer, std::string_view name) {
  if (answer.count > 0 && !answer.bodies.empty())
    return {unsubscribed_text(1, answer.bodies.front()), {}};
  if (answer.ids.empty())
    return {"None of your teams matches “" + html_escape(name) + "”. /subscriptions lists them.",
            {}};
  rendered out = render_subscriptions(answer.ids, answer.bodies);
  out.html = "Several of your teams match “" + html_escape(name) + "”: press the one to drop.";
  return out;
}

std::string timezone_set_text(std::string_view zone, int offset_minutes_now) {
  return "Your time zone is now <b>" + html_escape(zone) + "</b> (" +
         offset_text(offset_minutes_now) + " now). Dates and kick-off times follow it.";
}

std::string unknown_timezone_text(std::string_view name) {
  return "“" + html_escape(name) +
         "” is no time zone I know. Use an Area/City name, e.g. /timezone Europe/London";
}

std::string settings_text(std::string_view zone, std::string_view default_zone,
                          int64_t subscriptions, int64_t max_per_chat) {
  std::string out =
      "<b>Your settings</b>\nTime zone: " + html_escape(zone.empty() ? default_zone : zone) +
      (zone.empty() ? " (the default; change it with /timezone)" : "") +
      "\nTeams followed in this chat: " + std::to_string(subscriptions);
  if (max_per_chat > 0)
    out += " of at most " + std::to_string(max_per_chat);
  return out + " (/subscriptions)";
}

std::string settings_unavailable_text() {
  return "Your settings cannot be reached just now. Please try again in a minute.";
}

} // namespace phoenix::core
