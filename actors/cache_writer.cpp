#include "actors/cache_writer.hpp"

#include "core/cache/snapshot_file.hpp"

#include <caf/all.hpp>
#include <chrono>

namespace phoenix {

cache_writer_actor::behavior_type cache_writer(cache_writer_actor::pointer, std::string path) {
  return {
      [path](write_atom, const cache_snapshot& snapshot) -> caf::result<flush_report> {
        auto started = std::chrono::steady_clock::now();
        flush_report report;
        auto bytes = core::encode_snapshot(snapshot.entries->entries, snapshot.taken_at,
                                           std::chrono::system_clock::now(), &report.entries);
        if (auto written = core::write_file_atomically(path, bytes); !written)
          return caf::make_error(caf::sec::runtime_error, written.error);
        report.written = true;
        report.bytes = bytes.size();
        report.duration = std::chrono::steady_clock::now() - started;
        return report;
      },
  };
}

} // namespace phoenix
