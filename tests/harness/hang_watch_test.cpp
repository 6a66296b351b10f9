// tests/harness/hang_watch_test.cpp — HangWatch (harness/hang_watch.hpp) on its own: a run armed
// past the limit is reported once, with its name; runs that end in time never are. (Here on_hang
// returns, which ends the watch; `ccbench run`'s never does: tests/harness/exe_hang_test.cpp.)
#include "harness/hang_watch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace {

using ccb::harness::HangWatch;
using namespace std::chrono_literals;

struct Seen {
  std::mutex m;
  int calls = 0;
  std::string what;
  double limit = 0;
};

TEST(HangWatch, ARunArmedPastTheLimitIsReportedOnceWithItsName) {
  Seen seen;
  HangWatch watch(0.2, [&](const std::string& what, double limit) {
    std::lock_guard lock(seen.m);
    ++seen.calls;
    seen.what = what;
    seen.limit = limit;
  });
  const auto start = std::chrono::steady_clock::now();
  {
    const std::string name = "w/n=1/procs:1/impl:threads";
    const HangWatch::Armed armed(&watch, name);
    for (;;) {
      {
        std::lock_guard lock(seen.m);
        if (seen.calls > 0) break;
      }
      ASSERT_LT(std::chrono::steady_clock::now() - start, 60s) << "no hang reported";
      std::this_thread::sleep_for(10ms);
    }
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  std::this_thread::sleep_for(300ms);
  std::lock_guard lock(seen.m);
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.what, "w/n=1/procs:1/impl:threads");
  EXPECT_EQ(seen.limit, 0.2);
}

// Runs shorter than the limit, back to back for longer than it (the watch measures each run from
// its own arm(), not from the first), and idle time after them: no report.
TEST(HangWatch, RunsThatEndInTimeAreNeverReported) {
  std::atomic<int> calls{0};
  HangWatch watch(1.0, [&](const std::string&, double) { ++calls; });
  const std::string name = "short";
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 2500ms) {
    const HangWatch::Armed armed(&watch, name);
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(calls.load(), 0);
  // a null watch arms nothing (a run without the watchdog)
  const HangWatch::Armed none(nullptr, name);
}

}  // namespace
