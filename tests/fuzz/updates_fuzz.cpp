// libFuzzer target "updates": see update_decoding in fuzz_entries.hpp; run with scripts/fuzz
// updates.
#include "tests/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  phoenix::fuzz::update_decoding(data, size);
  return 0;
}
