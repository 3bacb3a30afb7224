// libFuzzer target "snapshot": see snapshot_loading in fuzz_entries.hpp; run with scripts/fuzz
// snapshot.
#include "tests/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  phoenix::fuzz::snapshot_loading(data, size);
  return 0;
}
