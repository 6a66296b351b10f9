// tests/runtime/rw_mutex_destroy_test.cpp — destroying a ccb::RWMutex while the unlock_shared()
// that freed it has not returned (ccb/rw_mutex.hpp, "Destruction"): the destructor waits for that
// call's tail. A test hook (detail::g_rw_tail_hook_for_tests) holds the tail open for 20 ms right
// after the release; meanwhile a writer sees the mutex free, gets in, unlocks and destroys it, and
// the destructor must return only after the hook has. Without the wait, a CI run (TSan) saw a
// reader's tail read a mutex destroyed under it and throw "sync: RUnlock of unlocked RWMutex"
// (RWMutexTest.RUnlockWhileWriteLockedThrowsAndChangesNothing/procs12_fenced).
// The mutex lives in storage that outlives the test, so a failing run reads no freed memory.
#include <gtest/gtest.h>

#include <atomic>
#include <ccb/runtime.hpp>
#include <chrono>
#include <new>
#include <string>
#include <thread>

namespace {

std::atomic<bool> g_armed{false};
std::atomic<int> g_calls{0};
std::atomic<bool> g_returned{false};

void slow_tail() {
  if (!g_armed.load()) return;
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
  }
  void TearDown() override {
    ccb::detail::g_rw_tail_hook_for_tests = nullptr;
    ccb::detail::set_rw_plain_unlock_for_tests(true);
  }
  void run(std::function<void()> f) {
    ccb::Config c;
    c.procs = GetParam();
    ccb::run(c, std::move(f));
  }
  alignas(ccb::RWMutex) unsigned char storage_[sizeof(ccb::RWMutex)];
};

INSTANTIATE_TEST_SUITE_P(, RWMutexDestroyTest, ::testing::Values(1, 2, 8),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

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

}  // namespace
