// A fresh PostgreSQL database per test on the server scripts/pg started
// (PHOENIX_TEST_DATABASE_URL), dropped afterwards.
#pragma once

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <string>
#include <unistd.h>

namespace phoenix::test {

class test_database {
public:
  static constexpr const char* how_to_run =
      "needs the PostgreSQL that scripts/pg starts: run scripts/test (or scripts/pg -- ctest ...)";

  static bool available() { return std::getenv("PHOENIX_TEST_DATABASE_URL") != nullptr; }

  explicit test_database(const std::string& tag) {
    static std::atomic<int> counter{0};
    server_ = std::getenv("PHOENIX_TEST_DATABASE_URL");
    name_ = "phoenix_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin{server_};
    pqxx::nontransaction tx{admin};
    tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  }

  ~test_database() {
    try {
      pqxx::connection admin{server_};
      pqxx::nontransaction tx{admin};
      tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
    } catch (...) {
      // The server may be gone (a fault test); scripts/pg removes it anyway.
    }
  }

  /// The URI of this test's database (same server, user and options).
  std::string uri() const { return with_database(server_, name_); }

  /// `server` with its database (the path) replaced, the query string kept.
  static std::string with_database(const std::string& server, const std::string& database) {
    auto scheme_end = server.find("://") + 3;
    auto slash = server.find('/', scheme_end);
    auto query = server.find('?', scheme_end);
    auto base = server.substr(0, slash == std::string::npos ? query : slash);
    auto tail = query == std::string::npos ? "" : server.substr(query);
    return base + "/" + database + tail;
  }

  const std::string& name() const { return name_; }

private:
  std::string server_;
  std::string name_;
};

} // namespace phoenix::test
