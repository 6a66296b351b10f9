// tests/runtime/woken_unwind_test.cpp — a task woken together with others (WaitGroup's last done(),
// Cond::broadcast(), a channel's close) but unwound because the run ended before it ran leaves
// the object it waited on usable in a later run.
// Regression (session 38's runtime audit, repros t18/t19): take_all() moved the woken waiters into
// a temporary WaitQueue, whose push_back marked them queued again, so the unwinding waiter "took
// itself off" the object's real queue through that temporary queue's links. The WaitGroup's queue
// was left with a null head and a tail at a dead task's waiter: the next run's wait() wrote
// through it (SIGSEGV in 10 of 10 runs at procs 1 and 2), and a Cond lost the next signal().
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <ccb/runtime.hpp>

namespace {

using namespace std::chrono_literals;

// one_run() runs f at `procs` without deadlock detection: a plain thread wakes the tasks.
void one_run(int procs, std::function<void()> f) {
  ccb::Config c;
  c.procs = procs;
  c.detect_deadlock = false;
  ccb::run(c, std::move(f));
}

// woken_in_time() is true when `done` delivers within a second (false instead of hanging).
bool woken_in_time(ccb::Chan<int>& done) {
  return ccb::select(ccb::recv_case(done), ccb::recv_case(ccb::after(1s))) == 0;
}

// A plain thread's wake-up must return before the run ends (ccb/run.hpp): in each run 1 below,
// main, woken first, waits until the waker's call has returned (busy, on the only worker, so the
// second task cannot run) and only then returns.
void wait_for(const std::atomic<bool>& flag) {
  while (!flag.load(std::memory_order_acquire)) std::this_thread::yield();
}

// wake_later() starts a plain thread that calls wake() 50 ms from now, then sets `returned`.
std::thread wake_later(std::function<void()> wake, std::atomic<bool>& returned) {
  return std::thread([wake = std::move(wake), &returned] {
    std::this_thread::sleep_for(50ms);
    wake();
    returned.store(true, std::memory_order_release);
  });
}

class WokenUnwind : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Procs, WokenUnwind, ::testing::Values(1, 2));

// Run 1: main and a child wait; a plain thread's done() wakes both, main first (the order they
// queued), so main returns and the run ends before the child runs: the child is unwound.
TEST_P(WokenUnwind, AWaitGroupWorksInTheNextRun) {
  ccb::WaitGroup wg;
  wg.add(1);
  std::atomic<bool> returned{false};
  std::thread waker = wake_later([&] { wg.done(); }, returned);
  one_run(1, [&] {
    ccb::go([&] { wg.wait(); });
    wg.wait();
    wait_for(returned);
  });
  waker.join();
  bool woken = false;
  one_run(GetParam(), [&] {
    wg.add(1);
    ccb::Chan<int> done(1);
    ccb::go([&wg, done]() mutable {
      wg.wait();
      done.send(1);
    });
    ccb::sleep_for(10ms);
    wg.done();
    woken = woken_in_time(done);
  });
  EXPECT_TRUE(woken);
  EXPECT_EQ(wg.count(), 0);
}

TEST_P(WokenUnwind, ACondWorksInTheNextRun) {
  ccb::Mutex mu;
  ccb::Cond cv(mu);
  bool flag = false;
  std::atomic<bool> returned{false};
  std::thread waker = wake_later([&] { cv.broadcast(); }, returned);
  one_run(1, [&] {
    ccb::go([&] {
      mu.lock();
      cv.wait();
      mu.unlock();
    });
    mu.lock();
    cv.wait();
    mu.unlock();
    wait_for(returned);
  });
  waker.join();
  bool woken = false;
  one_run(GetParam(), [&] {
    ccb::Chan<int> done(1);
    ccb::go([&, done]() mutable {
      mu.lock();
      while (!flag) cv.wait();
      mu.unlock();
      done.send(1);
    });
    ccb::sleep_for(10ms);
    mu.lock();
    flag = true;
    cv.signal();
    mu.unlock();
    woken = woken_in_time(done);
  });
  EXPECT_TRUE(woken);
}

}  // namespace
