// tests/runtime/procs_fixture.hpp — one fixture for every runtime test, parameterized over procs
// {1, 2, 8} (marl's WithBoundScheduler): each test body runs inside ccb::run with that many workers.
#pragma once

#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <functional>
#include <string>

// ThreadSanitizer tracks every fiber like a thread: it dies past 8128 live ones, and creating one
// costs ~5-9 ms here (CI's TSan stage: 4000 tasks took 36 s, a 1000-task skynet 9.5 s), so tests
// that spawn thousands of tasks scale down under it: kManyTasks, and loops divided by kTsanDivisor.
#if defined(CCB_TSAN)
constexpr int kManyTasks = 500;
constexpr int kTsanDivisor = 10;
#else
constexpr int kManyTasks = 100000;
constexpr int kTsanDivisor = 1;
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
