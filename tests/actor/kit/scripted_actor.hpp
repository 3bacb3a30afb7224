// A stand-in for any typed actor of messages/actors.hpp. It records every
// message it gets, with who sent it, and answers requests as the test says:
// at once by a rule, later by hand (a value or an error), or never.
//
//   test::virtual_system vs;
//   test::scripted<db_pool_actor> db{vs};          // holds every request
//   auto poller = spawn_under_test(..., db.handle());
//   vs.run();
//   auto [op] = db.next_as<db_atom, core::db::operation>(); // what it was asked
//   db.reply(db.last(), core::db::reply{});         // answers it now
//   db.fail(db.last(), caf::sec::request_timeout);  // or with an error
//   db.answer_with([](const caf::message& m) -> std::optional<caf::message> {...});
//
// Under virtual time "answers after 3 s" is: advance 3 s, then reply.
#pragma once

#include "tests/actor/kit/virtual_system.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <variant>
#include <vector>

namespace phoenix::test {

/// Internal: the test's answer to the request at this index is ready.
using kit_answer_atom = caf::atom_constant<caf::atom("kit_answer")>;

/// One message a stand-in received.
struct received {
  size_t index = 0; ///< in the order received, from 0
  caf::message content;
  caf::actor_addr from;
  bool is_request = false; ///< the sender waits for an answer
  bool urgent = false;     ///< sent with caf::message_priority::high
  bool answered = false;

  template <class T> const T& get(size_t pos) const { return content.get_as<T>(pos); }
  template <class... Ts> bool is() const { return content.match_elements<Ts...>(); }
};

/// A rule that answers requests at once: a reply, or nullopt to hold the request.
using answer_rule = std::function<std::optional<caf::message>(const caf::message&)>;

struct script_state {
  std::vector<received> log;
  size_t taken = 0; ///< messages handed out by next()
  answer_rule rule;
  std::map<size_t, caf::response_promise> held;
  std::map<size_t, std::variant<caf::message, caf::error>> answers;
};

namespace detail {

inline caf::behavior stand_in(caf::event_based_actor* self, std::shared_ptr<script_state> st) {
  self->set_default_handler(
      [st](caf::scheduled_actor* ptr, caf::message_view& view) -> caf::result<caf::message> {
        auto* me = static_cast<caf::event_based_actor*>(ptr);
        received r;
        r.index = st->log.size();
        r.content = view.move_content_to_message();
        r.from = caf::actor_cast<caf::actor_addr>(me->current_sender());
        r.is_request = me->current_mailbox_element()->mid.is_request();
        r.urgent = me->current_mailbox_element()->mid.is_urgent_message();
        std::optional<caf::message> now;
        if (r.is_request && st->rule)
          now = st->rule(r.content);
        r.answered = now.has_value();
        st->log.push_back(r);
        if (now)
          return *now;
        if (r.is_request) {
          auto promise = me->make_response_promise();
          st->held.emplace(r.index, promise);
          return promise;
        }
        return caf::message{};
      });
  return {
      [st](kit_answer_atom, uint64_t index) {
        auto promise = st->held.find(index);
        auto answer = st->answers.find(index);
        if (promise == st->held.end() || answer == st->answers.end())
          return;
        if (auto* value = std::get_if<caf::message>(&answer->second))
          promise->second.deliver(*value);
        else
          promise->second.deliver(std::get<caf::error>(answer->second));
        st->held.erase(promise);
        st->answers.erase(answer);
      },
  };
}

} // namespace detail

template <class Handle> class scripted {
public:
  explicit scripted(virtual_system& vs) : vs_(&vs), st_(std::make_shared<script_state>()) {
    actor_ = vs.sys->spawn(detail::stand_in, st_);
  }
  ~scripted() { caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown); }
  scripted(const scripted&) = delete;
  scripted& operator=(const scripted&) = delete;

  /// The handle to give the actor under test.
  Handle handle() const { return caf::actor_cast<Handle>(actor_); }

  /// Requests from now on are answered by `rule` (nullopt: held for the test).
  void answer_with(answer_rule rule) { st_->rule = std::move(rule); }

  /// Messages received so far, answered or not.
  size_t count() const { return st_->log.size(); }
  /// Everything received, oldest first.
  const std::vector<received>& all() const { return st_->log; }
  /// Whether next() has something.
  bool has_next() const { return st_->taken < st_->log.size(); }
  /// Requests received and not answered yet.
  size_t waiting() const { return st_->held.size(); }

  /// The oldest message not handed out yet (fails the test if there is none).
  const received& next() {
    BOOST_REQUIRE_MESSAGE(has_next(), "the stand-in got no (further) message");
    return st_->log[st_->taken++];
  }
  /// The message last handed out by next().
  const received& last() const {
    BOOST_REQUIRE(st_->taken > 0);
    return st_->log[st_->taken - 1];
  }
  /// The next message, checked to be exactly (Atom, Ts...); its values after the atom.
  template <class Atom, class... Ts> std::tuple<Ts...> next_as() {
    auto& r = next();
    bool shape = r.template is<caf::atom_value, Ts...>();
    BOOST_REQUIRE_MESSAGE(shape, "unexpected message: " << caf::to_string(r.content));
    BOOST_REQUIRE(r.template get<caf::atom_value>(0) == Atom::value);
    return values<Ts...>(r, std::index_sequence_for<Ts...>{});
  }

  /// Answers a held request with a value, and runs until idle.
  template <class... Ts> void reply(const received& r, Ts&&... xs) {
    deliver(r, caf::make_message(std::forward<Ts>(xs)...));
  }
  /// Answers a held request with an error, and runs until idle.
  void fail(const received& r, caf::error err) { deliver(r, std::move(err)); }

private:
  template <class... Ts, size_t... Is>
  static std::tuple<Ts...> values(const received& r, std::index_sequence<Is...>) {
    return std::tuple<Ts...>{r.template get<Ts>(Is + 1)...};
  }

  void deliver(const received& r, std::variant<caf::message, caf::error> answer) {
    BOOST_REQUIRE_MESSAGE(st_->held.count(r.index) != 0,
                          "message " << r.index << " is not a request waiting for an answer");
    st_->log[r.index].answered = true;
    st_->answers[r.index] = std::move(answer);
    caf::anon_send(actor_, kit_answer_atom::value, static_cast<uint64_t>(r.index));
    vs_->run();
  }

  virtual_system* vs_;
  std::shared_ptr<script_state> st_;
  caf::actor actor_;
};

} // namespace phoenix::test
