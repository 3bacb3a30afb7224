#include "actors/memory_trimmer.hpp"

#include "core/ops/process_stats.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace phoenix {

memory_trimmer_actor::behavior_type
memory_trimmer(memory_trimmer_actor::stateful_pointer<memory_trimmer_state> self,
               memory_trimmer_config config) {
  if (!config.trim)
    config.trim = core::return_free_memory;
  self->state.config = std::move(config);
  self->delayed_send(self, self->state.config.interval, trim_tick_atom::value);
  return {
      [self](trim_tick_atom) {
        auto& st = self->state;
        if (self->current_sender() != self->ctrl())
          return; // only its own tick re-arms: no second chain
        ++st.trims;
        if (st.config.trim())
          ++st.returned;
        spdlog::debug("memory_trimmer: trim {} ({} returned memory)", st.trims, st.returned);
        self->delayed_send(self, st.config.interval, trim_tick_atom::value);
      },
  };
}

} // namespace phoenix
