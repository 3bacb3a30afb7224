// What the files running operations share (inside core/db only): a named
// statement and the small conversions from a pqxx result to a reply.
#pragma once

#include "core/db/db_types.hpp"

#include <cstddef>
#include <pqxx/connection>
#include <pqxx/result>
#include <vector>

namespace phoenix::core::db {

struct statement {
  const char* name;
  const char* sql;
};

/// prepare_now: a broken statement fails at start-up, not at first use.
template <std::size_t N> void prepare_each(pqxx::connection& c, const statement (&list)[N]) {
  for (const auto& s : list) {
    c.prepare(s.name, s.sql);
    c.prepare_now(s.name);
  }
}

inline int64_t affected(const pqxx::result& r) {
  return static_cast<int64_t>(r.affected_rows());
}

inline reply counted(int64_t n) {
  reply out;
  out.count = n;
  return out;
}

inline reply listed(std::vector<int64_t> ids) {
  reply out;
  out.ids = std::move(ids);
  return out;
}

inline std::vector<int64_t> read_ids(const pqxx::result& r) {
  std::vector<int64_t> ids;
  ids.reserve(r.size());
  for (const auto& row : r)
    ids.push_back(row[0].as<int64_t>());
  return ids;
}

} // namespace phoenix::core::db
