#define BOOST_TEST_MODULE phoenix_unit_tests
#include <boost/test/unit_test.hpp>
