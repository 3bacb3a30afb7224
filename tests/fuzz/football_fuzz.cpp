// libFuzzer target "football": see football_decoding in fuzz_entries.hpp; run with scripts/fuzz
// football.
#include "tests/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  phoenix::fuzz::football_decoding(data, size);
  return 0;
}
