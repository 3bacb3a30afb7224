// Phoenix's real actors (start_bot) against both fakes over loopback and a
// fresh PostgreSQL database: what a Telegram user experiences.
#pragma once

#include "app/bot_system.hpp"
#include "tests/fakes/fake_api_football.hpp"
#include "tests/fakes/fake_telegram.hpp"
#include "tests/integration/test_database.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <filesystem>
#include <future>
#include <spdlog/spdlog.h>

namespace phoenix::test {

using namespace std::chrono_literals;

struct bot_fixture {
  fakes::fake_telegram telegram;
  fakes::fake_api_football football{fakes::options_for_tests()};
  test_database database{"bot"};
  std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("phoenix-bot-e2e-" + std::to_string(::getpid()));
  settings values;
  std::unique_ptr<phoenix_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  running_bot bot;

  bot_fixture() {
    spdlog::set_level(std::getenv("PHOENIX_TEST_LOG") ? spdlog::level::debug : spdlog::level::err);
    std::filesystem::create_directories(folder);
    values.telegram_token = telegram.token();
    values.telegram_api_url = telegram.base_url();
    values.telegram_poll_timeout = std::chrono::seconds{2};
    values.football_api_url = football.base_url();
    values.football_api_key = "test-key";
    values.db_uri = database.uri();
    values.cache_path = (folder / "cache.snapshot").string();
    values.limits_chat_per_second = 0; // tests send bursts to one chat
    values.limits_global_per_second = 0;
    values.limits_group_per_minute = 0;
    values.metrics_listen = "127.0.0.1:0"; // a free port for each bot under test
  }

  ~bot_fixture() {
    stop();
    std::filesystem::remove_all(folder);
  }

  void start() {
    cfg = std::make_unique<phoenix_config>();
    sys = std::make_unique<caf::actor_system>(*cfg);
    bot = start_bot(*sys, values);
  }

  /// The orderly shutdown (as on SIGTERM); waits until every actor is done.
  void stop() {
    if (!sys)
      return;
    caf::anon_send(bot.root, shutdown_atom::value);
    auto http = bot.http;
    auto football_http = bot.football_http;
    auto metrics_server = bot.metrics_server;
    bot = running_bot{};
    sys->await_all_actors_done();
    sys.reset();
    cfg.reset();
  }

  /// An actor's counters (stats_atom); default ones if it does not answer in 5 s.
  template <class Stats, class Handle> Stats stats_of(const Handle& actor) {
    caf::scoped_actor self{*sys};
    Stats out;
    self->request(actor, 5s, stats_atom::value)
        .receive([&](Stats& s) { out = std::move(s); }, [](caf::error&) {});
    return out;
  }

  /// GET `path` from the bot's metrics server (/metrics, /healthz, /readyz).
  core::http_result metrics_get(const std::string& path) {
    BOOST_REQUIRE(bot.metrics_server);
    std::promise<core::http_result> done;
    core::http_request request;
    request.url = "http://127.0.0.1:" + std::to_string(bot.metrics_server->port()) + path;
    request.timeout = 5s;
    bot.http->async_request(request,
                            [&done](core::http_result r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  /// Sends `text` as the user of `chat` and returns the bot's next message there.
  fakes::sent_message ask(int64_t chat, const std::string& text, std::chrono::seconds wait = 15s) {
    auto before = telegram.sent(chat).size();
    telegram.push_message(chat, text);
    auto sent = telegram.wait_for_messages(chat, before + 1, wait);
    BOOST_REQUIRE_MESSAGE(sent.size() > before, "no reply to " << text);
    return sent[before];
  }
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace phoenix::test
