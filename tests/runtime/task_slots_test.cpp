// tests/runtime/task_slots_test.cpp — task slots and late stack binding (runtime/src/task.hpp):
// closures that fit a slot and closures that go to a stack bound at spawn both run with their
// captures intact; a task waiting in a queue holds no stack; a stack that cannot be mapped when a
// task first runs fails the run with std::bad_alloc instead of crashing or hanging.
#include <sys/resource.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <new>

#include "procs_fixture.hpp"

namespace {

struct alignas(64) OverAligned {
  uint64_t v[8];
};

class TaskSlots : public Procs {};

TEST_P(TaskSlots, SmallLargeAndOverAlignedClosuresRunWithTheirCaptures) {
  const int n = kManyTasks / 20;
  std::atomic<int64_t> sum{0};
  std::atomic<int> misaligned{0};
  run([&] {
    ccb::WaitGroup wg;
    wg.add(3 * n);
    for (int i = 0; i < n; ++i) {
      ccb::go([&sum, &wg, i] {  // fits the slot
        sum.fetch_add(i, std::memory_order_relaxed);
        wg.done();
      });
      std::array<int64_t, 40> big;  // 320 bytes: placed on a stack bound at spawn
      big.fill(i);
      ccb::go([&sum, &wg, big] {
        int64_t s = 0;
        for (int64_t x : big) s += x;
        sum.fetch_add(s, std::memory_order_relaxed);
        wg.done();
      });
      OverAligned a{};
      for (auto& x : a.v) x = static_cast<uint64_t>(i);
      ccb::go([&sum, &wg, &misaligned, a] {
        if (reinterpret_cast<uintptr_t>(&a) % 64 != 0) misaligned.fetch_add(1);
        int64_t s = 0;
        for (uint64_t x : a.v) s += static_cast<int64_t>(x);
        sum.fetch_add(s, std::memory_order_relaxed);
        wg.done();
      });
    }
    wg.wait();
  });
  const int64_t tri = int64_t{n} * (n - 1) / 2;
  EXPECT_EQ(sum.load(), tri * (1 + 40 + 8));
  EXPECT_EQ(misaligned.load(), 0);
}

CCB_INSTANTIATE_PROCS(TaskSlots);

// With one worker, tasks spawned while main runs wait in the queue and each runs to completion on
// the stack its predecessor released: a run of n such tasks maps a handful of stacks, not n.
TEST(TaskSlotsLate, QueuedTasksHoldNoStack) {
  ccb::release_stacks();  // count fresh stacks from an empty pool
  const int n = kManyTasks / 20;
  std::atomic<int> ran{0};
  ccb::Config c;
  c.procs = 1;
  ccb::run(c, [&] {
    ccb::WaitGroup wg;
    wg.add(n);
    for (int i = 0; i < n; ++i)
      ccb::go([&] {
        ran.fetch_add(1, std::memory_order_relaxed);
        wg.done();
      });
    wg.wait();
  });
  EXPECT_EQ(ran.load(), n);
  EXPECT_LE(ccb::stats().stacks_allocated, 4u) << "of " << n << " tasks";
}

long vm_size_bytes() {
  std::ifstream f("/proc/self/statm");
  long pages = 0;
  f >> pages;
  return pages * 4096;
}

// Address space capped so that no further stack slab (64 stacks of 64 KiB) can be mapped: the
// tasks that cannot get a stack are never started, the run fails with std::bad_alloc, and every
// task is unwound or discarded (the run returns).
TEST(TaskSlotsDeathTest, NoStackForAStartingTaskFailsTheRunWithBadAlloc) {
#if defined(CCB_ASAN) || defined(CCB_TSAN)
  GTEST_SKIP() << "sanitizer runtimes reserve address space an RLIMIT_AS cap would cut";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ccb::release_stacks();
        ccb::Config c;
        c.procs = 1;
        int code = 4;
        try {
          ccb::run(c, [] {
            const int n = 1000;
            ccb::Chan<int> gate(0);
            ccb::WaitGroup started;
            started.add(n);
            for (int i = 0; i < n; ++i)
              ccb::go([&started, gate]() mutable {
                started.done();
                (void)gate.recv();
              });
            const rlim_t cap = static_cast<rlim_t>(vm_size_bytes() + (2 << 20));
            rlimit lim{cap, cap};
            if (setrlimit(RLIMIT_AS, &lim) != 0) std::_Exit(5);
            started.wait();  // never returns: the run fails while the tasks start
            std::_Exit(6);
          });
        } catch (const std::bad_alloc&) {
          code = 3;
        } catch (...) {
          code = 7;
        }
        std::exit(code);
      },
      ::testing::ExitedWithCode(3), "");
}

}  // namespace

namespace {

// Counted: counts live objects; a moved-from one is marked v = -1.
struct Counted {
  static inline std::atomic<int> live{0};
  int v;
  explicit Counted(int x) : v(x) { live.fetch_add(1); }
  Counted(const Counted& o) : v(o.v) { live.fetch_add(1); }
  Counted(Counted&& o) noexcept : v(o.v) {
    o.v = -1;
    live.fetch_add(1);
  }
  ~Counted() { live.fetch_sub(1); }
};

// ThrowingMove: a move that may throw keeps the closure off the slot (built on a stack at spawn).
struct ThrowingMove {
  int v;
  explicit ThrowingMove(int x) : v(x) {}
  ThrowingMove(const ThrowingMove&) = default;
  ThrowingMove(ThrowingMove&& o) noexcept(false) : v(o.v) {}
};

class TaskSlotsMoves : public Procs {};

// A closure moved from its slot onto the task's stack is seen intact by the task, and every copy
// the runtime makes is destroyed exactly once.
TEST_P(TaskSlotsMoves, MovedClosuresKeepTheirValuesAndAreDestroyedOnce) {
  const int n = kManyTasks / 20;
  std::atomic<int64_t> sum{0};
  std::atomic<int> bad{0};
  Counted::live = 0;
  run([&] {
    ccb::WaitGroup wg;
    wg.add(2 * n);
    for (int i = 0; i < n; ++i) {
      ccb::go([&sum, &bad, &wg, c = Counted(i)] {
        if (c.v < 0) bad.fetch_add(1);
        sum.fetch_add(c.v, std::memory_order_relaxed);
        wg.done();
      });
      ccb::go([&sum, &wg, t = ThrowingMove(i)] {
        sum.fetch_add(t.v, std::memory_order_relaxed);
        wg.done();
      });
    }
    wg.wait();
  });
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(sum.load(), 2 * (int64_t{n} * (n - 1) / 2));
  EXPECT_EQ(Counted::live.load(), 0);
}

CCB_INSTANTIATE_PROCS(TaskSlotsMoves);

// Tasks that never started when main returned are discarded from their slots: their closures
// are destroyed and they count as abandoned.
TEST(TaskSlotsLate, UnstartedTasksAreDiscardedAtShutdown) {
  Counted::live = 0;
  std::atomic<int> ran{0};
  const int n = 1000;
  ccb::Config c;
  c.procs = 1;
  ccb::run(c, [&] {
    for (int i = 0; i < n; ++i) ccb::go([&ran, k = Counted(i)] { ran.fetch_add(1); });
  });  // main returns without yielding: no spawned task ran
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(ccb::stats().tasks_abandoned, static_cast<uint64_t>(n));
  EXPECT_EQ(Counted::live.load(), 0);
}

}  // namespace
