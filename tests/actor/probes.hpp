// Probes for actor tests under virtual time (beside the kit in tests/actor/kit):
// an inbox that collects the answers to messages a test sends, a watch that
// sees actors stop, and a rule that answers "stats" requests.
//
//   inbox<core::db::reply> user{vs};
//   user.send(pool, db_atom::value, op);   // runs until idle
//   user.all();                            // the answers so far, oldest first
//   down_watch watch{vs};
//   watch.monitor(worker);
//   watch.down(worker);                    // whether it stopped
#pragma once

#include "messages/atoms.hpp"
#include "tests/actor/kit/scripted_actor.hpp"
#include "tests/actor/kit/virtual_system.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <optional>
#include <set>
#include <vector>

namespace phoenix::test {

/// Sends plain messages (no request) from a hidden actor of its own; the
/// actor under test answers them as messages, collected here in order.
template <class T> class inbox {
public:
  explicit inbox(virtual_system& vs) : vs_(&vs), self_(*vs.sys, true) {}

  /// Sends, then runs until idle.
  template <class Handle, class... Ts> void send(const Handle& dest, Ts&&... xs) {
    self_->send(dest, std::forward<Ts>(xs)...);
    vs_->run();
  }

  /// Every answer so far, oldest first.
  std::vector<T>& all() {
    while (self_->mailbox().size() > 0)
      self_->receive(
          [&](T& x) { got_.push_back(std::move(x)); },
          [&](caf::error& e) { BOOST_FAIL("an error came back: " << vs_->sys->render(e)); });
    return got_;
  }
  size_t count() { return all().size(); }
  /// A copy of the newest answer (fails the test if none came).
  T last() {
    BOOST_REQUIRE_MESSAGE(count() > 0, "no answer came back");
    return got_.back();
  }

private:
  virtual_system* vs_;
  caf::scoped_actor self_;
  std::vector<T> got_;
};

/// Monitors actors and tells which stopped.
class down_watch {
public:
  explicit down_watch(virtual_system& vs) : self_(*vs.sys, true) {}

  template <class Handle> void monitor(const Handle& h) { self_->monitor(h); }

  template <class Handle> bool down(const Handle& h) {
    while (self_->mailbox().size() > 0)
      self_->receive([&](caf::down_msg& m) { downs_.insert(m.source); });
    return downs_.count(caf::actor_cast<caf::actor_addr>(h)) != 0;
  }

private:
  caf::scoped_actor self_;
  std::set<caf::actor_addr> downs_;
};

/// Whether a message is exactly this one atom.
template <class Atom> bool is_just(const caf::message& m) {
  return m.size() == 1 && m.match_element<caf::atom_value>(0) &&
         m.get_as<caf::atom_value>(0) == Atom::value;
}

/// A rule for scripted stand-ins: answers "stats" with `stats`, holds the rest.
template <class Stats> answer_rule answers_stats(Stats stats) {
  return [stats](const caf::message& m) -> std::optional<caf::message> {
    if (is_just<stats_atom>(m))
      return caf::make_message(stats);
    return std::nullopt;
  };
}

} // namespace phoenix::test
