// tests/runtime/mutex_destroy_test.cpp — destroying a ccb::RWMutex or ccb::Mutex while the unlock
// that freed it has not returned ("Destruction" in ccb/rw_mutex.hpp and ccb/mutex.hpp): the
// destructor waits for that call's tail. A test hook (detail::g_rw_tail_hook_for_tests,
// detail::g_mutex_tail_hook_for_tests) holds the tail open for 20 ms right after the release;
// meanwhile another task gets the lock, releases it and destroys the mutex, and the destructor
// must return only after the hook has. Without the wait, a CI run (TSan) saw a reader's tail read
// an RWMutex destroyed under it and throw "sync: RUnlock of unlocked RWMutex"
// (RWMutexTest.RUnlockWhileWriteLockedThrowsAndChangesNothing/procs12_fenced).
// The mutex lives in storage that outlives the test, so a failing run reads no freed memory.
#include <gtest/gtest.h>

#include <atomic>
#include <ccb/debug.hpp>
#include <ccb/runtime.hpp>
#include <chrono>
#include <cstring>
#include <new>
#include <string>
#include <thread>

namespace {

std::atomic<bool> g_armed{false};
std::atomic<int> g_calls{0};
std::atomic<bool> g_returned{false};

void slow_tail() {  // the first tail after g_armed is set, only
  if (!g_armed.exchange(false)) return;
  g_calls.fetch_add(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  g_returned.store(true);
}

class RWMutexDestroyTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    g_armed = false;
    g_calls = 0;
    g_returned = false;
    ccb::detail::g_rw_tail_hook_for_tests = &slow_tail;
    ccb::detail::g_mutex_tail_hook_for_tests = &slow_tail;
  }
  void TearDown() override {
    ccb::detail::g_rw_tail_hook_for_tests = nullptr;
    ccb::detail::g_mutex_tail_hook_for_tests = nullptr;
    ccb::detail::set_rw_plain_unlock_for_tests(true);
  }
  void run(std::function<void()> f) {
    ccb::Config c;
    c.procs = GetParam();
    ccb::run(c, std::move(f));
  }
  alignas(ccb::RWMutex) unsigned char storage_[sizeof(ccb::RWMutex)];
};
using MutexDestroyTest = RWMutexDestroyTest;
using CondDestroyTest = RWMutexDestroyTest;

std::string procs_name(const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); }
INSTANTIATE_TEST_SUITE_P(, RWMutexDestroyTest, ::testing::Values(1, 2, 8), procs_name);
// At procs 1 the hook holds the only worker, so nothing else runs during the tail: 2 and 8.
INSTANTIATE_TEST_SUITE_P(, MutexDestroyTest, ::testing::Values(2, 8), procs_name);
INSTANTIATE_TEST_SUITE_P(, CondDestroyTest, ::testing::Values(1, 2, 8), procs_name);

// The read lock is released from another thread than the one that took it (runlock_remote(),
// counted in leavers_); the writer is a try_lock() loop, which succeeds during the tail.
TEST_P(RWMutexDestroyTest, ARemoteUnlockSharedStillRunningIsWaitedFor) {
  run([this] {
    auto* rw = new (storage_) ccb::RWMutex;
    rw->lock_shared();
    g_armed = true;
    std::thread releaser([rw] { rw->unlock_shared(); });
    while (!rw->try_lock()) ccb::yield();
    rw->unlock();
    rw->~RWMutex();
    EXPECT_TRUE(g_returned.load()) << "~RWMutex() returned while unlock_shared() was still running";
    releaser.join();
    EXPECT_EQ(g_calls.load(), 1);
  });
}

// The read lock is released on the slot that counted it, with a writer pending (slot_left(): the
// slot's odd `out`). The writer polls (membarrier refused), so it gets in during the tail rather
// than waiting for the tail to wake it.
TEST_P(RWMutexDestroyTest, AnUnlockSharedOnItsOwnSlotStillRunningIsWaitedFor) {
  ccb::detail::set_rw_plain_unlock_for_tests(true, /*refuse_barrier=*/true);
  run([this] {
    auto* rw = new (storage_) ccb::RWMutex;
    std::atomic<bool> held{false};
    std::thread reader([rw, &held] {
      rw->lock_shared();
      held = true;
      while (rw->try_lock_shared()) rw->unlock_shared();  // until the writer is pending
      g_armed = true;
      rw->unlock_shared();  // kWriter is set and stays set until this release
    });
    while (!held.load()) ccb::yield();
    rw->lock();
    rw->unlock();
    rw->~RWMutex();
    EXPECT_TRUE(g_returned.load()) << "~RWMutex() returned while unlock_shared() was still running";
    reader.join();
    EXPECT_EQ(g_calls.load(), 1);
  });
}

// A Mutex unlocked with a waiter queued: while the unlock's tail runs (hook), another task takes
// the free lock and releases it; the waiter then gets it, releases it, and the mutex is destroyed.
// Before the fix the second unlock woke the waiter itself and the destructor ran during the tail.
TEST_P(MutexDestroyTest, AnUnlockWakingAWaiterStillRunningIsWaitedFor) {
  run([this] {
    auto* mu = new (storage_) ccb::Mutex;
    mu->lock();
    ccb::Chan<int> waiter_done(1), checked(1);
    ccb::go([mu, waiter_done]() mutable {
      mu->lock();
      mu->unlock();
      waiter_done.send(1);
    });
    while (ccb::debug::dump_tasks().find("sync.Mutex.Lock") == std::string::npos) ccb::yield();
    ccb::go([mu, waiter_done, checked]() mutable {
      while (g_calls.load() == 0) ccb::yield();  // the first unlock is in its tail
      mu->lock();
      mu->unlock();
      waiter_done.recv();
      mu->~Mutex();
      EXPECT_TRUE(g_returned.load()) << "~Mutex() returned while unlock() was still running";
      checked.send(1);
    });
    g_armed = true;
    mu->unlock();  // a waiter is queued: the tail (and the hook) run here
    checked.recv();
    EXPECT_EQ(g_calls.load(), 1);
  });
}

// A Cond destroyed right after broadcast(), its waiters not yet back from wait() (allowed, as in
// POSIX). Its storage is then filled with the address of a decoy Mutex: a waiter that read the
// Cond after its wake-up would relock the decoy, not its own mutex (helper-82's review found
// Cond::wait reading its mutex reference from the Cond after parking).
TEST_P(CondDestroyTest, BroadcastThenDestroyWhileTheWaitersReturn) {
  run([] {
    ccb::Mutex mu, decoy;
    alignas(ccb::Cond) unsigned char buf[sizeof(ccb::Cond)];
    auto* cv = new (buf) ccb::Cond(mu);
    bool ready = false;  // guarded by mu
    int woke = 0;        // guarded by mu
    constexpr int kWaiters = 3;
    ccb::WaitGroup wg;
    wg.add(kWaiters);
    for (int i = 0; i < kWaiters; ++i) {
      ccb::go([&] {
        mu.lock();
        while (!ready) cv->wait();
        ++woke;
        mu.unlock();
        wg.done();
      });
    }
    auto waiting = [] {
      const std::string d = ccb::debug::dump_tasks();
      int n = 0;
      for (size_t p = d.find("sync.Cond.Wait"); p != std::string::npos; p = d.find("sync.Cond.Wait", p + 1)) ++n;
      return n;
    };
    while (waiting() < kWaiters) ccb::yield();
    mu.lock();
    ready = true;
    cv->broadcast();
    cv->~Cond();
    ccb::Mutex* const d = &decoy;
    for (size_t i = 0; i + sizeof d <= sizeof buf; i += sizeof d) std::memcpy(buf + i, &d, sizeof d);
    mu.unlock();
    wg.wait();
    EXPECT_EQ(woke, kWaiters);
    EXPECT_TRUE(decoy.try_lock()) << "a woken waiter locked the mutex read from the destroyed Cond";
  });
}

}  // namespace
