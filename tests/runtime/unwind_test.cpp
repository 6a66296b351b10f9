// tests/runtime/unwind_test.cpp — tasks abandoned while yielded (runnable after having run) are
// unwound like parked ones: their destructors run, and no stale task survives into the next run.
// Regression: yield() used to return normally to such a task during the shutdown unwind, so it
// kept running, re-parked and stayed "alive" in the stack pool, where the next run's shutdown
// counted (and resumed) it. Found by `ccbench stress` with chaos on (injected yields).
#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <vector>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

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

// Regression: the end-of-run unwinding resumed abandoned tasks in the order the stack pool listed
// them, so a parent could be unwound before its children: the Mutex in its frame was destroyed and
// its stack reused while a child holding that Mutex had yet to unlock it in a lock_guard's
// destructor, and that unlock readied a task already gone (`ccbench stress mixed` after a
// failure: exit 139 in about 1 run in 4 at procs 2). Children are now unwound before parents.
TEST_P(UnwindTest, AbandonedChildrenAreUnwoundBeforeTheirParents) {
  static std::mutex order_mu;
  static std::vector<int> order;  // the generation of each task, as its frame is unwound
  order.clear();
  struct Mark {
    int generation;
    ~Mark() {
      std::lock_guard<std::mutex> g(order_mu);
      order.push_back(generation);
    }
  };
  std::atomic<int> parked{0}, queued{0};
  run([&] {
    ccb::go([&] {
      Mark m{1};
      ccb::Mutex mu;  // in the parent's frame, used by its children
      ccb::WaitGroup wg;
      wg.add(4);
      for (int i = 0; i < 4; ++i)
        ccb::go([&] {
          Mark c{2};
          queued.fetch_add(1);
          std::lock_guard<ccb::Mutex> g(mu);  // one child holds it, the others wait for it
          ccb::go([&] {
            Mark gc{3};
            parked.fetch_add(1);
            ccb::Chan<int>().recv();  // a nil channel: blocks for good
          });
          parked.fetch_add(1);
          ccb::Chan<int>().recv();
          wg.done();
        });
      wg.wait();
    });
    while (parked.load() < 2 || queued.load() < 4) ccb::yield();
    ccb::sleep_for(std::chrono::milliseconds(5));  // the other children reach mu.lock()
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 6u);
  ASSERT_EQ(order.size(), 6u);
  EXPECT_TRUE(std::is_sorted(order.rbegin(), order.rend())) << "grandchild (3), children (2), parent (1): got "
                                                            << ::testing::PrintToString(order);
}

// Regression: a task abandoned while parked on a channel, select, Mutex, Cond or WaitGroup left
// its Waiter (on its stack) in the object's queue, so the next operation that woke a waiter --
// a destructor's close() during the unwinding, or a send in the next run -- readied a task whose
// stack was gone (a crash found by the runtime audit of session 18).
TEST_P(UnwindTest, WaitersOfAbandonedTasksLeaveTheirQueues) {
  ccb::Chan<int> unbuffered(0), full(1), a(0), b(0);
  ccb::Mutex mu;
  ccb::Mutex cmu;
  ccb::Cond cond(cmu);
  ccb::WaitGroup wg;
  std::atomic<int> parked{0};
  run([&] {
    ASSERT_TRUE(full.try_send(0));
    wg.add(1);
    mu.lock();
    ccb::go([&] { parked++; unbuffered.recv(); });
    ccb::go([&] { parked++; full.send(1); });
    ccb::go([&] { parked++; ccb::select(ccb::recv_case(a), ccb::recv_case(b)); });
    ccb::go([&] { parked++; mu.lock(); });
    ccb::go([&] { cmu.lock(); parked++; cond.wait(); });
    ccb::go([&] { parked++; wg.wait(); });
    while (parked.load() < 6) ccb::yield();
    for (int i = 0; i < 100; ++i) ccb::yield();  // let each reach its park
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 6u);
  run([&] {
    EXPECT_FALSE(unbuffered.try_send(1));  // no receiver waits any more
    EXPECT_EQ(full.recv(), 0);              // no sender waits to refill the buffer
    EXPECT_FALSE(full.try_recv().first);
    EXPECT_FALSE(a.try_send(1));
    EXPECT_FALSE(b.try_send(1));
    mu.unlock();
    EXPECT_TRUE(mu.try_lock());
    mu.unlock();
    cond.broadcast();
    wg.done();
    unbuffered.close();
    a.close();
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

// Regression: a task that parked inside a destructor while it was unwound stayed parked, and the
// next run's unwinding resumed it, throwing out of that (noexcept) destructor: terminate. A task
// spawned by such a destructor leaked into the next run's count.
TEST_P(UnwindTest, TasksParkedOrSpawnedByDestructorsStayInTheirRun) {
  static ccb::Chan<int> never_received(0);
  struct ParksWhenDestroyed {
    ~ParksWhenDestroyed() { never_received.send(1); }
  };
  struct SpawnsWhenDestroyed {
    ~SpawnsWhenDestroyed() { ccb::go([] {}); }
  };
  std::atomic<int> started{0};
  // The task left parked in its destructor is never resumed: what it holds (its exception in
  // flight, its handle of `block`) is leaked by design. Both are allocated on this thread (the
  // unwinding runs on the thread that called run()), where LeakSanitizer is told to ignore them.
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler stranded_task_leaks;
#endif
  ccb::Chan<int> block(0);
  run([&] {
    ccb::go([&started, block]() mutable {
      ParksWhenDestroyed p;
      started++;
      block.recv();
    });
    ccb::go([&started, block]() mutable {
      SpawnsWhenDestroyed s;
      started++;
      block.recv();
    });
    while (started.load() < 2) ccb::yield();
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 3u);  // the two tasks and the one spawned while unwinding
  run([] {});
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

// Regression: a Mutex waiter readied with the lock handed over (starvation mode) and then
// unwound because the run ended before it ran left the Mutex locked by nobody: park() throws
// even when the task had been readied, and lock_slow() cleaned up only a still-queued waiter. The
// next run's lock() deadlocked (audit repro r07_mutex_starve_unwind waiter_first). procs 1: the
// order in which the two tasks are unwound is the order of their stacks.
TEST(UnwindHandOff, MutexHandedToAnAbandonedWaiterIsReleased) {
  static ccb::Mutex m;
  ccb::Chan<int> block(0);
  std::atomic<int> phase{0};
  ccb::Config c;
  c.procs = 1;
  ccb::run(c, [&] {
    auto holder = [&, block]() mutable {
      while (phase < 1) ccb::yield();
      m.lock();
      phase = 2;
      ccb::sleep_for(std::chrono::milliseconds(3));  // the waiter queues and waits > 1 ms
      m.unlock();                                     // wakes it, but we re-take at once
      m.lock();
      std::lock_guard g(m, std::adopt_lock);
      ccb::sleep_for(std::chrono::milliseconds(3));  // it requeues after > 1 ms: starvation mode
      phase = 3;
      block.recv();  // abandoned holding m: unwinding hands m to the waiter, then unwinds it
    };
    auto waiter = [&] {
      while (phase < 2) ccb::yield();
      m.lock();
      m.unlock();
    };
    ccb::go(waiter);
    ccb::go(holder);
    phase = 1;
    while (phase < 3) ccb::yield();
    for (int i = 0; i < 100; ++i) ccb::yield();
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 2u);
  ccb::run(c, [&] {
    EXPECT_TRUE(m.try_lock());
    m.unlock();
  });
}

// Regression: an RWMutex writer abandoned in lock() while it waited for a reader left kWriter set
// (and the reader's unlock during the unwinding could not clear it); a reader abandoned while
// queued behind a writer left its queued count, which the writer's unlock then turned into a read
// lock nobody held. Either way the next run found the mutex locked (audit repro r04_rw_unwind
// writer / reader). `reader_first`: which of the two tasks is unwound first (procs 1: the order
// of their stacks).
static void rw_abandoned(bool writer_waits, bool holder_first) {
  static ccb::RWMutex* m;
  ccb::RWMutex mu;
  m = &mu;
  ccb::Chan<int> block(0);
  std::atomic<int> started{0};
  ccb::Config c;
  c.procs = 1;
  ccb::run(c, [&] {
    auto holder = [&, block]() mutable {
      while (started < 1) ccb::yield();
      if (writer_waits) {
        std::shared_lock l(*m);
        started++;
        block.recv();
      } else {
        std::lock_guard l(*m);
        started++;
        block.recv();
      }
    };
    auto blocked = [&] {
      while (started < 2) ccb::yield();
      started++;
      if (writer_waits) {
        m->lock();
        m->unlock();
      } else {
        m->lock_shared();
        m->unlock_shared();
      }
    };
    if (holder_first) {
      ccb::go(holder);
      ccb::go(blocked);
    } else {
      ccb::go(blocked);
      ccb::go(holder);
    }
    started = 1;
    while (started < 3) ccb::yield();
    for (int i = 0; i < 100; ++i) ccb::yield();
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 2u);
  ccb::run(c, [&] {
    const bool rs = m->try_lock_shared();
    if (rs) m->unlock_shared();
    const bool ws = m->try_lock();
    if (ws) m->unlock();
    EXPECT_TRUE(rs);
    EXPECT_TRUE(ws);
  });
}

TEST(UnwindHandOff, RWMutexWriterAbandonedWaitingForAReaderLeavesItFree) {
  rw_abandoned(true, true);
  rw_abandoned(true, false);
}

TEST(UnwindHandOff, RWMutexReaderAbandonedBehindAWriterLeavesItFree) {
  rw_abandoned(false, true);
  rw_abandoned(false, false);
}

// leave_a_dead_task_holding<T>() runs one run (procs 1) that abandons one task while it holds a T
// (the task is parked on a channel of its own); T's destructor parks as the task is unwound, so
// the task is left Dead. With `release`, release_stacks() then unmaps the Dead task's stack.
template <class T>
static void leave_a_dead_task_holding(bool release) {
  ccb::Chan<int> block(0);
  std::atomic<int> started{0};
  ccb::run(ccb::Config{.procs = 1}, [&] {
    ccb::go([&started, block]() mutable {
      T held;
      started++;
      block.recv();
    });
    while (started < 1) ccb::yield();
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 1u);
  if (release) ccb::release_stacks();
}

// Regression: a task that parked inside a destructor while it was unwound (it becomes Dead, never
// resumed) kept its Waiter on the channel's queue: the next run's receive took its value and
// readied it (terminate: TaskUnwind out of the destructor), and after release_stacks() the queue
// pointed into an unmapped stack (SIGSEGV on the next receive, or in the channel's destructor).
// Audit repro r05_dead_task_woken.
static ccb::Chan<int>* g_dead_ch;
TEST(UnwindDead, ATaskParkedInADestructorLeavesTheQueue) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler stranded_task_leaks;  // the Dead task's exception and handles: by design
#endif
  struct ParksWhenDestroyed {
    ~ParksWhenDestroyed() { g_dead_ch->send(1); }
  };
  ccb::Config c;
  c.procs = 1;
  for (const bool release : {false, true}) {
    ccb::Chan<int> ch(0);
    g_dead_ch = &ch;
    leave_a_dead_task_holding<ParksWhenDestroyed>(release);
    ccb::run(c, [&] {
      auto v = ch.try_recv();
      EXPECT_FALSE(v.first) << "release=" << release;  // the Dead task's send never happens
      for (int i = 0; i < 10; ++i) ccb::yield();
    });
  }  // ch's destructor: no waiter left on it
}

// The same for a select parked inside a destructor: its waiters left on both channels were found
// by the next run's try_send / try_recv, and after release_stacks() pointed into unmapped memory.
static ccb::Chan<int>* g_dead_a;
static ccb::Chan<int>* g_dead_b;
TEST(UnwindDead, ASelectParkedInADestructorLeavesEveryQueue) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler stranded_task_leaks;  // the Dead task's exception and handles: by design
#endif
  struct SelectsWhenDestroyed {
    ~SelectsWhenDestroyed() { ccb::select(ccb::recv_case(*g_dead_a), ccb::send_case(*g_dead_b, 7)); }
  };
  ccb::Config c;
  c.procs = 1;
  for (const bool release : {false, true}) {
    ccb::Chan<int> a(0), b(0);
    g_dead_a = &a;
    g_dead_b = &b;
    leave_a_dead_task_holding<SelectsWhenDestroyed>(release);
    ccb::run(c, [&] {
      EXPECT_FALSE(a.try_send(1)) << "release=" << release;  // no receiver waits
      EXPECT_FALSE(b.try_recv().first) << "release=" << release;  // no sender waits
    });
  }  // a's and b's destructors: no waiter left on them
}

// The same for an RWMutex reader parked inside a destructor behind a writer: its waiter left the
// semaphore but its kQueued stayed, so the writer's unlock counted a read lock for it (the next
// run's try_lock failed) and posted a token that would let a later queued reader past a writer.
static ccb::RWMutex* g_dead_rw;
TEST(UnwindDead, AnRWMutexReaderParkedInADestructorWithdraws) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler stranded_task_leaks;  // the Dead task's exception and handles: by design
#endif
  struct ReadsWhenDestroyed {
    ~ReadsWhenDestroyed() {
      g_dead_rw->lock_shared();
      g_dead_rw->unlock_shared();
    }
  };
  ccb::Config c;
  c.procs = 1;
  for (const bool writer_first : {false, true}) {
    ccb::RWMutex m;
    g_dead_rw = &m;
    ccb::Chan<int> block(0);
    std::atomic<int> started{0};
    ccb::run(c, [&] {
      auto writer = [&started, &m, block]() mutable {
        while (started < 1) ccb::yield();
        std::lock_guard l(m);
        started++;
        block.recv();
      };
      auto reader = [&started, block]() mutable {
        ReadsWhenDestroyed r;
        started++;
        block.recv();
      };
      if (writer_first) {
        ccb::go(writer);
        ccb::go(reader);
      } else {
        ccb::go(reader);
        ccb::go(writer);
      }
      while (started < 2) ccb::yield();
    });
    EXPECT_EQ(ccb::stats().tasks_abandoned, 2u);
    ccb::run(c, [&] {
      const bool ws = m.try_lock();
      if (ws) m.unlock();
      const bool rs = m.try_lock_shared();
      if (rs) m.unlock_shared();
      EXPECT_TRUE(ws) << "writer_first=" << writer_first;
      EXPECT_TRUE(rs) << "writer_first=" << writer_first;
      m.lock();  // a reader queued behind this writer must wait (no stray token lets it in)
      std::atomic<bool> in{false};
      ccb::go([&] {
        m.lock_shared();
        in = true;
        m.unlock_shared();
      });
      for (int i = 0; i < 10; ++i) ccb::yield();
      EXPECT_FALSE(in.load()) << "writer_first=" << writer_first;
      m.unlock();
      while (!in.load()) ccb::yield();
    });
  }
}

// Regression: a Once whose f was interrupted because its task was abandoned at the end of a run
// counted as done, so a later run's call() skipped f and the resource f sets up stayed unset
// (audit repro r09_once_unwind). f's own throw still counts as done (GoSemantics.OnceWhoseFThrowsIsDone).
TEST(UnwindOnce, AnFAbandonedAtTheEndOfARunDoesNotCountAsDone) {
  static ccb::Once once;
  static int ran = 0;
  ccb::Chan<int> block(0);
  std::atomic<int> started{0};
  ccb::run(ccb::Config{.procs = 1}, [&] {
    ccb::go([&, block]() mutable {
      once.call([&] {
        started.fetch_add(1);
        block.recv();  // main returns meanwhile: this task is abandoned inside f
        ++ran;
      });
    });
    while (started.load() < 1) ccb::yield();
  });
  EXPECT_FALSE(once.done());
  ccb::run(ccb::Config{.procs = 1}, [&] { once.call([&] { ran += 10; }); });
  EXPECT_EQ(ran, 10);
  EXPECT_TRUE(once.done());
}
