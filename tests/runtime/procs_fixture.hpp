// tests/runtime/procs_fixture.hpp — one fixture for every runtime test, parameterized over procs
// {1, 2, 8} (marl's WithBoundScheduler): each test body runs inside ccb::run with that many workers.
#pragma once

#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <functional>
#include <string>

class Procs : public ::testing::TestWithParam<int> {
 protected:
  void run(std::function<void()> f) {
    ccb::Config c;
    c.procs = GetParam();
    ccb::run(c, std::move(f));
  }
};

#define CCB_INSTANTIATE_PROCS(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(, suite, ::testing::Values(1, 2, 8),                        \
                           [](const ::testing::TestParamInfo<int>& i) {                \
                             return "procs" + std::to_string(i.param);                 \
                           })
