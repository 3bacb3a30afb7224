#include "actors/cache.hpp"

#include "actors/cache_writer.hpp"
#include "core/cache/snapshot_file.hpp"

#include <caf/all.hpp>
#include <filesystem>
#include <spdlog/spdlog.h>

namespace phoenix {

namespace {

using self_pointer = cache_actor::stateful_pointer<cache_state>;

void start_write(self_pointer self);

// Answers every flush_now caller whose data is now on disk.
void release_waiters(self_pointer self, const flush_report& report) {
  auto& st = self->state;
  auto still_waiting = std::vector<flush_waiter>{};
  for (auto& w : st.waiters) {
    if (w.generation <= st.flushed_generation)
      w.promise.deliver(report);
    else
      still_waiting.push_back(std::move(w));
  }
  st.waiters = std::move(still_waiting);
  if (!st.waiters.empty())
    start_write(self);
}

void on_written(self_pointer self, uint64_t generation, const flush_report& report) {
  auto& st = self->state;
  st.writing = false;
  st.flushed_generation = generation;
  ++st.stats.flushes;
  st.stats.last_flush_duration = report.duration;
  st.stats.last_flush_bytes = report.bytes;
  spdlog::debug("cache: flushed {} entries, {} bytes in {} ms", report.entries, report.bytes,
                std::chrono::duration_cast<std::chrono::milliseconds>(report.duration).count());
  release_waiters(self, report);
}

void on_write_failed(self_pointer self, const caf::error& err) {
  auto& st = self->state;
  st.writing = false;
  ++st.stats.flush_failures;
  // One line per failed flush; the dirty flag stays, the next tick retries.
  spdlog::error("cache: flush to {} failed, keeping the previous snapshot: {}", st.config.path,
                self->system().render(err));
  for (auto& w : st.waiters)
    w.promise.deliver(err);
  st.waiters.clear();
}

// Hands an immutable snapshot to the writer; the store goes on serving.
void start_write(self_pointer self) {
  auto& st = self->state;
  st.writing = true;
  auto generation = st.generation;
  auto entries = std::make_shared<const core::store_snapshot>(st.store.snapshot());
  self->request(st.writer, st.config.write_timeout, write_atom::value,
                cache_snapshot{std::move(entries), self->clock().now()})
      .then(
          [self, generation](const flush_report& report) { on_written(self, generation, report); },
          [self](const caf::error& err) { on_write_failed(self, err); });
}

} // namespace

cache_actor::behavior_type cache(self_pointer self, cache_config config, core::entry_list loaded) {
  auto& st = self->state;
  st.config = config;
  st.store = core::ttl_lru_store{config.limits};
  for (auto& entry : loaded)
    st.store.restore(std::move(entry));
  st.writer = config.detached_writer
                  ? self->spawn<caf::detached + caf::linked>(cache_writer, config.path)
                  : self->spawn<caf::linked>(cache_writer, config.path);
  self->delayed_send(self, config.flush_interval, flush_tick_atom::value);
  return {
      [self](cache_get_atom, const std::string& key) -> cache_lookup {
        auto now = self->clock().now();
        auto entry = self->state.store.get(key, now);
        if (!entry)
          return {};
        auto age = now - entry->stored_at;
        return {true, std::move(entry), age};
      },
      [self](cache_get_stale_atom, const std::string& key) -> cache_lookup {
        auto now = self->clock().now();
        auto entry = self->state.store.get_stale(key, now);
        if (!entry)
          return {};
        auto age = now - entry->stored_at;
        auto expired = entry->expires_at <= now;
        return {true, std::move(entry), age, expired};
      },
      [self](cache_put_atom, std::string& key, std::string& value, caf::timespan ttl) {
        auto& st = self->state;
        st.store.put(std::move(key), std::move(value), ttl, self->clock().now());
        ++st.generation;
      },
      [self](flush_tick_atom) {
        auto& st = self->state;
        // Only our own timer re-arms, so an external tick cannot start a second chain.
        if (self->current_sender() == self->ctrl())
          self->delayed_send(self, st.config.flush_interval, flush_tick_atom::value);
        if (st.dirty() && !st.writing)
          start_write(self);
      },
      [self](flush_now_atom) -> caf::result<flush_report> {
        auto& st = self->state;
        if (!st.dirty())
          return flush_report{};
        auto promise = self->make_response_promise<flush_report>();
        st.waiters.push_back(flush_waiter{st.generation, promise});
        if (!st.writing)
          start_write(self);
        return promise;
      },
      [self](stats_atom) -> cache_stats {
        auto& st = self->state;
        auto& counters = st.store.counters();
        auto stats = st.stats;
        stats.entries = st.store.size();
        stats.bytes = st.store.bytes();
        stats.hits = counters.hits;
        stats.misses = counters.misses;
        stats.evictions = counters.evictions;
        stats.expirations = counters.expirations;
        stats.dirty = st.dirty();
        return stats;
      },
  };
}

cache_actor spawn_cache(caf::actor_system& sys, const cache_config& config) {
  auto folder = std::filesystem::path{config.path}.parent_path();
  std::error_code ec;
  if (!folder.empty())
    std::filesystem::create_directories(folder, ec);
  if (ec)
    spdlog::error("cache: cannot create folder {}: {}", folder.string(), ec.message());
  auto loaded =
      core::load_snapshot_file(config.path, sys.clock().now(), std::chrono::system_clock::now());
  if (!loaded.problem.empty() && !loaded.moved_to.empty())
    spdlog::warn("cache: snapshot {} is unusable ({}); moved it to {} and started empty",
                 config.path, loaded.problem, loaded.moved_to);
  else if (!loaded.problem.empty())
    spdlog::warn("cache: cannot load snapshot {} ({}); started empty", config.path, loaded.problem);
  else if (loaded.missing)
    spdlog::info("cache: no snapshot at {}; started empty", config.path);
  else
    spdlog::info("cache: loaded {} entries from {} ({} expired)", loaded.entries.size(),
                 config.path, loaded.expired);
  for (auto& removed : loaded.removed)
    spdlog::info("cache: deleted {} (only the newest {} unusable snapshots are kept)", removed,
                 core::corrupt_files_kept);
  return sys.spawn(cache, config, std::move(loaded.entries));
}

} // namespace phoenix
