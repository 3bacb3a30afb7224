#define BOOST_TEST_MODULE phoenix_integration_tests
#include <boost/test/unit_test.hpp>
