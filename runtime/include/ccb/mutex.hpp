// ccb/mutex.hpp — ccb::Mutex, Go's sync.Mutex (sync/mutex.go) for tasks.
//
// Guarantees (tests/runtime/mutex_test.cpp): mutual exclusion; a blocked lock() parks the task,
// never the worker; no waiter starves: in normal mode a woken waiter competes with newcomers
// (throughput), but a waiter that has waited more than 1 ms switches the mutex to starvation
// mode, where unlock() hands ownership directly to the queue head and newcomers queue behind it
// (Go's "Mutex fairness"); it returns to normal mode when the queue empties or the head waited
// less than 1 ms. unlock() of an unlocked mutex throws UnlockOfUnlockedMutex (Go: fatal error).
// Usable with std::lock_guard / std::unique_lock. Not owner-tracked: like Go, any task may unlock.
// Concurrency: state_ (locked/starving bits) is atomic; the starving bit changes only under
// qlock_; waiters_ is guarded by qlock_; nwait_ counts tasks in the slow path (Dekker pair with
// the unlocking CAS, both seq_cst, so an unlock never misses a waiter about to park).
#pragma once

#include <atomic>
#include <cstdint>

#include "ccb/detail/task_api.hpp"

namespace ccb {

class Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // lock() blocks until the mutex is acquired. Throws NotInTask when it must block outside a task.
  void lock() {
    CCB_CHAOS_POINT(MutexLock);
    uint32_t expected = 0;
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire)) return;
    lock_slow();
  }
  // try_lock() acquires without blocking; false if held (or in starvation mode).
  bool try_lock() noexcept {
    uint32_t expected = 0;
    return state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire);
  }
  // unlock() releases. Throws UnlockOfUnlockedMutex.
  void unlock();

 private:
  static constexpr uint32_t kLocked = 1;
  static constexpr uint32_t kStarving = 2;
  void lock_slow();
  void unlock_slow(bool starving);

  std::atomic<uint32_t> state_{0};
  std::atomic<uint32_t> nwait_{0};
  detail::SpinLock qlock_;
  detail::WaitQueue waiters_;  // guarded by qlock_
};

}  // namespace ccb
