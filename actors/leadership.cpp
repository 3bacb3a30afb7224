#include "actors/leadership.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = leadership_actor::stateful_pointer<leadership_state>;
using core::db::leader_role;

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

void tell_role(self_pointer self) {
  auto& st = self->state;
  if (st.config.metrics)
    self->send(st.config.metrics, leader_atom::value, std::string{core::db::role_name(st.role)},
               st.epoch);
}

void become(self_pointer self, leader_role to) {
  auto& st = self->state;
  if (!core::db::role_change_allowed(st.role, to))
    return;
  st.role = to;
  tell_role(self);
}

// Standby: one try (waits up to lock_retry in the lock's queue), then the next.
void try_for_lock(self_pointer self) {
  auto& st = self->state;
  auto key = core::db::leader_lock_key(st.config.bot_id);
  try {
    if (!st.lock->try_acquire(key)) {
      st.unreachable_logged = false;
      self->send(self, lead_tick_atom::value);
      return;
    }
    auto epoch = st.lock->take_over(st.config.bot_id, st.config.holder);
    if (!epoch) {
      if (!st.takeover_wait_logged)
        spdlog::warn("leadership: lock taken, waiting for a former leader's open transaction "
                     "to end (db.idle-in-transaction-timeout)");
      st.takeover_wait_logged = true;
      self->send(self, lead_tick_atom::value);
      return;
    }
    st.epoch = *epoch;
  } catch (const std::exception& e) {
    if (!st.unreachable_logged)
      spdlog::warn("leadership: database unreachable, standby until it answers: {}",
                   first_line(e.what()));
    st.unreachable_logged = true;
    self->delayed_send(self, st.config.lock_retry, lead_tick_atom::value);
    return;
  }
  spdlog::info("leadership: active (epoch {})", st.epoch);
  become(self, leader_role::active);
  self->send(st.config.lifecycle, leader_atom::value, st.epoch);
  self->delayed_send(self, st.config.lock_retry, lead_tick_atom::value);
}

// Active: a broken lock connection means PostgreSQL freed the lock.
void check_lock(self_pointer self) {
  auto& st = self->state;
  try {
    st.lock->check();
  } catch (const std::exception& e) {
    spdlog::error("leadership: lost (epoch {}): the lock's connection broke: {}", st.epoch,
                  first_line(e.what()));
    become(self, leader_role::lost);
    self->send(st.config.lifecycle, lead_lost_atom::value);
    return;
  }
  self->delayed_send(self, st.config.lock_retry, lead_tick_atom::value);
}

} // namespace

leadership_actor::behavior_type leadership(self_pointer self, leadership_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.lock = std::make_unique<core::db::leader_lock>(
      st.config.conninfo, st.config.keepalive,
      std::chrono::duration_cast<std::chrono::milliseconds>(st.config.lock_retry));
  spdlog::info("leadership: standby, waiting for the lock of bot {}", st.config.bot_id);
  tell_role(self);
  self->send(self, lead_tick_atom::value);
  return {
      [self](lead_tick_atom) {
        auto& st = self->state;
        if (st.resigned)
          return;
        if (st.role == leader_role::standby)
          try_for_lock(self);
        else if (st.role == leader_role::active)
          check_lock(self);
      },
      [self](resign_atom) {
        auto& st = self->state;
        st.resigned = true;
        if (st.lock->connected()) {
          st.lock->close();
          if (st.role == leader_role::active)
            spdlog::info("leadership: released (epoch {})", st.epoch);
        }
        return true;
      },
  };
}

} // namespace phoenix
