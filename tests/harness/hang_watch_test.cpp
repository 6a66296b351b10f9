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

// Seen: what on_hang was called with; record() is the on_hang that fills it.
struct Seen {
  std::mutex m;
  int calls = 0;
  std::string what;
  double limit = 0;
  int signal = -1;

  HangWatch::OnHang record() {
    return [this](const std::string& w, double l, int sig) {
      std::lock_guard lock(m);
      ++calls;
      what = w;
      limit = l;
      signal = sig;
    };
  }
  int call_count() {
    std::lock_guard lock(m);
    return calls;
  }
};

TEST(HangWatch, ARunArmedPastTheLimitIsReportedOnceWithItsName) {
  Seen seen;
  HangWatch watch(0.2, seen.record());
  const auto start = std::chrono::steady_clock::now();
  {
    const std::string name = "w/n=1/procs:1/impl:threads";
    const HangWatch::Armed armed(&watch, name);
    for (;;) {
      if (seen.call_count() > 0) break;
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
  EXPECT_EQ(seen.signal, 0);
}

// Runs shorter than the limit, back to back for longer than it (the watch measures each run from
// its own arm(), not from the first), and idle time after them: no report.
TEST(HangWatch, RunsThatEndInTimeAreNeverReported) {
  std::atomic<int> calls{0};
  HangWatch watch(1.0, [&](const std::string&, double, int) { ++calls; });
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

// A stop asked by a signal (the flag) while a run is armed: the run gets the grace to end, then is
// reported with the signal, even with no time limit (timeout 0); a run that ends within its grace
// is not reported, and a run armed later gets no grace of its own: the stop's runs out for it too.
TEST(HangWatch, ARunStillGoingAGraceAfterAStopIsReportedWithTheSignal) {
  std::atomic<int> stop{0};
  Seen seen;
  HangWatch watch(0, seen.record(), &stop, 2500ms);
  const auto flagged = std::chrono::steady_clock::now();
  {
    const std::string name = "ends in its grace";
    const HangWatch::Armed armed(&watch, name);
    stop.store(15);
    std::this_thread::sleep_for(1000ms);  // the grace runs from when the watcher saw the flag: >= 2.5 s
  }
  std::this_thread::sleep_for(1000ms);  // idle after the stop: nothing armed, nothing reported
  EXPECT_EQ(seen.call_count(), 0);
  const auto start = std::chrono::steady_clock::now();
  const std::string name = "w/n=1/procs:2/impl:ccbench";
  const HangWatch::Armed armed(&watch, name);
  while (seen.call_count() == 0) {
    ASSERT_LT(std::chrono::steady_clock::now() - start, 60s) << "no stop reported";
    std::this_thread::sleep_for(10ms);
  }
  // the stop's grace (seen within ~1 s of the flag), not a fresh one from this arm()
  EXPECT_GE(std::chrono::steady_clock::now() - flagged, 2500ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2400ms);
  std::lock_guard lock(seen.m);
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.what, name);
  EXPECT_EQ(seen.limit, 2.5);
  EXPECT_EQ(seen.signal, 15);
}

// Once a stop is asked, the timeout no longer reports a hang: a run armed for longer than the
// timeout when the signal comes is reported with the signal, after the grace.
TEST(HangWatch, AfterAStopTheGraceDecidesNotTheTimeout) {
  std::atomic<int> stop{0};
  Seen seen;
  HangWatch watch(1.5, seen.record(), &stop, 2000ms);
  const std::string name = "long";
  const HangWatch::Armed armed(&watch, name);
  stop.store(2);  // at once: the watcher sees it at its first wake, before the 1.5 s timeout
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    if (seen.call_count() > 0) break;
    ASSERT_LT(std::chrono::steady_clock::now() - start, 60s) << "nothing reported";
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(seen.m);
  EXPECT_EQ(seen.signal, 2);
  EXPECT_EQ(seen.limit, 2.0);
}

}  // namespace
