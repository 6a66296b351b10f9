// tests/runtime/scheduler_liveness_test.cpp — two ways work could wait forever while the runtime
// was busy or idle (session 49's scheduler review; each test is its reviewer's program, bounded):
//  - a due timer while every worker only hands off between tasks through park() (runnext): the
//    parking path skipped the every-61st-decision timer check, and the scheduler loop, which
//    fires timers, was never entered (timer_starve.cpp: "HANG - main's sleep_for(10ms) not
//    returned after 5 s; 58980712 ping-pong rounds ran", at procs 1 and at procs 2 with 2 pairs);
//  - a task queued (lone runnext, no wake-up) behind a long task on a worker that a plain thread
//    woke after every worker had gone idle: the other worker slept with no time limit, as every
//    worker does once all are idle (idle_never.cpp: "had NOT run after 5000.0 ms").
// Each waits at most kGiveUp for what should take milliseconds, then ends its tasks, so that the
// old runtime fails here instead of hanging.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <ccb/runtime.hpp>

namespace {

using namespace std::chrono_literals;
using LivenessClock = std::chrono::steady_clock;

constexpr auto kGiveUp = 5s;
// What "at once" means here: the sleep is 10 ms, an idle worker looks again within 10 ms; a
// loaded 2-CPU machine (or a sanitizer) can add a lot, but not seconds.
constexpr auto kPromptly = 2s;

class HandOffTimers : public ::testing::TestWithParam<int> {};

TEST_P(HandOffTimers, ADueTimerFiresWhileEveryWorkerOnlyHandsOff) {
  const int procs = GetParam();
  std::atomic<bool> stop{false};
  std::thread give_up([&] {
    const auto until = LivenessClock::now() + kGiveUp;
    while (!stop.load() && LivenessClock::now() < until) std::this_thread::sleep_for(10ms);
    stop.store(true);
  });
  LivenessClock::duration slept{};
  ccb::run(ccb::Config{.procs = procs}, [&] {
    for (int p = 0; p < procs; ++p) {  // one hand-off pair per worker: none idle
      ccb::Chan<int> ping(0), pong(0);
      ccb::go([&stop, ping, pong]() mutable {
        while (!stop.load(std::memory_order_relaxed)) {
          ping.send(1);
          (void)pong.recv();
        }
        ping.close();
      });
      ccb::go([ping, pong]() mutable {
        for (int v : ping) pong.send(v);
      });
    }
    const auto t0 = LivenessClock::now();
    ccb::sleep_for(10ms);
    slept = LivenessClock::now() - t0;
    stop.store(true);
  });
  give_up.join();
  EXPECT_LT(slept, kPromptly) << "sleep_for(10ms) took "
                              << std::chrono::duration<double, std::milli>(slept).count() << " ms";
}

INSTANTIATE_TEST_SUITE_P(Procs, HandOffTimers, ::testing::Values(1, 2));

TEST(IdleWorkers, ATaskQueuedAfterAnOutsideWakeIsTakenWhileItsWorkerIsBusy) {
  LivenessClock::duration waited{};
  ccb::run(ccb::Config{.procs = 2, .detect_deadlock = false}, [&] {
    ccb::Chan<int> ch(0);
    std::thread waker([ch]() mutable {
      std::this_thread::sleep_for(100ms);  // both workers idle by now
      while (!ch.try_send(1)) std::this_thread::yield();
    });
    (void)ch.recv();  // readied by the plain thread: one worker wakes
    waker.join();
    std::atomic<bool> ran{false};
    const auto t0 = LivenessClock::now();
    ccb::go([&ran] { ran.store(true); });  // runnext of this busy worker: no wake-up is sent
    while (!ran.load() && LivenessClock::now() - t0 < kGiveUp) {
    }
    waited = LivenessClock::now() - t0;
  });
  EXPECT_LT(waited, kPromptly) << "the queued task waited "
                               << std::chrono::duration<double, std::milli>(waited).count() << " ms";
}

}  // namespace
