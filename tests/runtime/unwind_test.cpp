// tests/runtime/unwind_test.cpp — tasks abandoned while yielded (runnable after having run) are
// unwound like parked ones: their destructors run, and no stale task survives into the next run.
// Regression: yield() used to return normally to such a task during the shutdown unwind, so it
// kept running, re-parked and stayed "alive" in the stack pool, where the next run's shutdown
// counted (and resumed) it. Found by `ccbench stress` with chaos on (injected yields).
#include <atomic>

#include "procs_fixture.hpp"

using UnwindTest = Procs;
CCB_INSTANTIATE_PROCS(UnwindTest);

TEST_P(UnwindTest, TasksAbandonedAtAYieldAreUnwound) {
  static std::atomic<int> destroyed{0};
  destroyed = 0;
  struct Guard {
    ~Guard() { ++destroyed; }
  };
  std::atomic<int> started{0};
  run([&] {
    ccb::Chan<int> never(0);
    for (int i = 0; i < 6; ++i)
      ccb::go([&started, never]() mutable {
        Guard g;
        started.fetch_add(1);
        for (int k = 0; k < 1000000; ++k) ccb::yield();
        never.recv();
      });
    while (started.load() < 6) ccb::yield();
  });
  EXPECT_EQ(destroyed.load(), 6);
  EXPECT_EQ(ccb::stats().tasks_abandoned, 6u);
  run([] {});  // the next run finds no leftover task of the previous one
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

// Regression: a task abandoned while in sleep_for left its timer node (on its stack) in the
// timer heap; unwinding reused that stack memory (here: a destructor scribbling over it), and the
// end-of-run TimerHeap::clear() then called the node's garbage drop pointer (a crash found by
// `ccbench stress mixed --procs 8`).
TEST_P(UnwindTest, TasksAbandonedInSleepLeaveNoDeadTimerNode) {
  static std::atomic<int> scribbled{0};
  scribbled = 0;
  struct Scribble {
    ~Scribble() {
      volatile unsigned char buf[8192];
      for (auto& b : buf) b = 0xAB;
      scribbled.fetch_add(buf[100] == 0xAB ? 1 : 0);
    }
  };
  static std::atomic<int> started{0};
  started = 0;
  run([] {
    for (int i = 0; i < 8; ++i)
      ccb::go([] {
        Scribble s;
        started.fetch_add(1);
        ccb::sleep_for(std::chrono::seconds(30));
      });
    // Wait until every task has started (a fixed 2 ms was too short for procs 8 under ASan on a
    // busy 2-core CI machine: 1 of 8 had run), then give the last ones time to enter sleep_for.
    while (started.load() < 8) ccb::sleep_for(std::chrono::milliseconds(1));
    ccb::sleep_for(std::chrono::milliseconds(2));
  });
  EXPECT_EQ(scribbled.load(), 8);
  EXPECT_EQ(ccb::stats().tasks_abandoned, 8u);
}
