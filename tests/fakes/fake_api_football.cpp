// The fake API-Football server: owns the samples, the shared state, an
// io_context on its own threads and the listener. See fake_api_football.hpp.
#include "tests/fakes/fake_api_football.hpp"

#include "tests/fakes/fake_api_football_session.hpp"

#include <cstdlib>
#include <fstream>

namespace phoenix::fakes {
namespace detail {

namespace {

reply json_reply(http::status status, std::string body) {
  reply r;
  r.res = make_response(status, "fake-api-football", "application/json", std::move(body));
  return r;
}

reply control_error(const std::string& message) {
  return json_reply(http::status::bad_request, "{\"error\":" + json_string(message) + "}");
}

// /__control and /__stats both end with the remaining budgets.
void write_quota(json_writer& w, const quota_view& quota) {
  w.Key("daily_remaining");
  w.Int(quota.day_remaining);
  w.Key("minute_remaining");
  w.Int(quota.minute_remaining);
}

} // namespace

// GET /__control?name=value&...: every fault setter, for a separate process.
// Values are checked before anything is applied, so a typo changes nothing.
reply router::control(const query& q) const {
  auto number = [&q](const char* name, int64_t& out) {
    const std::string* v = find_param(q, name);
    return v && parse_int(*v, out) && out <= 1000000000;
  };
  static const char* const known[] = {
      "clear",     "latency_ms",      "jitter_ms",        "fail",           "status",
      "malformed", "reset",           "envelope_error",   "field",          "close_after_each",
      "accepting", "daily_remaining", "minute_remaining", "reset_counters", "raw_body",
      "body",      "live_step",       "live_advance",     "live_step_ms",   "live_off"};
  for (const auto& [name, value] : q) {
    if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
      return control_error("unknown control parameter: " + name);
    }
    int64_t n = 0;
    if (name != "field" && name != "body" && !number(name.c_str(), n)) {
      return control_error("not a non-negative integer: " + name + "=" + value);
    }
  }
  int64_t n = 0, m = 0;
  if (number("clear", n) && n) {
    state_.clear_faults();
  }
  if (number("reset_counters", n) && n) {
    state_.reset_counters();
  }
  if (find_param(q, "latency_ms") || find_param(q, "jitter_ms")) {
    const milliseconds fixed = number("latency_ms", n) ? milliseconds(n) : state_.latency();
    const milliseconds jitter = number("jitter_ms", m) ? milliseconds(m) : state_.jitter();
    state_.set_latency(fixed, jitter);
  }
  if (number("fail", n)) {
    state_.fail_next(int(n), number("status", m) ? int(m) : 500);
  }
  if (number("malformed", n)) {
    state_.malformed_next(int(n));
  }
  if (number("reset", n)) {
    state_.reset_next(int(n));
  }
  if (number("envelope_error", n)) {
    const std::string* field = find_param(q, "field");
    state_.envelope_error_next(int(n), field ? *field : "token");
  }
  if (number("raw_body", n)) {
    const std::string* body = find_param(q, "body");
    state_.raw_body_next(int(n), body ? *body : "");
  }
  if (number("close_after_each", n)) {
    state_.close_after_each(n != 0);
  }
  if (number("daily_remaining", n)) {
    state_.set_daily_remaining(int(n));
  }
  if (number("minute_remaining", n)) {
    state_.set_minute_remaining(int(n));
  }
  if (number("accepting", n) && set_accepting_) {
    set_accepting_(n != 0);
  }
  if ((find_param(q, "live_step") || find_param(q, "live_advance") ||
       find_param(q, "live_step_ms")) &&
      live_.steps() == 0) {
    return control_error("no live script in the samples folder (live-scripted.json)");
  }
  if (number("live_off", n) && n) {
    live_.set_step(-1);
    live_.set_interval(milliseconds(0));
  }
  if (number("live_step", n)) {
    live_.set_step(int(std::min<int64_t>(n, live_.steps())));
  }
  if (number("live_advance", n)) {
    live_.advance(int(std::min<int64_t>(n, live_.steps())));
  }
  if (number("live_step_ms", n)) {
    live_.set_interval(milliseconds(n));
  }

  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  state_.write_faults(w);
  w.Key("live_step");
  w.Int(live_.step());
  w.Key("live_steps");
  w.Int(live_.steps());
  write_quota(w, state_.quota());
  w.EndObject();
  return json_reply(http::status::ok, buffer.GetString());
}

// GET /__stats: the counters and the remaining budgets.
reply router::stats() const {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  state_.write_counters(w);
  write_quota(w, state_.quota());
  w.EndObject();
  return json_reply(http::status::ok, buffer.GetString());
}

std::string resolve_samples_dir(const std::string& option) {
  if (!option.empty()) {
    return option;
  }
  if (const char* env = std::getenv("PHOENIX_SAMPLES_DIR"); env && *env) {
    return env;
  }
  return PHOENIX_SAMPLES_DIR;
}

std::unique_ptr<ssl::context> make_tls(const fake_api_football_options& o) {
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) {
    return nullptr;
  }
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    throw std::runtime_error("TLS needs both tls_cert_file and tls_key_file");
  }
  // OpenSSL's own error for a missing file is a bare "asio.ssl error".
  for (const std::string& file : {o.tls_cert_file, o.tls_key_file}) {
    if (!std::ifstream(file)) {
      throw std::runtime_error("cannot read TLS file " + file);
    }
  }
  auto tls = std::make_unique<ssl::context>(ssl::context::tls_server);
  beast::error_code ec;
  tls->use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) {
    throw std::runtime_error("cannot use TLS certificate " + o.tls_cert_file + ": " + ec.message());
  }
  tls->use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("cannot use TLS key " + o.tls_key_file + ": " + ec.message());
  }
  return tls;
}

} // namespace detail

// Members are destroyed in reverse order: the server (the io_context with
// the listener and the sessions) goes before the router, TLS context and
// state they use.
class fake_api_football::impl {
public:
  explicit impl(fake_api_football_options o)
      : options(std::move(o)), samples(detail::resolve_samples_dir(options.samples_dir),
                                       {options.generated_ids.first, options.generated_ids.last}),
        live(detail::resolve_samples_dir(options.samples_dir) + "/live-scripted.json"),
        state(options.per_minute_limit, options.daily_limit), tls(detail::make_tls(options)),
        router(samples, live, state, options.api_key,
               [this](bool on) { server.set_accepting(on); }),
        server(options.port, "fake-api-football",
               [this](detail::tcp::socket&& socket) { start_session(std::move(socket)); }) {
    server.start(options.threads);
  }

  void start_session(detail::tcp::socket&& socket) {
    state.count_connection();
    if (tls) {
      std::make_shared<detail::session<detail::tls_stream>>(router, std::move(socket), *tls)->run();
    } else {
      std::make_shared<detail::session<detail::beast::tcp_stream>>(router, std::move(socket))
          ->run();
    }
  }

  fake_api_football_options options;
  detail::sample_store samples;
  detail::live_script live;
  detail::server_state state;
  std::unique_ptr<detail::ssl::context> tls;
  detail::router router;
  http_server server;
};

fake_api_football::fake_api_football(fake_api_football_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

fake_api_football::~fake_api_football() = default;

unsigned short fake_api_football::port() const {
  return impl_->server.port();
}

std::string fake_api_football::base_url() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

void fake_api_football::set_latency(std::chrono::milliseconds fixed,
                                    std::chrono::milliseconds jitter) {
  impl_->state.set_latency(fixed, jitter);
}
void fake_api_football::fail_next(int n, int status) {
  impl_->state.fail_next(n, status);
}
void fake_api_football::malformed_next(int n) {
  impl_->state.malformed_next(n);
}
void fake_api_football::reset_next(int n) {
  impl_->state.reset_next(n);
}
void fake_api_football::raw_body_next(int n, std::string body) {
  impl_->state.raw_body_next(n, std::move(body));
}
void fake_api_football::envelope_error_next(int n, std::string field) {
  impl_->state.envelope_error_next(n, std::move(field));
}
void fake_api_football::close_after_each(bool on) {
  impl_->state.close_after_each(on);
}
void fake_api_football::clear_faults() {
  impl_->state.clear_faults();
}
void fake_api_football::stop_accepting() {
  impl_->server.set_accepting(false);
}
void fake_api_football::resume() {
  impl_->server.set_accepting(true);
}

void fake_api_football::set_daily_remaining(int n) {
  impl_->state.set_daily_remaining(n);
}
void fake_api_football::set_minute_remaining(int n) {
  impl_->state.set_minute_remaining(n);
}
int fake_api_football::daily_remaining() const {
  return impl_->state.quota().day_remaining;
}
int fake_api_football::minute_remaining() const {
  return impl_->state.quota().minute_remaining;
}

int fake_api_football::live_steps() const {
  return impl_->live.steps();
}
int fake_api_football::live_step() const {
  return impl_->live.step();
}
void fake_api_football::set_live_step(int step) {
  impl_->live.set_step(step);
}
void fake_api_football::advance_live(int n) {
  impl_->live.advance(n);
}
void fake_api_football::set_live_interval(std::chrono::milliseconds interval) {
  impl_->live.set_interval(interval);
}

std::size_t fake_api_football::calls(const std::string& path) const {
  return impl_->state.calls(path);
}
std::size_t fake_api_football::calls_for_fixture(std::int64_t id) const {
  return impl_->state.calls_for_fixture(id);
}
std::size_t fake_api_football::total_calls() const {
  return impl_->state.total_calls();
}
std::size_t fake_api_football::peak_concurrent_calls() const {
  return impl_->state.peak_concurrent_calls();
}

std::size_t fake_api_football::connections_accepted() const {
  return impl_->state.connections_accepted();
}
void fake_api_football::reset_counters() {
  impl_->state.reset_counters();
}

} // namespace phoenix::fakes
