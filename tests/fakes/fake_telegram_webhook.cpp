#include "tests/fakes/fake_telegram_webhook.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <rapidjson/document.h>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace phoenix::fakes::telegram_detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Telegram waits minutes between retries; tests cannot.
constexpr milliseconds first_retry{50};
constexpr milliseconds longest_retry{1000};
constexpr milliseconds tick{2};
constexpr auto request_deadline = std::chrono::seconds{30};

// The chat an update belongs to (its order is kept per chat); updates
// without one (0) are kept in order among themselves.
int64_t chat_of(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (!doc.IsObject())
    return 0;
  for (const char* kind : {"message", "edited_message", "callback_query"}) {
    auto item = doc.FindMember(kind);
    if (item == doc.MemberEnd() || !item->value.IsObject())
      continue;
    const rapidjson::Value* message = &item->value;
    if (auto inner = message->FindMember("message"); inner != message->MemberEnd())
      message = &inner->value; // a callback's message
    if (auto chat = message->FindMember("chat");
        chat != message->MemberEnd() && chat->value.IsObject() && chat->value.HasMember("id") &&
        chat->value["id"].IsInt64())
      return chat->value["id"].GetInt64();
  }
  return 0;
}

struct chat_lane {
  bool busy = false;
  milliseconds backoff{0};
  steady::time_point next_try{};
};

} // namespace

class webhook_pusher::impl {
public:
  explicit impl(server_state& state) : state_(state) {
    arm();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~impl() {
    io_.stop();
    thread_.join();
  }

  std::atomic<size_t> delivered{0}, failed{0};

private:
  // One POST: connect, write, read; the answer (or failure) ends it.
  struct delivery : std::enable_shared_from_this<delivery> {
    delivery(impl& owner, int64_t id, int64_t chat)
        : owner(owner), id(id), chat(chat), stream(owner.io_) {}
    impl& owner;
    int64_t id, chat;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;

    void start(const tcp::endpoint& to) {
      stream.expires_after(request_deadline);
      stream.async_connect(
          to, [self = shared_from_this()](beast::error_code ec) { self->on_connected(ec); });
    }
    void on_connected(beast::error_code ec) {
      if (ec)
        return owner.finish(*this, "Connection refused");
      http::async_write(stream, request, [self = shared_from_this()](beast::error_code ec, size_t) {
        self->on_written(ec);
      });
    }
    void on_written(beast::error_code ec) {
      if (ec)
        return owner.finish(*this, "Connection reset");
      http::async_read(
          stream, buffer, response,
          [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
    }
    void on_read(beast::error_code ec) {
      if (ec)
        return owner.finish(*this, "Connection reset by peer");
      auto status = response.result_int();
      if (status >= 200 && status < 300)
        return owner.finish(*this, "");
      owner.finish(*this, "Wrong response from the webhook: " + std::to_string(status) + " " +
                              std::string(response.reason()));
    }
  };

  void arm() {
    timer_.expires_after(tick);
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec)
        pump();
    });
  }

  // Starts what may go now: the earliest update of each chat that is neither
  // busy nor backing off, up to max_connections in flight.
  void pump() {
    arm();
    auto target = state_.webhook();
    if (!target.active)
      return;
    tcp::endpoint to;
    std::string path;
    if (!endpoint_of(target.url, to, path))
      return state_.webhook_failed(
          "SSL error: the fake Telegram delivers only to http://127.0.0.1");
    auto now = steady::now();
    std::unordered_set<int64_t> seen;
    for (auto& [id, json] : state_.webhook_pending()) {
      if (in_flight_ >= target.max_connections)
        break;
      auto known = chats_.find(id);
      if (known == chats_.end())
        known = chats_.emplace(id, chat_of(json)).first;
      auto chat = known->second;
      if (!seen.insert(chat).second)
        continue; // a later update of a chat waits for its earlier one
      auto& lane = lanes_[chat];
      if (lane.busy || now < lane.next_try)
        continue;
      lane.busy = true;
      ++in_flight_;
      auto d = std::make_shared<delivery>(*this, id, chat);
      d->request = {http::verb::post, path, 11};
      d->request.set(http::field::host, to.address().to_string());
      d->request.set(http::field::content_type, "application/json");
      if (!target.secret.empty())
        d->request.set("X-Telegram-Bot-Api-Secret-Token", target.secret);
      d->request.body() = json;
      d->request.prepare_payload();
      d->start(to);
    }
  }

  void finish(delivery& d, std::string error) {
    --in_flight_;
    auto& lane = lanes_[d.chat];
    lane.busy = false;
    if (error.empty()) {
      ++delivered;
      lane.backoff = milliseconds{0};
      state_.webhook_delivered(d.id);
      chats_.erase(d.id);
      return pump(); // the chat's next one goes at once
    }
    ++failed;
    lane.backoff =
        std::min(longest_retry, lane.backoff.count() == 0 ? first_retry : lane.backoff * 2);
    lane.next_try = steady::now() + lane.backoff;
    state_.webhook_failed(std::move(error));
  }

  static bool endpoint_of(const std::string& url, tcp::endpoint& to, std::string& path) {
    const std::string scheme = "http://127.0.0.1:";
    if (url.rfind(scheme, 0) != 0)
      return false;
    auto slash = url.find('/', scheme.size());
    auto port = std::atoi(url.substr(scheme.size(), slash - scheme.size()).c_str());
    if (port <= 0 || port > 65535)
      return false;
    to = {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)};
    path = slash == std::string::npos ? "/" : url.substr(slash);
    return true;
  }

  server_state& state_;
  asio::io_context io_{1};
  asio::steady_timer timer_{io_};
  std::thread thread_;
  std::unordered_map<int64_t, chat_lane> lanes_;
  std::unordered_map<int64_t, int64_t> chats_; ///< update id -> its chat (parsed once)
  int in_flight_ = 0;
};

webhook_pusher::webhook_pusher(server_state& state) : impl_(std::make_unique<impl>(state)) {}
webhook_pusher::~webhook_pusher() = default;

size_t webhook_pusher::delivered() const {
  return impl_->delivered.load();
}
size_t webhook_pusher::failed() const {
  return impl_->failed.load();
}

// --- the state's side -------------------------------------------------------------

server_state::webhook_target server_state::webhook() const {
  std::lock_guard lock(mutex_);
  return {webhook_active_, webhook_url_, webhook_secret_, webhook_max_connections_};
}

std::vector<std::pair<int64_t, std::string>> server_state::webhook_pending() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<int64_t, std::string>> out;
  if (!webhook_active_)
    return out;
  for (auto& u : queue_)
    out.emplace_back(u.id, u.json);
  return out;
}

void server_state::webhook_delivered(int64_t id) {
  {
    std::lock_guard lock(mutex_);
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                                [id](const queued_update& u) { return u.id == id; }),
                 queue_.end());
  }
  changed_.notify_all();
}

size_t server_state::wait_for_pending(size_t at_most, milliseconds deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, deadline, [&] { return queue_.size() <= at_most; });
  return queue_.size();
}

void server_state::webhook_failed(std::string message) {
  std::lock_guard lock(mutex_);
  webhook_error_ = std::move(message);
  webhook_error_date_ = unix_now();
}

} // namespace phoenix::fakes::telegram_detail
