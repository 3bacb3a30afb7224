#define BOOST_TEST_MODULE phoenix_actor_tests
#include <boost/test/unit_test.hpp>
