#include "core/bot/alert_text.hpp"

#include "core/bot/bot_text.hpp"
#include "core/text/html_text.hpp"

namespace phoenix::core {
namespace {

constexpr std::string_view en_dash = "\xE2\x80\x93"; // –

/// "Rovers 1:0 United", or "Rovers – United" before any score.
std::string scoreline(const live_alert& alert) {
  const bool scored = alert.score.home.has_value() && alert.score.away.has_value();
  const std::string middle =
      scored ? std::to_string(*alert.score.home) + ":" + std::to_string(*alert.score.away)
             : std::string(en_dash);
  return html_escape(alert.home.name) + " " + middle + " " + html_escape(alert.away.name);
}

/// "23'", "90+4'", or "" when the feed gave no minute.
std::string minute(const live_alert& alert) {
  // status_label spells out a playing status's minute; "LIVE" is one of them.
  const std::string text = status_label(fixture_status{"", "LIVE", alert.elapsed, alert.extra});
  return text == "LIVE" ? std::string() : text;
}

std::string player_or(const std::string& player, std::string_view otherwise) {
  return player.empty() ? std::string(otherwise) : html_escape(player);
}

/// "A. Smith (penalty), assist B. Jones, 23'"
std::string goal_line(const live_alert& alert) {
  std::string line = player_or(alert.player, "Scorer not confirmed yet");
  if (alert.detail == "Own Goal")
    line += " (own goal)";
  else if (alert.detail == "Penalty")
    line += " (penalty)";
  if (!alert.assist.empty())
    line += ", assist " + html_escape(alert.assist);
  const std::string when = minute(alert);
  return when.empty() ? line : line + ", " + when;
}

/// "A. Smith (Rovers), 40'"
std::string event_line(const live_alert& alert) {
  std::string line = player_or(alert.player, "Player not confirmed yet") + " (" +
                     html_escape(alert.team_name) + ")";
  const std::string when = minute(alert);
  return when.empty() ? line : line + ", " + when;
}

std::string end_of_match(const live_alert& alert) {
  std::string line = "<b>Full time:</b> " + scoreline(alert);
  if (alert.status == "AET")
    line += " after extra time";
  if (alert.status == "PEN" && alert.penalty.home && alert.penalty.away)
    line += ", " + std::to_string(*alert.penalty.home) + ":" + std::to_string(*alert.penalty.away) +
            " on penalties";
  return line;
}

std::string stopped(const live_alert& alert) {
  static const std::pair<std::string_view, std::string_view> verdicts[] = {
      {"ABD", "abandoned"},
      {"CANC", "cancelled"},
      {"PST", "postponed"},
      {"AWD", "awarded"},
      {"WO", "won by walkover"}};
  std::string_view verdict = "stopped";
  for (const auto& [code, text] : verdicts)
    if (alert.status == code)
      verdict = text;
  return "<b>Match " + std::string(verdict) + ":</b> " + scoreline(alert);
}

std::string body(const live_alert& alert) {
  switch (alert.kind) {
  case alert_kind::kick_off:
    return "<b>Kick-off:</b> " + scoreline(alert);
  case alert_kind::goal:
    return "<b>Goal for " + html_escape(alert.team_name) + "!</b> " + scoreline(alert) + "\n" +
           goal_line(alert);
  case alert_kind::missed_penalty:
    return "<b>Penalty missed:</b> " + scoreline(alert) + "\n" + event_line(alert);
  case alert_kind::red_card:
    return "<b>Red card:</b> " + scoreline(alert) + "\n" + event_line(alert);
  case alert_kind::goal_cancelled:
    return "<b>Goal cancelled:</b> " + scoreline(alert) + "\n" + html_escape(alert.team_name) +
           "'s goal (" + goal_line(alert) + ") does not count.";
  case alert_kind::half_time:
    return "<b>Half time:</b> " + scoreline(alert);
  case alert_kind::extra_time:
    return "<b>Extra time:</b> " + scoreline(alert);
  case alert_kind::penalty_shootout:
    return "<b>Penalty shoot-out:</b> " + scoreline(alert);
  case alert_kind::full_time:
    return end_of_match(alert);
  case alert_kind::match_stopped:
    return stopped(alert);
  }
  return scoreline(alert);
}

} // namespace

std::string alert_text(const live_alert& alert) {
  std::string text = body(alert);
  if (!alert.league_name.empty())
    text += "\n<i>" + html_escape(alert.league_name) + "</i>";
  return text;
}

} // namespace phoenix::core
