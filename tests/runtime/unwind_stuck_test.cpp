// tests/runtime/unwind_stuck_test.cpp — abandoned tasks the end-of-run unwinding cannot unwind
// (session 50's API-misuse review): one blocked inside a noexcept function or a destructor, where
// the unwinding's exception would terminate the process, and one that swallows the unwinding and
// keeps yielding, which held run() for ever. Each is left Dead (never resumed, what its frames own
// leaked, as ccb/run.hpp says of a task that parks inside a destructor while unwound); the run
// ends normally and the next one is unaffected. Also ccb::stats() read from another thread as runs
// end.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <cstdint>
#include <thread>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "procs_fixture.hpp"

namespace {

using namespace std::chrono_literals;

using UnwindStuck = Procs;
CCB_INSTANTIATE_PROCS(UnwindStuck);

// Regression: "terminate called after throwing an instance of
// 'ccb::detail::(anonymous namespace)::TaskUnwind'" (rc 134) when main returned.
TEST_P(UnwindStuck, ATaskBlockedInANoexceptFunctionIsLeftDeadAndTheRunEnds) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler stranded_task_leaks;  // the Dead task's exception: by design
#endif
  std::atomic<bool> blocked{false};
  run([&] {
    ccb::Chan<int> never(0);
    ccb::go([&blocked, never]() mutable noexcept {
      blocked = true;
      (void)never.recv();
    });
    while (!blocked.load()) ccb::yield();
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 1u);
  run([] {});  // the next run neither sees nor resumes it
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

// The reviewer's realistic case: a scope guard whose destructor joins the children (wg.wait()),
// one child throws, another waits for ever. run() must rethrow the child's exception; before, the
// guard's task, blocked in the destructor, aborted the process as the run ended.
TEST_P(UnwindStuck, AJoinInADestructorDoesNotHideAChildsFailure) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler stranded_task_leaks;
#endif
  struct JoinOnExit {
    ccb::WaitGroup& wg;
    ~JoinOnExit() { wg.wait(); }
  };
  EXPECT_THROW(
      {
        try {
          run([] {
            ccb::WaitGroup wg;
            ccb::Chan<int> never(0);
            JoinOnExit join{wg};
            wg.add(2);
            ccb::go([&wg, never]() mutable {
              (void)never.recv();
              wg.done();
            });
            ccb::go([] { throw std::runtime_error("child failed"); });
          });
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "child failed");
          throw;
        }
      },
      std::runtime_error);
  run([] {});
}

// Regression: a task looping on `try { yield(); } catch (...) {}` swallowed every unwinding
// attempt, and yield() returned at once while unwinding: run() never returned (timeout, rc 124).
// It is left Dead after kUnwindYieldLimitNs (1 s) of yielding.
TEST_P(UnwindStuck, ATaskThatSwallowsTheUnwindingAndKeepsYieldingIsLeftDead) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler stranded_task_leaks;
#endif
  std::atomic<bool> stop{false}, looping{false};
  std::thread give_up([&] {  // the old runtime: end the loop after 20 s, so the test fails, not hangs
    for (int i = 0; i < 2000 && !stop.load(); ++i) std::this_thread::sleep_for(10ms);
    stop = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  run([&] {
    ccb::go([&] {
      while (!stop.load()) {
        try {
          looping = true;
          ccb::yield();
        } catch (...) {  // swallows the unwinding too
        }
      }
    });
    while (!looping.load()) ccb::yield();
  });
  const bool stopped_by_watchdog = stop.exchange(true);
  give_up.join();
  EXPECT_FALSE(stopped_by_watchdog);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 15s);
  EXPECT_EQ(ccb::stats().tasks_abandoned, 1u);
  run([] {});
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

// A destructor that yields a few times while its task is unwound still finishes (yields return at
// once and are only counted), so a bounded cleanup loop is not cut short.
TEST_P(UnwindStuck, AFewYieldsInADestructorWhileUnwoundStillFinishIt) {
  std::atomic<int> finished{0};
  struct YieldsOnExit {
    std::atomic<int>& finished;
    ~YieldsOnExit() {
      for (int i = 0; i < 5000; ++i) ccb::yield();
      ++finished;
    }
  };
  run([&] {
    ccb::Chan<int> never(0);
    std::atomic<bool> started{false};
    ccb::go([&, never]() mutable {
      YieldsOnExit y{finished};
      started = true;
      (void)never.recv();
    });
    while (!started.load()) ccb::yield();
  });
  EXPECT_EQ(finished.load(), 1);
}

}  // namespace

namespace {

// Regression (session 50's review): ccb::stats() from another thread read the run in progress
// without keeping it alive; as a run ended, it read the destroyed Runtime (AddressSanitizer:
// heap-use-after-free in Runtime::worker, freed by ~Runtime; the CI's ASan stage runs this test).
TEST(StatsFromAnotherThread, ReadsRunsAsTheyEndWithoutTouchingAFreedRuntime) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const ccb::Stats s = ccb::stats();
      if (s.procs > 0) reads.fetch_add(1);
    }
  });
  ccb::Config c;
  c.procs = 2;
  for (int i = 0; i < 1000 / kTsanDivisor; ++i) ccb::run(c, [] { ccb::go([] {}); });
  stop = true;
  reader.join();
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(ccb::stats().tasks_spawned, 2u);  // the last run's main and its child
}

}  // namespace
