// tests/runtime/timer_runs_test.cpp — a Timer or Ticker that outlives its run (ccb/time.hpp,
// "Runs"): a pending one is stopped with its run, and reset() from a task of a later run arms it
// there, whichever address that run's runtime object has.
// Regression (session 38's runtime audit, repro t12): TimerShared compared the current runtime's
// address with the one it was made by. A later run whose runtime sat at another address left a
// reset() timer disarmed (it never fired); and a timer pending at the end of its run stayed
// "armed", so its reset() in a later run counted a fire that never came, returned true, and the
// next real fire was swallowed. `pad` moves the second run's frame (and its runtime object).
// And a plain thread's reset() during a later run (see the test).
#include <gtest/gtest.h>

#include <alloca.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <thread>

#include <ccb/runtime.hpp>

#include "timers.hpp"  // runtime/src: the test hook

namespace {

using namespace std::chrono_literals;

[[gnu::noinline]] void run_with_pad(std::size_t pad, std::function<void()> f) {
  volatile char* p = static_cast<volatile char*>(alloca(pad + 1));
  p[0] = 0;
  ccb::Config c;
  c.procs = 2;
  ccb::run(c, std::move(f));
}

// fires_within() is true when ch delivers within timeout.
bool fires_within(ccb::RecvChan<ccb::Clock::time_point> ch, std::chrono::milliseconds timeout) {
  return ccb::select(ccb::recv_case(ch), ccb::recv_case(ccb::after(timeout))) == 0;
}

struct Case {
  bool stop_in_first_run;
  std::size_t pad;
};
void PrintTo(const Case& c, std::ostream* os) {
  *os << (c.stop_in_first_run ? "stopped" : "pending") << " at the end of run 1, pad " << c.pad;
}

class TimerRuns : public ::testing::TestWithParam<Case> {};
INSTANTIATE_TEST_SUITE_P(StoppedOrPending, TimerRuns,
                         ::testing::Values(Case{true, 0}, Case{true, 4096}, Case{false, 0}, Case{false, 4096}));

TEST_P(TimerRuns, AResetInALaterRunFiresThere) {
  std::optional<ccb::Timer> t;
  run_with_pad(0, [&] {
    t.emplace(1h);
    if (GetParam().stop_in_first_run) {
      EXPECT_TRUE(t->stop());
    }
  });
  bool was_active = true, fired = false;
  run_with_pad(GetParam().pad, [&] {
    was_active = t->reset(10ms);
    fired = fires_within(t->c(), 2s);
  });
  EXPECT_FALSE(was_active);  // stopped, or stopped with its run: nothing was pending
  EXPECT_TRUE(fired);
  run_with_pad(0, [&] { EXPECT_FALSE(t->stop()); });  // it fired: nothing pending
}

// Regression (session 42's runtime audit, probe p13): a plain thread's reset() of a timer whose
// run had ended armed it in a later run in progress when, and only when, that run's runtime sat
// at the same address (Runtime::lock_if_alive compared addresses only). It now leaves it stopped
// at any address (ccb/time.hpp, "Concurrency"). Once a task of the later run has reset it, the
// timer is that run's, and a plain thread's reset() arms it there, at any address too.
TEST_P(TimerRuns, APlainThreadsResetOfAnEndedRunsTimerLeavesItStoppedAtAnyAddress) {
  std::optional<ccb::Timer> t;
  run_with_pad(0, [&] {
    t.emplace(1h);
    if (GetParam().stop_in_first_run) {
      EXPECT_TRUE(t->stop());
    }
  });
  bool was_active = true, fired = true;
  run_with_pad(GetParam().pad, [&] {
    std::thread([&] { was_active = t->reset(5ms); }).join();
    fired = fires_within(t->c(), 200ms);
  });
  EXPECT_FALSE(was_active);
  EXPECT_FALSE(fired);
  bool adopted_fired = false;
  run_with_pad(GetParam().pad, [&] {
    EXPECT_FALSE(t->reset(1h));  // a task of this run: the timer is now this run's
    std::thread([&] { EXPECT_TRUE(t->reset(5ms)); }).join();
    adopted_fired = fires_within(t->c(), 2s);
  });
  EXPECT_TRUE(adopted_fired);
}

TEST(TimerRunsTicker, ATickerResetInALaterRunTicksThere) {
  std::optional<ccb::Ticker> k;
  run_with_pad(0, [&] { k.emplace(1h); });
  int ticks = 0;
  run_with_pad(4096, [&] {
    k->reset(5ms);
    for (int i = 0; i < 3; ++i) ticks += fires_within(k->c(), 2s) ? 1 : 0;
    k->stop();
  });
  EXPECT_EQ(ticks, 3);
}

// A plain thread's reset() that overlaps the end of the timer's run. It checks that the run is
// not ending, then inserts; the test hook holds it between the two while the run ends (main
// returns, the workers stop, the heaps are cleared; the Runtime then waits for the thread's hold
// on it before it is destroyed). Regression (session 48's review, endrace.cpp under gdb): the
// insertion went into the cleared heap, leaving the timer "pending" in a freed heap; stop() after
// the run returned true, and the next run's reset() aborted ("timer armed while already
// pending"). Now a cleared heap takes nothing: the timer is left stopped, as any timer pending
// when its run ends.
std::atomic<int> g_hook_stage{0};  // 1: the thread is in the window; 2: main has returned

void hold_until_the_run_ended() noexcept {
  g_hook_stage.store(1);
  while (g_hook_stage.load() != 2) std::this_thread::yield();
  std::this_thread::sleep_for(50ms);  // the run's end clears its heaps meanwhile, then waits for us
}

TEST(TimerRunsOutside, APlainThreadsResetThatOverlapsTheEndOfItsRunLeavesTheTimerStopped) {
  std::optional<ccb::Timer> t;
  std::thread th;
  g_hook_stage.store(0);
  ccb::detail::g_outside_arm_hook_for_tests = &hold_until_the_run_ended;
  ccb::Config c;
  c.procs = 2;
  c.detect_deadlock = false;
  ccb::run(c, [&] {
    t.emplace(1h);
    th = std::thread([&] { EXPECT_TRUE(t->reset(1h)); });  // true: it was pending
    while (g_hook_stage.load() != 1) ccb::yield();
    g_hook_stage.store(2);  // and return: the run ends while the thread is held
  });
  th.join();
  ccb::detail::g_outside_arm_hook_for_tests = nullptr;
  EXPECT_FALSE(t->stop());  // not pending: it went with its run
  bool fired = false;
  run_with_pad(0, [&] {
    EXPECT_FALSE(t->reset(10ms));  // the next run arms it (before: an abort here)
    fired = fires_within(t->c(), 5s);
  });
  EXPECT_TRUE(fired);
}

}  // namespace
