// One entry function per libFuzzer target, over core/ functions only (no
// actors). The fuzz binaries (tests/fuzz/*_fuzz.cpp) call them with
// libFuzzer's input; the unit tests replay the committed seeds and crash
// regressions (tests/fuzz/{seeds,regressions}/<target>/) through the same
// functions, so a fixed crash stays fixed in the normal build too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace phoenix::fuzz {

/// Thrown when a property that must hold for every input does not. libFuzzer
/// reports the uncaught exception as a crash, the replay test as a failure.
struct broken_invariant : std::logic_error {
  using std::logic_error::logic_error;
};

/// A getUpdates HTTP body handled the way the poller does: parse_bot_api_answer,
/// decode_updates of the re-wrapped result (must agree with decoding the body
/// directly), the inbox record round trip, then the command or callback data.
/// The body is also read as an inbox record and as getMe / sendMessage results.
void update_decoding(const uint8_t* data, size_t size);

/// [0] bot username length (mod 33), [1..8] unix clock, [9..10] UTC offset in
/// minutes, then the username and the message text; missing bytes read as 0.
/// parse_command, then parse_fixture_id / parse_day on every argument and the
/// stats button's callback data.
void command_parsing(const uint8_t* data, size_t size);

/// [0] low 3 bits: the query kind; high 5 bits: a small split limit (0: none).
/// The rest is an API-Football body, classified as a 200 answer; decoded data
/// is rendered as the bot shows it and split into messages that must fit; the
/// body the fetcher caches (cacheable_body) must decode and show the same.
/// The body is also decoded as a live=all poll and diffed (live_diff).
void football_decoding(const uint8_t* data, size_t size);

/// [0] bit 0: recompute both checksums first (else almost every mutation dies
/// at the CRC check); the rest is a cache snapshot file. A decoded snapshot is
/// restored into a store as the cache does, then must survive encode + decode.
void snapshot_loading(const uint8_t* data, size_t size);

using entry_function = void (*)(const uint8_t*, size_t);

struct target {
  const char* name; ///< folder name under tests/fuzz/seeds and tests/fuzz/regressions
  entry_function run;
};

inline constexpr target targets[] = {
    {"updates", update_decoding},
    {"commands", command_parsing},
    {"football", football_decoding},
    {"snapshot", snapshot_loading},
};

} // namespace phoenix::fuzz
