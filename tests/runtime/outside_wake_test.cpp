// tests/runtime/outside_wake_test.cpp — a plain thread's call that wakes several tasks at once
// (WaitGroup's last done(), Cond::broadcast(), a channel's close, a context's cancel, an RWMutex
// writer's unlock letting readers in) while main is one of them: main may return, and end the
// run, as soon as it is readied (ccb/run.hpp).
// Regression (session 38's audit, noted as a limitation then): the call readied its tasks one by
// one, so main, readied first, could return and the run end, unwinding and freeing the tasks the
// call had yet to ready (the first version of WokenUnwind's tests crashed 2 of 6 times so). Now the
// call queues them all at once under the run's queue lock, so when main runs, none of the others
// is still parked: main checks that with debug::dump_tasks(). On the old runtime this binary
// (filter *OutsideWake*) crashed with SIGSEGV in 3 of 3 runs, each after a failed check reading
// "live tasks: 2001 (1 running, 0 runnable, 2000 blocked)" (round 0, 0 and 3 of the first case).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ccb/debug.hpp>
#include <ccb/runtime.hpp>

namespace {

using namespace std::chrono_literals;

// Under a sanitizer each case took ~100 s at these sizes (TSan: a fiber switch and an unwind cost
// far more), near ctest's 120 s limit; there the race matters less than the locking it checks.
#if defined(CCB_ASAN) || defined(CCB_TSAN)
constexpr int kWaiters = 200;
constexpr int kRounds = 2;
#else
constexpr int kWaiters = 2000;
constexpr int kRounds = 10;
#endif

// race() runs kRounds runs at procs 1: main starts kWaiters tasks that call wait(), calls wait()
// itself first (one worker: the tasks run only once main parks, so main is first in the queue),
// and returns as soon as it is woken, after checking that no task is still parked. A plain thread
// calls wake() once they are all parked. Tasks left unwound when main returns are fine
// (ccb/run.hpp).
void race(const std::function<void()>& reset, const std::function<void()>& wait,
          const std::function<void()>& wake) {
  for (int round = 0; round < kRounds; ++round) {
    reset();
    std::atomic<int> parked{0};
    std::thread waker([&] {
      while (parked.load(std::memory_order_acquire) < kWaiters + 1) std::this_thread::yield();
      std::this_thread::sleep_for(1ms);  // the last one counted is parked by now
      wake();
    });
    ccb::Config c;
    c.procs = 1;
    c.detect_deadlock = false;  // the waker is a plain thread
    ccb::run(c, [&] {
      for (int i = 0; i < kWaiters; ++i)
        ccb::go([&] {
          parked.fetch_add(1, std::memory_order_release);
          wait();
        });
      parked.fetch_add(1, std::memory_order_release);
      wait();
      const std::string dump = ccb::debug::dump_tasks();  // "live tasks: N (1 running, M runnable, K blocked)"
      EXPECT_NE(dump.find(", 0 blocked)"), std::string::npos) << "round " << round << ": " << dump.substr(0, 200);
    });
    waker.join();
  }
}

TEST(OutsideWake, AWaitGroupsLastDoneWakingMainFirst) {
  auto wg = std::make_unique<ccb::WaitGroup>();
  race([&] { wg = std::make_unique<ccb::WaitGroup>(); wg->add(1); }, [&] { wg->wait(); },
       [&] { wg->done(); });
}

TEST(OutsideWake, ACondBroadcastWakingMainFirst) {
  auto mu = std::make_unique<ccb::Mutex>();
  auto cv = std::make_unique<ccb::Cond>(*mu);
  race(
      [&] {
        cv.reset();
        mu = std::make_unique<ccb::Mutex>();
        cv = std::make_unique<ccb::Cond>(*mu);
      },
      [&] {
        mu->lock();
        cv->wait();
        mu->unlock();
      },
      [&] { cv->broadcast(); });
}

TEST(OutsideWake, AChannelCloseWakingMainFirst) {
  ccb::Chan<int> ch;
  race([&] { ch = ccb::Chan<int>(0); }, [&] { (void)ch.recv(); }, [&] { ch.close(); });
}

// Regression (session 39's remaining limitation): RWMutex::unlock() from a plain thread posted one
// token per queued reader, each readying one reader; the first, main, could end the run before
// the others were readied. A writer's lock, taken by the test's thread before each run, holds
// every reader back.
TEST(OutsideWake, AnRWMutexUnlockLettingReadersInWithMainFirst) {
  auto mu = std::make_unique<ccb::RWMutex>();
  race(
      [&] {
        mu = std::make_unique<ccb::RWMutex>();
        mu->lock();  // uncontended: allowed outside a task
      },
      [&] {
        mu->lock_shared();
        mu->unlock_shared();
      },
      [&] { mu->unlock(); });
}

// A cancel walks a tree: main waits on the root's done, the others on children's. The walk used to
// ready each node's waiters as it went, main's first.
TEST(OutsideWake, AContextCancelWakingMainFirst) {
  std::optional<ccb::WithCancel> root;
  std::vector<ccb::Context> children;
  std::atomic<int> next{0};
  race(
      [&] {
        root.reset();
        children.clear();
        next.store(0);
      },
      [&] {
        if (!root) {  // main: first to wait, makes the tree
          root = ccb::with_cancel(ccb::background());
          for (int i = 0; i < kWaiters; ++i) children.push_back(ccb::with_cancel(root->ctx).ctx);
          root->ctx.done().recv();
          return;
        }
        children[next.fetch_add(1)].done().recv();
      },
      [&] { root->cancel(); });
}

}  // namespace
