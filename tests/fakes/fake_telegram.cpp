// The fake Telegram Bot API server: owns the samples, the shared state, an
// io_context on its own threads and the listener (the control plane is in
// fake_telegram_control.cpp).
// See fake_telegram.hpp.
#include "tests/fakes/fake_telegram.hpp"

#include "tests/fakes/fake_telegram_session.hpp"
#include "tests/fakes/fake_telegram_webhook.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace phoenix::fakes {
namespace telegram_detail {

std::string samples_path(const std::string& option) {
  if (!option.empty()) {
    return option;
  }
  if (const char* env = std::getenv("PHOENIX_TELEGRAM_SAMPLES"); env && *env) {
    return env;
  }
#ifdef PHOENIX_TELEGRAM_SAMPLES
  return PHOENIX_TELEGRAM_SAMPLES;
#else
  return "";
#endif
}

/// The samples that are updates (have an update_id), by name; none when the
/// file is missing or broken.
sample_map load_samples(const std::string& option) {
  sample_map samples;
  const std::string path = samples_path(option);
  std::ifstream in(path);
  if (path.empty() || !in) {
    return samples;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return samples;
  }
  for (const auto& member : doc.GetObject()) {
    if (member.value.IsObject() && member.value.HasMember("update_id")) {
      samples.emplace(member.name.GetString(), to_json(member.value));
    }
  }
  return samples;
}

/// The bot's id is the token's number before ':'.
int64_t bot_id_of(const std::string& token) {
  int64_t id = 0;
  if (!parse_int(std::string_view(token).substr(0, token.find(':')), id) || id <= 0) {
    return 123456;
  }
  return id;
}

} // namespace telegram_detail

namespace td = telegram_detail;

// Members are destroyed in reverse order: the resume timer and the strand go
// before the io_context they use, the server (the io_context with the
// listener and the sessions) before the router and the state.
class fake_telegram::impl {
public:
  explicit impl(fake_telegram_options o)
      : options(std::move(o)), samples(td::load_samples(options.samples_file)),
        state(options, td::bot_id_of(options.token)),
        router(state, options.token, samples,
               {[this](bool on) { set_running(on); },
                [this](std::chrono::milliseconds d) { stop_for(d); },
                [this] { return server.accepting() && !state.stopped.load(); }}),
        server(options.port, "fake-telegram",
               [this](td::tcp::socket&& socket) {
                 state.count_connection();
                 std::make_shared<td::session>(router, std::move(socket))->run();
               }),
        control_strand(td::net::make_strand(server.context())), resume_timer(control_strand) {
    server.start(options.threads);
  }

  ~impl() {
    server.stop();
    // The wakers hold strand executors of the io_context: gone before it.
    state.forget_waiters();
  }

  void set_running(bool on) {
    ++generation;
    if (on) {
      server.set_accepting(true);
      state.stopped.store(false);
    } else {
      state.stopped.store(true);
      server.set_accepting(false);
      state.abort_poll();
    }
  }

  /// Stops now and resumes after `d`, unless stopped or resumed again meanwhile.
  void stop_for(std::chrono::milliseconds d) {
    set_running(false);
    const uint64_t mine = generation.load();
    td::net::post(control_strand, [this, d, mine] {
      resume_timer.expires_after(d);
      resume_timer.async_wait([this, mine](td::beast::error_code ec) {
        if (!ec && generation.load() == mine) {
          set_running(true);
        }
      });
    });
  }

  fake_telegram_options options;
  td::sample_map samples;
  td::server_state state;
  td::router router;
  http_server server;
  td::net::strand<td::net::io_context::executor_type> control_strand;
  td::net::steady_timer resume_timer;
  std::atomic<uint64_t> generation{0};
  td::webhook_pusher pusher{state}; ///< POSTs queued updates while a webhook is set
};

fake_telegram::fake_telegram(fake_telegram_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

fake_telegram::~fake_telegram() = default;

unsigned short fake_telegram::port() const {
  return impl_->server.port();
}
std::string fake_telegram::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}
const std::string& fake_telegram::token() const {
  return impl_->options.token;
}
std::int64_t fake_telegram::bot_id() const {
  return impl_->state.bot_id();
}

std::int64_t fake_telegram::push_message(std::int64_t chat_id, std::string text,
                                         std::string username, std::int64_t user_id) {
  return impl_->state.push_message(chat_id, text, username, user_id);
}
std::int64_t
fake_telegram::push_messages(const std::vector<std::pair<std::int64_t, std::string>>& batch) {
  std::vector<std::int64_t> message_ids;
  std::chrono::steady_clock::time_point queued_at;
  auto first = impl_->state.push_messages(batch, message_ids, queued_at);
  return first + static_cast<std::int64_t>(batch.size()) - 1;
}
std::int64_t fake_telegram::last_user_message_id(std::int64_t chat_id) const {
  return impl_->state.last_user_message_id(chat_id);
}
std::int64_t fake_telegram::push_callback(std::int64_t chat_id, std::int64_t message_id,
                                          std::string data) {
  return impl_->state.push_callback(chat_id, message_id, data);
}
void fake_telegram::push_raw_update(std::string json) {
  impl_->state.push_raw(std::move(json));
}
std::int64_t fake_telegram::push_sample(const std::string& name) {
  auto found = impl_->samples.find(name);
  if (found == impl_->samples.end()) {
    throw std::invalid_argument("fake_telegram: no sample update named '" + name + "'");
  }
  return impl_->state.push_sample(found->second);
}
std::size_t fake_telegram::pending_updates() const {
  return impl_->state.pending_updates();
}

std::vector<sent_message> fake_telegram::wait_for_messages(std::int64_t chat_id, std::size_t count,
                                                           std::chrono::milliseconds deadline) {
  return impl_->state.wait_for_messages(chat_id, count, deadline);
}
std::size_t fake_telegram::wait_for_total_sent(std::size_t n, std::chrono::milliseconds deadline) {
  return impl_->state.wait_for_total_sent(n, deadline);
}
std::size_t fake_telegram::wait_for_calls(const std::string& method, std::size_t n,
                                          std::chrono::milliseconds deadline) {
  return impl_->state.wait_for_calls(method, n, deadline);
}
std::vector<sent_message> fake_telegram::sent(std::int64_t chat_id) const {
  return impl_->state.sent(chat_id);
}
std::vector<sent_message> fake_telegram::all_sent() const {
  return impl_->state.all_sent();
}
std::optional<std::string> fake_telegram::callback_answer(std::int64_t update_id) const {
  return impl_->state.callback_answer(update_id);
}

void fake_telegram::fail_next(std::string method, int n, int status, int retry_after) {
  impl_->state.faults.fail_next(method, n, status, retry_after);
}
void fake_telegram::fail_ratio(std::string method, double ratio, int status, int retry_after) {
  impl_->state.faults.fail_ratio(method, ratio, status, retry_after);
}
void fake_telegram::set_latency(std::string method, std::chrono::milliseconds fixed,
                                std::chrono::milliseconds jitter) {
  impl_->state.faults.set_latency(method, fixed, jitter);
}
void fake_telegram::reset_next(std::string method, int n) {
  impl_->state.faults.reset_next(method, n);
}
void fake_telegram::clear_faults() {
  impl_->state.faults.clear();
  impl_->state.unblock_all();
  impl_->set_running(true);
}
void fake_telegram::stop() {
  impl_->set_running(false);
}
void fake_telegram::resume() {
  impl_->set_running(true);
}
void fake_telegram::block_user(std::int64_t chat_id) {
  impl_->state.block(chat_id, true);
}
void fake_telegram::unblock_user(std::int64_t chat_id) {
  impl_->state.block(chat_id, false);
}
void fake_telegram::renumber_updates(std::int64_t next_id) {
  impl_->state.renumber_updates(next_id);
}

std::size_t fake_telegram::wait_for_pending(std::size_t at_most,
                                            std::chrono::milliseconds deadline) {
  return impl_->state.wait_for_pending(at_most, deadline);
}

std::size_t fake_telegram::webhook_deliveries() const {
  return impl_->pusher.delivered();
}

std::size_t fake_telegram::webhook_failures() const {
  return impl_->pusher.failed();
}

std::string fake_telegram::webhook_info() const {
  return impl_->state.webhook_info_json();
}

void fake_telegram::set_webhook(bool active) {
  impl_->state.set_webhook(active, active ? "https://example.invalid/phoenix-webhook" : "");
}

void fake_telegram::enforce_limits(bool on) {
  impl_->state.limits.enforce(on);
}
void fake_telegram::set_arrival_jitter(std::string method, std::chrono::milliseconds jitter) {
  impl_->state.limits.set_arrival_jitter(method, jitter);
}
std::size_t fake_telegram::rate_limited() const {
  return impl_->state.limits.rejected();
}
std::chrono::milliseconds fake_telegram::rate_limited_span() const {
  return impl_->state.limits.span();
}

std::size_t fake_telegram::calls(const std::string& method) const {
  return impl_->state.calls(method);
}
std::size_t fake_telegram::total_calls() const {
  return impl_->state.total_calls();
}
std::size_t fake_telegram::sent_count() const {
  return impl_->state.sent_count();
}
int fake_telegram::getupdates_in_flight() const {
  return impl_->state.in_flight();
}
int fake_telegram::max_concurrent_getupdates() const {
  return impl_->state.max_in_flight();
}
std::size_t fake_telegram::getupdates_conflicts() const {
  return impl_->state.conflicts();
}
std::int64_t fake_telegram::confirmed_offset() const {
  return impl_->state.confirmed_offset();
}
std::size_t fake_telegram::answered_callbacks() const {
  return impl_->state.answered_callbacks();
}
std::size_t fake_telegram::deprecated_parameters() const {
  return impl_->state.deprecated_parameters();
}
double fake_telegram::max_messages_per_second(std::int64_t chat_id) const {
  return impl_->state.max_per_second(chat_id);
}
std::size_t fake_telegram::connections_accepted() const {
  return impl_->state.connections_accepted();
}
void fake_telegram::reset_counters() {
  impl_->state.reset_counters();
}

} // namespace phoenix::fakes
