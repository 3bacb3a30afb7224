#include "bench/e2e_fakes.hpp"

#include <algorithm>
#include <future>
#include <rapidjson/document.h>
#include <stdexcept>
#include <thread>

namespace phoenix::bench {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError())
    throw std::runtime_error("not JSON: " + body.substr(0, 200));
  return doc;
}

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace

control_client::control_client(std::string base_url)
    : base_url_(std::move(base_url)), client_({1, 4, true, ""}) {}

std::string control_client::get(const std::string& target, milliseconds timeout) {
  core::http_request request;
  request.url = base_url_ + target;
  request.timeout = timeout;
  return call(std::move(request));
}

std::string control_client::post(const std::string& target, std::string body,
                                 milliseconds timeout) {
  core::http_request request;
  request.method = "POST";
  request.url = base_url_ + target;
  request.headers.emplace_back("Content-Type", "text/plain");
  request.body = std::move(body);
  request.timeout = timeout;
  request.idempotent = false;
  return call(std::move(request));
}

std::string control_client::call(core::http_request request) {
  auto target = request.url.substr(base_url_.size());
  std::promise<core::http_result> done;
  auto answer = done.get_future();
  client_.async_request(std::move(request),
                        [&done](core::http_result result) { done.set_value(std::move(result)); });
  auto result = answer.get();
  if (!result.ok())
    throw std::runtime_error(target + ": " + result.message);
  if (result.response.status != 200)
    throw std::runtime_error(target + ": HTTP " + std::to_string(result.response.status) + " " +
                             result.response.body.substr(0, 200));
  return std::move(result.response.body);
}

pushed telegram_driver::push_many(const std::vector<chat_text>& messages) {
  // In parts the fake's request cap takes (a million chats: 20 MB); they
  // follow each other within milliseconds, so the first part's time stands for all.
  constexpr size_t part = 100000;
  pushed out;
  for (size_t first = 0; first < messages.size(); first += part) {
    std::string body;
    for (size_t i = first; i < std::min(messages.size(), first + part); ++i)
      body += std::to_string(messages[i].first) + ' ' + messages[i].second + '\n';
    auto doc = parse(http_.post("/__push_many", std::move(body)));
    if (first == 0)
      out.at_ns = doc["at_ns"].GetInt64();
    for (auto& id : doc["message_ids"].GetArray())
      out.message_ids.push_back(id.GetInt64());
  }
  if (out.message_ids.size() != messages.size())
    throw std::runtime_error("/__push_many queued fewer messages than sent");
  return out;
}

pushed telegram_driver::push(int64_t chat_id, const std::string& text) {
  auto doc =
      parse(http_.get("/__push?chat=" + std::to_string(chat_id) + "&text=" + url_encode(text)));
  return {doc["at_ns"].GetInt64(), {doc["message_id"].GetInt64()}};
}

namespace {
constexpr milliseconds collect_pause{20};
} // namespace

std::vector<sent_reply> telegram_driver::collect(size_t count, milliseconds deadline,
                                                 bool with_text) {
  std::vector<sent_reply> out;
  auto until = steady::now() + deadline;
  while (out.size() < count) {
    auto left = std::chrono::duration_cast<milliseconds>(until - steady::now());
    if (left.count() <= 0)
      break;
    // Waits in the fake until something new is sent; brief: no texts.
    auto wait = std::min<int64_t>(left.count(), 1000);
    auto doc = parse(http_.get("/__sent?since=" + std::to_string(next_index_) +
                                   (with_text ? "" : "&brief=1") +
                                   "&max=20000&wait_ms=" + std::to_string(wait),
                               milliseconds{wait + 10000}));
    for (auto& s : doc.GetArray()) {
      out.push_back({s["chat_id"].GetInt64(), s["message_id"].GetInt64(),
                     s["reply_to_message_id"].GetInt64(), s["at_ns"].GetInt64(),
                     with_text ? s["plain_text"].GetString() : ""});
      ++next_index_;
    }
    // The fake stamps each reply as it arrives, so collecting late changes no
    // figure; asking again at once after every few replies of a burst would
    // load the fake's thread (and the cores) the bot is measured on.
    if (!doc.GetArray().Empty() && out.size() < count)
      std::this_thread::sleep_for(collect_pause);
  }
  return out;
}

std::vector<std::string> telegram_driver::texts(size_t from, size_t count) {
  std::vector<std::string> out;
  while (out.size() < count) {
    auto page = std::min<size_t>(count - out.size(), 2000);
    auto doc = parse(http_.get("/__sent?since=" + std::to_string(from + out.size()) +
                               "&max=" + std::to_string(page)));
    if (doc.GetArray().Empty())
      break;
    for (auto& s : doc.GetArray())
      out.emplace_back(s["plain_text"].GetString(), s["plain_text"].GetStringLength());
  }
  return out;
}

size_t telegram_driver::calls(const std::string& method) {
  auto doc = parse(http_.get("/__stats"));
  auto& calls = doc["calls"];
  return calls.HasMember(method.c_str()) ? calls[method.c_str()].GetUint64() : 0;
}

size_t telegram_driver::getupdates_conflicts() {
  return parse(http_.get("/__stats"))["getupdates_conflicts"].GetUint64();
}

void telegram_driver::set_latency(const std::string& method, milliseconds latency,
                                  milliseconds jitter) {
  http_.get("/__control?method=" + url_encode(method) + "&latency_ms=" +
            std::to_string(latency.count()) + "&jitter_ms=" + std::to_string(jitter.count()));
}

void telegram_driver::enforce_limits(bool on) {
  http_.get(std::string{"/__control?enforce_limits="} + (on ? "1" : "0"));
}

size_t telegram_driver::answered_429() {
  return parse(http_.get("/__stats"))["rate_limits"]["answered_429"].GetUint64();
}

void football_driver::set_live_step(int step) {
  http_.get(step < 0 ? std::string{"/__control?live_off=1"}
                     : "/__control?live_step=" + std::to_string(step));
}

void football_driver::set_latency(milliseconds latency) {
  http_.get("/__control?latency_ms=" + std::to_string(latency.count()));
}

size_t football_driver::total_calls() {
  return parse(http_.get("/__stats"))["total_calls"].GetUint64();
}

size_t football_driver::calls_for_fixture(int64_t id) {
  auto doc = parse(http_.get("/__stats"));
  auto& calls = doc["calls_for_fixture"];
  auto key = std::to_string(id);
  return calls.HasMember(key.c_str()) ? calls[key.c_str()].GetUint64() : 0;
}

} // namespace phoenix::bench
