// tests/runtime/procs_fixture.hpp — one fixture for every runtime test, parameterized over procs
// {1, 2, 8} (marl's WithBoundScheduler): each test body runs inside ccb::run with that many workers.
#pragma once

#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <functional>
#include <string>

// ThreadSanitizer tracks every fiber like a thread and dies past 8128 live ones, so tests that
// keep many tasks alive at once scale down under it.
#if defined(CCB_TSAN)
constexpr int kManyTasks = 4000;
#else
constexpr int kManyTasks = 100000;
#endif

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
