#include "tests/fuzz/fuzz_entries.hpp"

#include "core/bot/analysis_report.hpp"
#include "core/bot/bot_text.hpp"
#include "core/bot/command_table.hpp"
#include "core/bot/subscription_text.hpp"
#include "core/bot/team_commands.hpp"
#include "core/cache/crc32.hpp"
#include "core/cache/snapshot_file.hpp"
#include "core/football/football_payload.hpp"
#include "core/football/live_diff.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/telegram/command_parser.hpp"
#include "core/telegram/update_record.hpp"
#include "core/text/html_text.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <string_view>

namespace phoenix::fuzz {
namespace {

using namespace phoenix::core;

void check(bool holds, const char* what) {
  if (!holds)
    throw broken_invariant(what);
}

std::string_view bytes_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A little-endian integer from `size` bytes at `at`; bytes past the input read as 0.
uint64_t read_le(std::string_view in, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size && at + i < in.size(); ++i)
    value |= uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return value;
}

// --- updates ------------------------------------------------------------------

bool same_update(const telegram_update& a, const telegram_update& b) {
  return encode_update_record(a) == encode_update_record(b);
}

// The inbox keeps every update as a record until it is handled; after a
// restart the record must give back the same update (id 0 is never ours).
void check_record_round_trip(const telegram_update& update) {
  if (update.update_id == 0)
    return;
  auto back = decode_update_record(encode_update_record(update));
  check(back.has_value(), "an update's inbox record does not decode");
  check(same_update(*back, update), "an update's inbox record decodes to another update");
}

// What the conversation does first with an update.
void route(const telegram_update& update) {
  if (auto command = parse_command(update.text, "phoenix_bot")) {
    for (const auto& arg : command->args)
      parse_fixture_id(arg);
  }
  if (auto id = parse_stats_callback(update.callback_data))
    check(*id >= 1 && *id <= max_fixture_id, "a stats button's fixture id is out of range");
}

} // namespace

void update_decoding(const uint8_t* data, size_t size) {
  const std::string_view body = bytes_of(data, size);
  const bot_api_answer answer = parse_bot_api_answer(200, body);
  const decoded_updates direct = decode_updates(body);
  get_me_username(answer.result_json);
  parse_bot_api_answer(200, body, result_kept::message_id);

  // The poller decodes the re-serialized result, not the body it received.
  if (answer.ok) {
    auto wrapped = decode_updates("{\"ok\":true,\"result\":" + answer.result_json + "}");
    check(wrapped.ok == direct.ok, "re-wrapping the result changes whether updates decode");
    check(wrapped.updates.size() == direct.updates.size() &&
              std::equal(wrapped.updates.begin(), wrapped.updates.end(), direct.updates.begin(),
                         same_update),
          "re-wrapping the result changes the updates");
    check(wrapped.problems == direct.problems, "re-wrapping the result changes the problems");
  } else {
    check(!direct.ok, "updates decode from an answer that is not ok");
  }
  check(direct.problem_update_ids.size() == direct.problems.size(),
        "problems and their update ids do not pair up");
  for (const auto& update : direct.updates) {
    check_record_round_trip(update);
    route(update);
  }

  // The same bytes as an inbox record read back from the database.
  if (auto record = decode_update_record(body)) {
    check(record->update_id != 0, "a record without an update id was accepted");
    check_record_round_trip(*record);
  }
}

void command_parsing(const uint8_t* data, size_t size) {
  const std::string_view in = bytes_of(data, size);
  constexpr size_t header = 11;
  const size_t name_length = read_le(in, 0, 1) % (max_command_name_length + 1);
  const auto unix_now = static_cast<int64_t>(read_le(in, 1, 8));
  const auto utc_offset = static_cast<int16_t>(read_le(in, 9, 2));
  const std::string_view rest = in.size() > header ? in.substr(header) : std::string_view{};
  const std::string_view username = rest.substr(0, std::min(name_length, rest.size()));
  const std::string_view text = rest.substr(username.size());

  if (auto command = parse_command(text, username)) {
    check(!command->name.empty() && command->name.size() <= max_command_name_length,
          "a command name is empty or too long");
    check(std::all_of(
              command->name.begin(), command->name.end(),
              [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }),
          "a command name holds something other than a-z, 0-9 and _");
    check(command->args.size() <= max_command_args, "too many command arguments");
    usage_text(command->name);
    unknown_command_text(command->name);
    // The table's handlers take any arguments: work, a usage line or the unknown-command reply.
    const command_work work =
        work_for_command(*command, command_context{"", unix_now, utc_offset, "UTC"});
    check(work.command == command->name, "the work is logged under another command");
    for (const auto& arg : command->args) {
      check(arg.size() <= max_command_arg_bytes, "a command argument is too long");
      if (auto id = parse_fixture_id(arg))
        check(*id >= 1 && *id <= max_fixture_id, "a fixture id is out of range");
      if (auto day = parse_day(arg, unix_now, utc_offset))
        check(day->iso.size() == 10 && !day->label.empty(), "a day is not YYYY-MM-DD");
    }
  }
  // The statistics button's data comes from Telegram just as freely.
  if (auto id = parse_stats_callback(text))
    check(parse_stats_callback(stats_callback_data(*id)) == id,
          "a stats button's data does not survive its own encoding");
  check(!work_for_callback(text).command.empty(), "a button's work has no name");
}

// --- football -------------------------------------------------------------------

namespace {

// Every reply goes through split_message; each part must fit its limit.
void check_split(const std::string& html, size_t small_limit) {
  for (const auto& part : split_message(html))
    check(visible_length_utf16(part) <= telegram_text_limit, "a message part exceeds 4096");
  if (small_limit == 0)
    return;
  for (const auto& part : split_message(html, small_limit))
    check(visible_length_utf16(part) <= std::max<size_t>(small_limit, 2),
          "a message part exceeds its split limit");
}

// The keyboard's buttons must be usable; returns the text for check_split.
std::string checked_html(rendered reply) {
  for (const auto& row : reply.keyboard)
    for (const auto& button : row)
      check(!button.callback_data.empty() && button.callback_data.size() <= 64,
            "a button's callback data is empty or over Telegram's 64 bytes");
  return std::move(reply.html);
}

// Every reply the conversation and the analysis job make of each kind of answer.
struct renderer {
  std::vector<std::string> operator()(const std::vector<fixture>& fixtures) const {
    const date_choice day{"2024-05-01", "today"};
    std::vector<std::string> shown{checked_html(render_fixtures(fixtures, day, "Europe/London")),
                                   checked_html(render_live(fixtures))};
    for (size_t i = 0; i < std::min<size_t>(fixtures.size(), 3); ++i)
      shown.push_back(render_stats(fixtures[i]));
    if (!fixtures.empty())
      shown.push_back(render_analysis(1, fixtures.front(), fixtures, std::nullopt));
    return shown;
  }
  std::vector<std::string> operator()(const std::vector<team_statistics>& statistics) const {
    fixture match;
    match.statistics = statistics;
    return {render_stats(match)};
  }
  std::vector<std::string> operator()(const std::vector<event>& events) const {
    fixture match;
    match.events = events;
    return {render_stats(match)};
  }
  std::vector<std::string> operator()(const std::vector<prediction>& predictions) const {
    if (predictions.empty())
      return {};
    return {render_analysis(1, fixture{}, {}, predictions.front())};
  }
  std::vector<std::string> operator()(const api_status&) const { return {}; }
  std::vector<std::string> operator()(const std::vector<team_info>& teams) const {
    std::vector<fixture> none;
    return {checked_html(render_team_choices(teams, "x")),
            checked_html(render_team_fixtures(teams.empty() ? team_info{} : teams.front(), none,
                                              none, "UTC"))};
  }
  std::vector<std::string> operator()(const std::vector<standing_row>& rows) const {
    return {render_standings(rows, 140, 2021)};
  }
};

// The goal-alert engine reads the same answers (fixtures?live=all): a poll
// that changes nothing alerts nothing, and a first poll sends each key once.
void check_live_alerts(std::string_view body) {
  const decoded<live_snapshot> live = decode_live_fixtures(body);
  if (!live.ok()) {
    check(!live.error.detail.empty(), "a live decoding error without detail");
    return;
  }
  check(live_diff(*live.value, *live.value).empty(), "an unchanged poll gives alerts");
  std::set<std::string> keys;
  for (const live_alert& alert : live_diff({}, *live.value))
    check(alert.action == alert_action::send && keys.insert(alert.key).second,
          "a first poll edits or repeats an alert key");
}

} // namespace

void football_decoding(const uint8_t* data, size_t size) {
  if (size == 0)
    return;
  constexpr unsigned kinds = static_cast<unsigned>(query_kind::standings) + 1;
  const auto kind = static_cast<query_kind>(data[0] % kinds);
  const size_t small_limit = size_t{data[0]} / 8 * 8; // 0 (none) or 8-248
  http_result result;
  result.response.status = 200;
  result.response.body.assign(bytes_of(data + 1, size - 1));
  check_live_alerts(result.response.body);
  upstream_outcome outcome = classify_upstream(kind, result);
  if (!outcome.data) {
    check(!outcome.error.user_message.empty(), "an error without a user sentence");
    check_split(error_text(outcome.error), small_limit);
    return;
  }
  all_finished(*outcome.data);
  any_live(*outcome.data);
  const auto shown = std::visit(renderer{}, *outcome.data);
  for (const auto& html : shown)
    check_split(html, small_limit);

  // The fetcher caches a trimmed body; a cache hit decodes that and must show the same.
  auto cached = decode_payload(kind, cacheable_body(kind, result.response.body));
  check(cached.ok(), "the cached body of a good answer does not decode");
  check(std::visit(renderer{}, *cached.value) == shown, "the cached body shows something else");
}

// --- snapshot ---------------------------------------------------------------------

namespace {

const steady_time fuzz_steady_now{std::chrono::hours{24}};       // a day after boot
const wall_time fuzz_wall_now{std::chrono::seconds{1767225600}}; // 2026-01-01

void put_u32(std::string& bytes, size_t at, uint32_t value) {
  for (size_t i = 0; i < 4; ++i)
    bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFFu);
}

// Makes both checksums right, so mutations reach the record parser.
void reseal(std::string& bytes) {
  if (bytes.size() < snapshot_header_size)
    return;
  put_u32(bytes, 40, crc32(std::string_view{bytes}.substr(snapshot_header_size)));
  put_u32(bytes, 44, crc32(std::string_view{bytes}.substr(0, snapshot_header_size - 4)));
}

} // namespace

void snapshot_loading(const uint8_t* data, size_t size) {
  if (size == 0)
    return;
  std::string bytes{bytes_of(data + 1, size - 1)};
  if (data[0] & 1u)
    reseal(bytes);
  auto decoded = decode_snapshot(bytes, fuzz_steady_now, fuzz_wall_now);
  if (!decoded.status) {
    check(decoded.entries.empty(), "a refused snapshot still yielded entries");
    return;
  }
  // What the cache does with the entries at start-up.
  ttl_lru_store store{store_limits{64, 1u << 20, std::chrono::minutes{10}}};
  for (const auto& entry : decoded.entries) {
    check(entry->expires_at > fuzz_steady_now, "a loaded entry has already expired");
    store.restore(entry);
  }
  for (const auto& entry : decoded.entries)
    store.get(entry->key, fuzz_steady_now);

  // The next flush writes them again: the file must load to the same entries.
  std::vector<const cache_entry*> entries;
  for (const auto& entry : decoded.entries)
    entries.push_back(entry.get());
  auto again = decode_snapshot(encode_snapshot(entries, fuzz_steady_now, fuzz_wall_now),
                               fuzz_steady_now, fuzz_wall_now);
  check(bool(again.status), "a re-encoded snapshot does not decode");
  check(again.entries.size() == decoded.entries.size() && again.expired == 0,
        "a re-encoded snapshot lost entries");
  for (size_t i = 0; i < again.entries.size(); ++i) {
    const cache_entry& a = *again.entries[i];
    const cache_entry& b = *decoded.entries[i];
    check(a.key == b.key && a.value == b.value && a.stored_at == b.stored_at &&
              a.expires_at == b.expires_at,
          "a re-encoded snapshot changed an entry");
  }
}

} // namespace phoenix::fuzz
