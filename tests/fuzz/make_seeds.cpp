// Writes the seed corpora of the fuzz targets from sample answers, at run time
// (scripts/fuzz gives it the project's own, tests/fakes/data):
//
//   make_fuzz_seeds UPDATES_FILE FOOTBALL_DIR OUT_DIR
//
// UPDATES_FILE: named Bot API updates (sample-updates.json); FOOTBALL_DIR: a
// folder of API-Football answers (*.json).
//
// OUT_DIR/updates:  each sample update as a getUpdates answer, the sample
//                   envelope, all updates in one answer, and inbox records;
// OUT_DIR/commands: the samples' message texts and typical commands, in the
//                   commands target's layout (see fuzz_entries.hpp);
// OUT_DIR/football: every API-Football sample behind its query-kind byte;
// OUT_DIR/snapshot: cache snapshots holding sample answers, as the cache writes them.
#include "core/cache/snapshot_file.hpp"
#include "core/football/football_query.hpp"
#include "core/telegram/bot_api.hpp"
#include "core/telegram/update_record.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;
using namespace phoenix::core;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_seed(const fs::path& folder, const std::string& name, const std::string& bytes) {
  fs::create_directories(folder);
  std::ofstream out{folder / name, std::ios::binary | std::ios::trunc};
  out << bytes;
  if (!out)
    throw std::runtime_error("cannot write " + (folder / name).string());
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// Returns the message texts found, for the commands corpus.
std::vector<std::string> write_update_seeds(const fs::path& updates, const fs::path& out) {
  rapidjson::Document samples;
  samples.Parse(read_file(updates).c_str());
  if (!samples.IsObject())
    throw std::runtime_error(updates.string() + " is not a JSON object");
  std::vector<std::string> texts;
  std::string all;
  for (const auto& member : samples.GetObject()) {
    const std::string name = member.name.GetString();
    const std::string json = to_json(member.value);
    if (member.value.HasMember("ok")) { // already a whole getUpdates answer
      write_seed(out, name + ".json", json);
      continue;
    }
    const std::string answer = "{\"ok\":true,\"result\":[" + json + "]}";
    write_seed(out, name + ".json", answer);
    all += (all.empty() ? "" : ",") + json;
    for (const auto& update : decode_updates(answer).updates) {
      write_seed(out, name + ".record", encode_update_record(update));
      if (!update.text.empty())
        texts.push_back(update.text);
    }
  }
  write_seed(out, "all-samples.json", "{\"ok\":true,\"result\":[" + all + "]}");
  return texts;
}

// [0] username length, [1..8] unix clock, [9..10] UTC offset, username, text.
std::string command_input(const std::string& username, int64_t unix_now, int16_t utc_offset,
                          const std::string& text) {
  std::string out(1, static_cast<char>(username.size()));
  for (size_t i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((static_cast<uint64_t>(unix_now) >> (8 * i)) & 0xFF));
  for (size_t i = 0; i < 2; ++i)
    out.push_back(static_cast<char>((static_cast<uint16_t>(utc_offset) >> (8 * i)) & 0xFF));
  return out + username + text;
}

void write_command_seeds(std::vector<std::string> texts, const fs::path& out) {
  for (const char* typical :
       {"/help", "/stats 1149519", "/stats@Phoenix_Bot 0001149519", "/stats@other_bot 1",
        "/fixtures", "/fixtures tomorrow 39", "/fixtures 2024-02-29", "/fixtures YESTERDAY",
        "/analyze 1149519", "/job 7", "/cancel 7", "  /jobs\textra", "/st\xC3\xA4ts",
        "stats:1149519", "/fixtures 2100-12-31 1000000000000"})
    texts.emplace_back(typical);
  const int64_t april_2024 = 1712803046;
  for (size_t i = 0; i < texts.size(); ++i)
    write_seed(out, "text-" + std::to_string(i),
               command_input("phoenix_bot", april_2024, static_cast<int16_t>(i % 2 ? 120 : -300),
                             texts[i]));
}

// API-Football samples and the query kind each answers.
query_kind kind_of_sample(const std::string& name) {
  const std::pair<const char*, query_kind> prefixes[] = {
      {"fixtures-by-date", query_kind::fixtures_by_date},
      {"fixtures-live", query_kind::live_fixtures},
      {"fixtures-by-ids", query_kind::fixture_by_id},
      {"fixture-statistics", query_kind::statistics},
      {"headtohead", query_kind::head_to_head},
      {"fixture-events", query_kind::events},
      {"predictions", query_kind::predictions},
      {"teams", query_kind::team_search},
      {"standings", query_kind::standings},
  };
  for (const auto& [prefix, kind] : prefixes)
    if (name.rfind(prefix, 0) == 0)
      return kind;
  return query_kind::fixtures_by_date; // errors and shapes Phoenix never asks for
}

std::vector<std::pair<std::string, std::string>> football_samples(const fs::path& folder) {
  std::vector<std::pair<std::string, std::string>> samples;
  for (const auto& file : fs::directory_iterator{folder})
    if (file.path().extension() == ".json")
      samples.emplace_back(file.path().stem().string(), read_file(file.path()));
  std::sort(samples.begin(), samples.end());
  return samples;
}

void write_football_seeds(const std::vector<std::pair<std::string, std::string>>& samples,
                          const fs::path& out) {
  for (const auto& [name, body] : samples) {
    auto kind = static_cast<unsigned>(kind_of_sample(name));
    write_seed(out, name, std::string(1, static_cast<char>(kind)) + body); // 4096 split only
    write_seed(out, name + ".split64", std::string(1, static_cast<char>(kind | (8u << 3))) + body);
  }
}

void write_snapshot_seeds(const std::vector<std::pair<std::string, std::string>>& samples,
                          const fs::path& out) {
  using namespace std::chrono;
  const steady_time now{hours{24}};
  const wall_time wall_now{seconds{1767225600}}; // what the snapshot target loads with
  std::vector<cache_entry> entries;
  for (const auto& [name, body] : samples)
    if (body.size() <= 8192) // small seeds mutate fast
      entries.push_back(cache_entry{"football:" + name, body, now - minutes{3},
                                    now + minutes{entries.size() % 2 ? 2 : 30}});
  std::vector<const cache_entry*> all, first_three;
  for (const auto& entry : entries)
    all.push_back(&entry);
  first_three.assign(all.begin(), all.begin() + std::min<size_t>(3, all.size()));
  const std::string flag_reseal(1, '\x01'), flag_raw(1, '\x00');
  write_seed(out, "empty", flag_reseal + encode_snapshot({}, now, wall_now));
  write_seed(out, "three", flag_reseal + encode_snapshot(first_three, now, wall_now));
  write_seed(out, "three-raw", flag_raw + encode_snapshot(first_three, now, wall_now));
  // Written five minutes before the load: the 2-minute entries expire on the way.
  write_seed(out, "samples-some-expire",
             flag_reseal + encode_snapshot(all, now, wall_now - minutes{5}));
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " UPDATES_FILE FOOTBALL_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path updates{argv[1]}, football{argv[2]}, out{argv[3]};
  try {
    auto texts = write_update_seeds(updates, out / "updates");
    write_command_seeds(std::move(texts), out / "commands");
    auto samples = football_samples(football);
    write_football_seeds(samples, out / "football");
    write_snapshot_seeds(samples, out / "snapshot");
  } catch (const std::exception& e) {
    std::cerr << "make_fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
