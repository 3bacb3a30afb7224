#include "core/db/db_conninfo.hpp"

#include <algorithm>
#include <libpq-fe.h>
#include <memory>
#include <utility>
#include <vector>

namespace phoenix::core::db {

namespace {

using parsed_options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

// A key=value value in single quotes, ' and \ escaped: any text stays one value.
std::string quoted(const std::string& value) {
  std::string out = "'";
  for (char ch : value) {
    if (ch == '\'' || ch == '\\')
      out += '\\';
    out += ch;
  }
  return out + "'";
}

std::string milliseconds_of(std::chrono::milliseconds d) {
  return std::to_string(d.count());
}

} // namespace

std::string with_connection_defaults(const std::string& conninfo, const connection_limits& limits) {
  char* error = nullptr;
  parsed_options options{PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree};
  if (!options) {
    PQfreemem(error); // libpq says it again, with the same words, when connecting
    return conninfo;
  }
  // Only what the operator wrote; libpq's defaults and PG* variables apply later.
  std::vector<std::pair<std::string, std::string>> given;
  for (auto* o = options.get(); o->keyword != nullptr; ++o)
    if (o->val != nullptr)
      given.emplace_back(o->keyword, o->val);
  auto find = [&](const std::string& key) -> std::string* {
    for (auto& [k, v] : given)
      if (k == key)
        return &v;
    return nullptr;
  };
  auto add = [&](const char* key, std::string value) {
    if (find(key) == nullptr)
      given.emplace_back(key, std::move(value));
  };
  add("connect_timeout", std::to_string(limits.connect_timeout.count()));
  add("keepalives", "1");
  add("keepalives_idle", std::to_string(limits.keepalives_idle.count()));
  add("keepalives_interval", std::to_string(limits.keepalives_interval.count()));
  add("keepalives_count", std::to_string(limits.keepalives_count));
  add("tcp_user_timeout", milliseconds_of(limits.tcp_user_timeout));
  add("client_encoding", "UTF8"); // Phoenix's text is UTF-8, whatever the database's encoding
  add("application_name", "phoenix");
  std::vector<std::pair<std::string, std::string>> settings{
      {"statement_timeout", milliseconds_of(limits.statement_timeout)}};
  if (limits.idle_in_transaction_timeout.count() > 0)
    settings.emplace_back("idle_in_transaction_session_timeout",
                          milliseconds_of(limits.idle_in_transaction_timeout));
  std::string* server_options = find("options");
  std::string operators = server_options ? *server_options : std::string{};
  std::string added;
  for (auto& [name, value] : settings) {
    auto dashed = name;
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    // -c name=... or --name=...
    if (operators.find(name) == std::string::npos && operators.find(dashed) == std::string::npos)
      added += (added.empty() ? "" : " ") + ("-c " + name + "=" + value);
  }
  if (server_options) {
    if (!added.empty())
      *server_options += " " + added;
  } else {
    add("options", added);
  }
  std::string out;
  for (auto& [key, value] : given)
    out += (out.empty() ? "" : " ") + key + "=" + quoted(value);
  return out;
}

} // namespace phoenix::core::db
