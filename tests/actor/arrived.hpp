// What a test's scoped actor (standing in for the asker of an actor under
// test) has received so far, without waiting: its mailbox drained.
#pragma once

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <vector>

namespace phoenix::test {

/// The messages of type T that arrived so far, oldest first; an error fails the test.
template <class T> std::vector<T> arrived(caf::scoped_actor& self) {
  std::vector<T> out;
  for (bool more = true; more;)
    self->receive([&](T& x) { out.push_back(std::move(x)); },
                  [&](caf::error& e) { BOOST_FAIL("an error arrived: " << to_string(e)); },
                  caf::after(std::chrono::seconds{0}) >> [&] { more = false; });
  return out;
}

} // namespace phoenix::test
