// The memory trimmer under virtual time: it gives free memory back once per
// memory.trim-interval, and a tick sent by anyone else starts no second chain.
#include "actors/memory_trimmer.hpp"
#include "tests/actor/kit/virtual_system.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

namespace phoenix::test {

namespace {

using namespace std::chrono_literals;

struct trimmer_fixture {
  virtual_system vs;
  int trims = 0;
  memory_trimmer_actor trimmer;

  trimmer_fixture() {
    memory_trimmer_config config;
    config.interval = 10s;
    config.trim = [this] {
      ++trims;
      return true;
    };
    trimmer = vs.sys->spawn(memory_trimmer, config);
    vs.run();
  }

  ~trimmer_fixture() {
    caf::anon_send_exit(trimmer, caf::exit_reason::user_shutdown);
    vs.run();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(memory_trimmer_tests, trimmer_fixture)

BOOST_AUTO_TEST_CASE(free_memory_goes_back_once_per_interval) {
  BOOST_TEST(trims == 0);
  vs.advance(9s);
  BOOST_TEST(trims == 0);
  vs.advance(1s);
  BOOST_TEST(trims == 1);
  for (int i = 0; i < 3; ++i)
    vs.advance(10s);
  BOOST_TEST(trims == 4);
}

BOOST_AUTO_TEST_CASE(a_tick_from_outside_starts_no_second_chain) {
  caf::anon_send(trimmer, trim_tick_atom::value);
  vs.run();
  vs.advance(10s);
  BOOST_TEST(trims == 1);
  vs.advance(10s);
  BOOST_TEST(trims == 2);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
