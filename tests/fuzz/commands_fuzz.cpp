// libFuzzer target "commands": see command_parsing in fuzz_entries.hpp; run with scripts/fuzz
// commands.
#include "tests/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  phoenix::fuzz::command_parsing(data, size);
  return 0;
}
