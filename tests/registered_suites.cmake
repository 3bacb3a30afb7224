# ctest's KIND.registered_suites (CMakeLists.txt, phoenix_suites): fails when the test executable
# BINARY holds a top-level test unit outside SUITES (comma-separated), the suites that have a
# CTest entry of their own; such a unit (a suite CMake did not find in the sources, a test case
# outside any suite) would never run under ctest.
#   cmake -DBINARY=build/bin/unit_tests -DSUITES=a,b -P tests/registered_suites.cmake
cmake_minimum_required(VERSION 3.18) # IN_LIST
execute_process(COMMAND ${BINARY} --list_content OUTPUT_VARIABLE out ERROR_VARIABLE listing
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BINARY} --list_content failed (${rc}):\n${out}${listing}")
endif()
string(REPLACE "," ";" registered "${SUITES}")
string(REPLACE "\n" ";" lines "${out}${listing}")
set(missing "")
set(count 0)
foreach(line IN LISTS lines)
  # Top-level units are not indented; a '*' marks an enabled one.
  if(line MATCHES "^([A-Za-z0-9_]+)\\*?$")
    math(EXPR count "${count} + 1")
    if(NOT CMAKE_MATCH_1 IN_LIST registered)
      list(APPEND missing ${CMAKE_MATCH_1})
    endif()
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "top-level test units without a CTest entry: ${missing}. Put test cases in "
                      "a BOOST_AUTO_TEST_SUITE of their own source file, then re-run cmake.")
endif()
if(count EQUAL 0)
  message(FATAL_ERROR "${BINARY} --list_content listed nothing:\n${out}${listing}")
endif()
message(STATUS "${count} suites, each a CTest entry of its own")
