// tests/runtime/time_test.cpp — ccb::sleep_for, after, Timer, after_func (Go: time/sleep_test.go,
// Go 1.23 stop/reset semantics). Runs at procs {1, 2}; timing bounds are generous (noisy 2 cores).
#include <gtest/gtest.h>

#include <atomic>
#include <ccb/runtime.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "procs_fixture.hpp"

using namespace std::chrono_literals;

namespace {

class TimerTest : public Procs {};
INSTANTIATE_TEST_SUITE_P(, TimerTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

bool nothing_buffered(const ccb::Timer& t) { return !t.c().try_recv().first; }

TEST_P(TimerTest, SleepReturnsNoEarlierThanItsDuration) {
  run([] {
    auto t0 = ccb::Clock::now();
    ccb::sleep_for(10ms);
    auto el = ccb::Clock::now() - t0;
    EXPECT_GE(el, 10ms);
    EXPECT_LT(el, 1s);
  });
}

TEST_P(TimerTest, HundredThousandTimersFireExactlyOnce) {
  run([] {
    constexpr int kN = 100000;
    std::vector<ccb::Timer> timers;
    timers.reserve(kN);
    for (int i = 0; i < kN; ++i) timers.emplace_back(std::chrono::microseconds(i % 20000));
    for (auto& t : timers) ASSERT_TRUE(t.c().recv().has_value());
    ccb::sleep_for(5ms);
    int extra = 0;
    for (auto& t : timers) extra += t.c().try_recv().first ? 1 : 0;
    EXPECT_EQ(extra, 0);
  });
}

TEST_P(TimerTest, ZeroAndNegativeDurationsFireAtOnce) {
  run([] {
    auto t0 = ccb::Clock::now();
    EXPECT_TRUE(ccb::after(0ns).recv().has_value());
    EXPECT_TRUE(ccb::after(-5ms).recv().has_value());
    ccb::Timer t(-1s);
    EXPECT_TRUE(t.c().recv().has_value());
    EXPECT_LT(ccb::Clock::now() - t0, 1s);
  });
}

TEST_P(TimerTest, StopPendingReturnsTrueAndNothingArrives) {
  run([] {
    ccb::Timer t(30ms);
    EXPECT_TRUE(t.stop());
    EXPECT_FALSE(t.stop());
    ccb::sleep_for(50ms);
    EXPECT_TRUE(nothing_buffered(t));
  });
}

TEST_P(TimerTest, StopDrainsAFiredButUnreceivedValue) {
  run([] {
    ccb::Timer t(0ns);
    ccb::sleep_for(10ms);          // fired: the value sits in the buffer
    EXPECT_TRUE(t.stop());         // Go 1.23: not yet received, so stop "stopped" it
    EXPECT_TRUE(nothing_buffered(t));
    EXPECT_FALSE(t.stop());
  });
}

TEST_P(TimerTest, DestroyingAFiredTimerDrainsItsValueLikeStop) {
  run([] {
    ccb::RecvChan<ccb::Clock::time_point> c;
    {
      ccb::Timer t(0ns);
      c = t.c();
      // Fired: the value sits in the buffer, the heap holds no reference. At procs 2 the worker
      // that popped t can be preempted between the pop and the send while the other ends this
      // sleep (the fire still in flight, correctly): wait for the value, boundedly.
      ccb::sleep_for(10ms);
      for (const auto t0 = ccb::Clock::now(); c.len() == 0 && ccb::Clock::now() - t0 < 5s;)
        ccb::sleep_for(1ms);
      EXPECT_EQ(c.len(), 1u);
    }                        // destroying the timer stops it, and stop drains
    EXPECT_EQ(c.len(), 0u);
    EXPECT_FALSE(c.try_recv().first);
  });
}

TEST_P(TimerTest, CIsTheSameChannelAndNilWhenMovedFromOrAfterFunc) {
  run([] {
    ccb::Timer t(1h);
    EXPECT_TRUE(t.c() == t.c());
    EXPECT_FALSE(t.c().is_nil());
    ccb::Timer u = std::move(t);
    EXPECT_TRUE(t.c().is_nil());  // NOLINT(bugprone-use-after-move): moved-from handles are inert
    EXPECT_FALSE(u.c().is_nil());
    EXPECT_TRUE(u.stop());
    EXPECT_TRUE(ccb::after_func(1h, [] {}).c().is_nil());
    EXPECT_TRUE(ccb::Timer().c().is_nil());
  });
}

TEST_P(TimerTest, StopAfterReceiveReturnsFalse) {
  run([] {
    ccb::Timer t(1ms);
    EXPECT_TRUE(t.c().recv().has_value());
    EXPECT_FALSE(t.stop());
  });
}

TEST_P(TimerTest, ResetReportsActivityAndNeverDeliversStaleValues) {
  run([] {
    ccb::Timer t(0ns);
    ccb::sleep_for(10ms);
    auto t0 = ccb::Clock::now();
    EXPECT_TRUE(t.reset(30ms));    // had fired but not been received
    EXPECT_TRUE(nothing_buffered(t));
    auto v = t.c().recv();
    ASSERT_TRUE(v.has_value());
    EXPECT_GE(*v - t0, 30ms);
    EXPECT_FALSE(t.reset(1h));     // expired and received: not active
    EXPECT_TRUE(t.reset(1ms));     // pending: active
    EXPECT_TRUE(t.c().recv().has_value());
  });
}

// A fire racing stop/reset on another worker must deliver nothing after they return.
TEST_P(TimerTest, StopAndResetRacingTheFireLeaveNoStaleValue) {
  run([] {
    int stale = 0;
    for (int i = 0; i < 3000; ++i) {
      ccb::Timer t(std::chrono::microseconds(i % 3));
      if (i % 2) ccb::yield();
      if (i % 4 < 2) t.stop(); else t.reset(1h);
      stale += nothing_buffered(t) ? 0 : 1;
    }
    EXPECT_EQ(stale, 0);
  });
}

// Regression: run_due() calls fire() after dropping the heap lock; destroying the handle then
// must not free the timer under the firing worker (TSan/ASan pin this).
TEST_P(TimerTest, DestroyingTimersWhileTheyFireIsSafe) {
  run([] {
    for (int i = 0; i < 5000; ++i) {
      ccb::Timer t(0ns);
      if (i % 3 == 0) ccb::yield();
    }
    for (int i = 0; i < 2000; ++i) {
      ccb::Timer a = ccb::after_func(0ns, [] {});
      ccb::Timer b(0ns);
      a = std::move(b);  // move-assign stops and releases the old timer
      if (i % 2) ccb::yield();
    }
  });
}

TEST_P(TimerTest, AfterFuncRunsInATaskAndCanBeStopped) {
  run([] {
    ccb::Chan<int> ch(1);
    ccb::Timer f = ccb::after_func(5ms, [ch]() mutable { ch.send(7); });
    EXPECT_TRUE(f.c().is_nil());
    EXPECT_EQ(ch.recv(), 7);
    EXPECT_FALSE(f.stop());        // already ran
    // stop() of a pending after_func returns true and f never runs. g is known to be pending only
    // if stop() returned within 20 ms of arming it: a longer preemption of this thread lets another
    // worker run f first, as Go would, so such an attempt is retried, not asserted on. A stop() that
    // returned early and still found f run or running is a bug and fails.
    auto runs = std::make_shared<std::atomic<int>>(0);
    ccb::Timer g;
    for (int attempt = 0;; ++attempt) {
      ASSERT_LT(attempt, 20) << "stop() never came within 20 ms of arming";
      runs = std::make_shared<std::atomic<int>>(0);  // fresh: a missed attempt's f may still run
      const auto armed = ccb::Clock::now();
      g = ccb::after_func(20ms, [runs] { runs->fetch_add(1); });
      const bool stopped = g.stop();
      if (ccb::Clock::now() - armed < 20ms) {
        EXPECT_TRUE(stopped);
        break;
      }
    }
    ccb::sleep_for(40ms);
    EXPECT_EQ(runs->load(), 0);
    EXPECT_FALSE(g.reset(1ms));    // Go: reset re-arms the function
    for (const auto t0 = ccb::Clock::now(); runs->load() == 0 && ccb::Clock::now() - t0 < 5s;)
      ccb::sleep_for(1ms);
    ccb::sleep_for(10ms);          // room for a wrong second run
    EXPECT_EQ(runs->load(), 1);
  });
}

TEST_P(TimerTest, SelectWithAfterIsATimeout) {
  run([] {
    ccb::Chan<int> never(0);
    auto t0 = ccb::Clock::now();
    int i = ccb::select(ccb::recv_case(never), ccb::recv_case(ccb::after(20ms)));
    EXPECT_EQ(i, 1);
    EXPECT_GE(ccb::Clock::now() - t0, 20ms);
    ccb::Chan<int> soon(0);
    ccb::go([soon]() mutable { soon.send(1); });
    int got = 0;
    i = ccb::select(ccb::recv_case(soon, [&](std::optional<int> v) { got = *v; }),
                    ccb::recv_case(ccb::after(10s)));
    EXPECT_EQ(i, 0);
    EXPECT_EQ(got, 1);
  });
}

// Timers go into the heap of the worker that arms them (one heap per worker). A timer whose
// worker is then held by a task that never yields must still fire on time: idle workers sleep
// until the earliest deadline of every heap and run any heap's due timers.
TEST(TimerHeaps, ATimerArmedOnABusyWorkerIsFiredByAnotherWorker) {
  ccb::run(ccb::Config{.procs = 2}, [] {
    std::atomic<bool> got{false};
    ccb::Timer t(5ms);  // in this worker's heap
    ccb::go([&got, c = t.c()]() mutable {
      if (c.recv()) got.store(true);
    });
    const auto t0 = ccb::Clock::now();
    while (!got.load() && ccb::Clock::now() - t0 < 10s) {
      // never yields: this worker runs neither its timers nor the receiver
    }
    EXPECT_TRUE(got.load());
    EXPECT_LT(ccb::Clock::now() - t0, 5s);
  });
}

// Regression (TSan, found by `ccbench stress cancel --chaos --procs 2`): a worker pops a due timer
// from its heap and, before it fires it, a task on the other worker resets that timer into its
// own heap. The reset finds the node in no heap, so it takes no heap lock that orders it after
// the pop; the popping worker's reads of the node (its deadline, its index) must still happen
// before the reset's writes (TimerNode::heap is stored with release, read with acquire). Two
// tasks keep resetting the same timers to deadlines that are due at once, so timers keep moving
// between the two workers' heaps while either worker pops them. Afterwards every timer stops
// with nothing left buffered.
TEST(TimerHeaps, ResettingATimerAnotherWorkerJustPoppedIsOrdered) {
  ccb::run(ccb::Config{.procs = 2}, [] {
    constexpr int kTimers = 16, kRounds = 20000;
    std::vector<ccb::Timer> timers;
    timers.reserve(kTimers);
    for (int i = 0; i < kTimers; ++i) timers.emplace_back(0ns);
    ccb::WaitGroup wg;
    wg.add(2);
    for (int w = 0; w < 2; ++w) {
      ccb::go([&timers, &wg, w] {
        for (int i = 0; i < kRounds; ++i) {
          timers[static_cast<std::size_t>((i + w * kTimers / 2) % kTimers)].reset(0ns);
          if (i % 8 == w) ccb::yield();  // a pass through the scheduler: run_due() on some heap
        }
        wg.done();
      });
    }
    wg.wait();
    for (auto& t : timers) {
      t.stop();
      EXPECT_TRUE(nothing_buffered(t));
    }
  });
}

// time.hpp: stop/reset may be called from any thread. A plain thread's stop removes the pending
// entry and its reset re-arms it (on worker 0's heap); before, the entry stayed queued and reset
// inserted it a second time, corrupting the heap (crash in later timer operations).
TEST_P(TimerTest, StopAndResetFromAPlainThread) {
  run([] {
    for (int i = 0; i < 20; ++i) {
      ccb::Timer t(1h);
      bool stopped = false;
      std::thread([&] { stopped = t.stop(); }).join();
      EXPECT_TRUE(stopped);
      EXPECT_FALSE(t.reset(5ms));  // stopped: not active
      EXPECT_TRUE(t.c().recv().has_value());
      ccb::Timer u(1h);
      bool active = false;
      std::thread([&] { active = u.reset(5ms); }).join();
      EXPECT_TRUE(active);
      EXPECT_TRUE(u.c().recv().has_value());
      EXPECT_FALSE(u.stop());  // fired and received: nothing pending, no second delivery
      for (int k = 0; k < 5; ++k) ccb::Timer(std::chrono::milliseconds(k)).c().recv();  // heap intact
    }
    ccb::Timer w(1h);  // a plain thread's reset wakes a worker for the new earliest deadline
    std::thread([&] { w.reset(10ms); }).join();
    auto t0 = ccb::Clock::now();
    w.c().recv();
    EXPECT_LT(ccb::Clock::now() - t0, 1s);
  });
}

// scheduler.cpp timer_became_earliest / go_idle: a timer re-armed by a plain thread while every
// worker sleeps must wake one: nothing else would run it. Repeated so that the re-arm meets the
// workers at every point of going to sleep; a lost wake-up hangs the run (the ctest timeout) or
// misses the bound. And timer.cpp rearm_locked: the timer is out of its heap for a moment during
// the reset, which the last worker going idle then took for a deadlock (under TSan: Deadlock).
TEST_P(TimerTest, PlainThreadArmingWhileEveryWorkerSleepsWakesOne) {
  run([] {
    for (int i = 0; i < 300; ++i) {
      ccb::Timer t(1h);
      std::jthread arm([&t, i] {  // joins even when the run fails (a Deadlock unwinds this task)
        std::this_thread::sleep_for(std::chrono::microseconds(i % 20 * 10));
        t.reset(50us);
      });
      const auto t0 = ccb::Clock::now();
      EXPECT_TRUE(t.c().recv().has_value());
      EXPECT_LT(ccb::Clock::now() - t0, 1s);
    }
  });
}

// time.hpp: "a call from a plain thread while no run is in progress only invalidates the timer".
// After the run has ended (its Runtime destroyed), stop and reset must not touch it: reset arms
// nothing. A timer pending when its run ended was stopped with it, so neither reports it active.
TEST(TimerMisuse, StopAndResetAfterTheRunOnlyInvalidate) {
  ccb::Timer t, u;
  ccb::run(ccb::Config{.procs = 2}, [&] {
    t = ccb::Timer(1h);
    u = ccb::Timer(1h);
  });
  {
    volatile char scribble[65536];  // overwrite the stack where the Runtime lived
    for (auto& c : scribble) c = static_cast<char>(0xAB);
  }
  EXPECT_FALSE(t.reset(1ms));  // stopped with its run
  EXPECT_FALSE(t.stop());      // the reset armed nothing
  EXPECT_FALSE(u.stop());
  EXPECT_FALSE(u.reset(1ms));
  ccb::run(ccb::Config{.procs = 1}, [&] {
    EXPECT_FALSE(u.stop());  // nothing was armed into this run either
    ccb::Timer v(1ms);
    v.c().recv();
  });
}

// Durations near nanoseconds::max() saturate (Go clamps an overflowing deadline to MaxInt64):
// the timer never fires and the sleep never returns, instead of overflowing into the past. Such
// a timer still counts as pending (no Deadlock while only it remains), and idle workers wait for
// it without spinning.
TEST_P(TimerTest, HugeDurationsSaturateInsteadOfFiringAtOnce) {
  run([] {
    ccb::Timer max(std::chrono::nanoseconds::max());
    auto after_max = ccb::after(std::chrono::nanoseconds::max());
    ccb::Ticker ticker(std::chrono::nanoseconds::max());
    std::atomic<bool> woke{false};
    ccb::go([&woke] {
      ccb::sleep_for(std::chrono::nanoseconds::max());
      woke = true;
    });
    ccb::go([&woke] {
      ccb::sleep_until(ccb::Clock::time_point::max());
      woke = true;
    });
    ccb::sleep_until(ccb::Clock::time_point::min());  // the far past: returns at once
    int fired = ccb::select(ccb::recv_case(max.c()), ccb::recv_case(after_max),
                            ccb::recv_case(ticker.c()), ccb::recv_case(ccb::after(30ms)));
    EXPECT_EQ(fired, 3);
    EXPECT_FALSE(woke.load());
    EXPECT_TRUE(max.stop());  // still pending
    EXPECT_FALSE(max.reset(std::chrono::nanoseconds::max()));
    ccb::sleep_for(5ms);
    EXPECT_FALSE(max.c().try_recv().first);
    EXPECT_TRUE(max.stop());  // pending again after the reset
  });
}

TEST(TimerMisuse, CreatingTimersOutsideATaskThrowsNotInTask) {
  EXPECT_THROW(ccb::Timer(1ms), ccb::NotInTask);
  EXPECT_THROW((void)ccb::after(1ms), ccb::NotInTask);
  EXPECT_THROW((void)ccb::after_func(1ms, [] {}), ccb::NotInTask);
  EXPECT_THROW(ccb::Ticker(1ms), ccb::NotInTask);
  ccb::Timer inert;
  EXPECT_FALSE(inert.stop());
  EXPECT_FALSE(inert.reset(1ms));
  EXPECT_TRUE(inert.c().is_nil());
}

}  // namespace
