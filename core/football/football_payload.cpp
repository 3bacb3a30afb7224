#include "core/football/football_payload.hpp"

#include "core/football/football_decode.hpp"

#include <algorithm>
#include <charconv>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace phoenix::core {

namespace {

template <class T> decoded<football_payload> widen(decoded<T>&& in) {
  decoded<football_payload> out;
  if (in.ok())
    out.value = football_payload{std::move(*in.value)};
  else
    out.error = std::move(in.error);
  return out;
}

std::optional<int64_t> header_number(const http_response& response, std::string_view name) {
  auto text = response.header(name);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

} // namespace

decoded<football_payload> decode_payload(query_kind kind, std::string_view body) {
  switch (kind) {
  case query_kind::fixtures_by_date:
  case query_kind::live_fixtures:
  case query_kind::fixture_by_id:
  case query_kind::head_to_head:
  case query_kind::team_fixtures:
    return widen(decode_fixtures(body));
  case query_kind::standings:
    return widen(decode_standings(body));
  case query_kind::statistics:
    return widen(decode_statistics(body));
  case query_kind::events:
    return widen(decode_events(body));
  case query_kind::predictions:
    return widen(decode_predictions(body));
  case query_kind::status:
    return widen(decode_status(body));
  case query_kind::team_search:
    return widen(decode_teams(body));
  }
  return widen(decode_status(body));
}

std::string cacheable_body(query_kind kind, std::string body) {
  if (kind != query_kind::fixture_by_id && kind != query_kind::fixtures_by_date &&
      kind != query_kind::live_fixtures && kind != query_kind::head_to_head)
    return body;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("response") ||
      !doc["response"].IsArray())
    return body;
  bool removed = false;
  for (auto& item : doc["response"].GetArray())
    if (item.IsObject())
      // EraseMember keeps the order: RemoveMember moves the last member into the gap, and
      // of two members with the same name the decoder would then read the other one.
      for (const char* unread : {"lineups", "players"})
        removed |= item.EraseMember(unread);
  if (!removed)
    return body;
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  doc.Accept(writer);
  return {out.GetString(), out.GetSize()};
}

bool all_finished(const football_payload& payload) {
  auto* fixtures = std::get_if<std::vector<fixture>>(&payload);
  return fixtures != nullptr && !fixtures->empty() &&
         std::all_of(fixtures->begin(), fixtures->end(),
                     [](const fixture& f) { return f.status.is_finished(); });
}

bool any_live(const football_payload& payload) {
  auto* fixtures = std::get_if<std::vector<fixture>>(&payload);
  return fixtures != nullptr && std::any_of(fixtures->begin(), fixtures->end(),
                                            [](const fixture& f) { return f.status.is_live(); });
}

football_error transport_error(football_errc code, std::string detail) {
  football_error e;
  e.code = code;
  e.detail = std::move(detail);
  switch (code) {
  case football_errc::timeout:
    e.user_message = "The football data service is slow to answer right now; please try again.";
    break;
  case football_errc::quota_exhausted:
    e.user_message = "Today's football data quota is used up; cached results only until tomorrow.";
    break;
  case football_errc::busy:
    e.user_message = "Phoenix is very busy right now; please try again in a minute.";
    break;
  case football_errc::bad_key:
    e.user_message = "The football data service rejected Phoenix's access key.";
    break;
  case football_errc::rate_limited:
    e.user_message = "The football data service is busy right now; please try again in a minute.";
    break;
  default:
    e.user_message = "The football data service is not reachable right now; please try again.";
  }
  return e;
}

upstream_outcome classify_upstream(query_kind kind, const http_result& result) {
  upstream_outcome out;
  if (!result.ok()) {
    auto timed_out = result.error == http_errc::timeout;
    out.error = transport_error(timed_out ? football_errc::timeout : football_errc::network,
                                std::string{to_string(result.error)} + ": " + result.message);
    out.retryable = result.error != http_errc::bad_url && result.error != http_errc::too_large;
    return out;
  }
  auto& response = result.response;
  out.day_remaining = header_number(response, "x-ratelimit-requests-remaining");
  out.minute_remaining = header_number(response, "X-RateLimit-Remaining");
  auto status = response.status;
  auto detail = "HTTP " + std::to_string(status);
  if (status == 403) {
    out.error = transport_error(football_errc::bad_key, detail + " (missing or malformed key)");
  } else if (status == 429) {
    out.error = transport_error(football_errc::rate_limited, detail);
  } else if (status == 499 || status >= 500) {
    out.error = transport_error(football_errc::network, detail);
    out.retryable = true;
  } else if (status == 204) {
    out.error = transport_error(football_errc::http_status, detail + " (no content)");
  } else if (status != 200) {
    out.error = transport_error(football_errc::http_status, detail);
  } else {
    auto decoded = decode_payload(kind, response.body);
    if (decoded.ok())
      out.data = std::move(decoded.value);
    else
      out.error = std::move(decoded.error);
  }
  return out;
}

} // namespace phoenix::core
