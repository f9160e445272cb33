// Catch2 v2 runner for every tests/cpp/test_*.cpp.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
