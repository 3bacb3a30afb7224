#include "core/db/db_inbox_listener.hpp"

#include "core/db/db_types.hpp"

#include <pqxx/connection>
#include <pqxx/notification>

namespace phoenix::core::db {

namespace {

class bot_receiver : public pqxx::notification_receiver {
public:
  bot_receiver(pqxx::connection_base& c, std::string bot_id, bool& woken)
      : pqxx::notification_receiver{c, inbox_channel}, bot_id_{std::move(bot_id)}, woken_{woken} {}
  void operator()(const std::string& payload, int) override {
    if (payload == bot_id_) // other bots may share the database
      woken_ = true;
  }

private:
  std::string bot_id_;
  bool& woken_;
};

} // namespace

struct inbox_listener::impl {
  std::string conninfo;
  int64_t bot_id;
  bool woken = false;
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<bot_receiver> receiver;

  void close() {
    receiver.reset();
    if (connection) {
      try {
        connection->disconnect();
      } catch (...) {
      }
    }
    connection.reset();
  }
};

inbox_listener::inbox_listener(std::string conninfo, int64_t bot_id)
    : impl_{std::make_unique<impl>()} {
  impl_->conninfo = std::move(conninfo);
  impl_->bot_id = bot_id;
}

inbox_listener::~inbox_listener() {
  impl_->close();
}

bool inbox_listener::wait(std::chrono::milliseconds most) {
  auto& i = *impl_;
  try {
    bool fresh = false;
    if (!i.connection || !i.connection->is_open()) {
      i.close();
      i.connection = std::make_unique<pqxx::connection>(i.conninfo);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      // A silent reconnect would forget the LISTEN: a break is an exception here.
      i.connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
      i.receiver = std::make_unique<bot_receiver>(*i.connection, std::to_string(i.bot_id), i.woken);
      fresh = true;
    }
    i.woken = false;
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(most).count();
    i.connection->await_notification(micros / 1000000, micros % 1000000);
    return fresh || i.woken;
  } catch (...) {
    i.close();
    throw;
  }
}

bool inbox_listener::connected() const {
  return impl_->connection && impl_->connection->is_open();
}

} // namespace phoenix::core::db
