// ccb/mutex.hpp — ccb::Mutex, Go's sync.Mutex (sync/mutex.go) for tasks.
//
// Guarantees (tests/runtime/mutex_test.cpp): mutual exclusion; a blocked lock() parks the task,
// never the worker; no waiter starves: in normal mode a woken waiter competes with newcomers
// (throughput), but a waiter that has waited more than 1 ms switches the mutex to starvation
// mode, where unlock() hands ownership directly to the queue head and newcomers queue behind it
// (Go's "Mutex fairness"); it returns to normal mode when the queue empties or the head waited
// less than 1 ms. unlock() of an unlocked mutex throws UnlockOfUnlockedMutex (Go: fatal error).
// Usable with std::lock_guard / std::unique_lock. Not owner-tracked: like Go, any task may unlock.
// Concurrency: state_ (locked/starving/woken/waiters bits) is atomic; the starving and waiters
// bits change only under qlock_; kWoken is set under qlock_ or by a WakeOne release's CAS (a
// claim) and cleared by the woken waiter's CAS; at most one woken waiter competes at a time (Go's
// mutexWoken); waiters_ is guarded by
// qlock_, and kWaiters is set exactly while it is non-empty (except after the end-of-run unwinding
// took a Dead task's waiter off the queue, see detail::park_on_queue: the next unlock that wakes
// finds the queue empty and clears kWaiters).
// Destruction: as for std::mutex, whoever saw the mutex free last may destroy it, even while the
// unlock() that freed it has not returned. An unlock with waiters queued takes qlock_ before its
// release and keeps it until its last access (wake-every), or claims its wake-up in the releasing
// CAS (WakeOne: the waiter it wakes is still to come); a starvation hand-off touches nothing once
// the new owner can run. ~Mutex() takes qlock_ once, which waits out such a tail.
// A waiter unwound at the end of a run gives back what an unlock had handed it (the lock itself
// in starvation mode, or the kWoken bit), so the Mutex can be used by a later run.
// A task queues only after a CAS that both sees the mutex held and sets kWaiters, so an unlock
// (one CAS on the same word) either frees the mutex before that CAS or sees kWaiters and wakes.
// Bits from kForeignShift up belong to the owner of an embedded Mutex (RWMutex keeps its queued
// readers there, so one word says "a writer holds the lock" for both); every operation here
// leaves them as they are. A plain Mutex never sets them.
#pragma once

#include <atomic>
#include <cstdint>

#include "ccb/detail/task_api.hpp"

namespace ccb {

// alignas(64): a Mutex owns its cache line. Without it, counter mode=mutex tasks=8 ran 36-39
// ns/op at procs 2 and 4 in one build and 12-13 in another (a neighbour on the line); aligned,
// that build gave 12.2-13.2 (`ccbench run counter --set mode=mutex --set tasks=8 --procs 2,4`).
class RWMutex;

namespace detail {
// Tests only: called in a wake-every unlock's tail right after its release, with qlock_ held (see
// Destruction); nullptr: none.
extern void (*g_mutex_tail_hook_for_tests)();
}  // namespace detail

class alignas(64) Mutex {
 public:
  Mutex() = default;
  ~Mutex();  // waits for an unlock's wake-up tail still running (see Destruction above)
  // Wake policy: a contended unlock() readies one waiter. By default it does so on every such
  // unlock. WakeOne is Go's mutexWoken rule: no wake-up while a woken waiter has yet to run, so
  // one waiter at a time competes (Go also skips it when the mutex was re-taken just after the
  // release; here the wake-up is decided in the releasing CAS, see Destruction). Semantics are the
  // same; only which tasks sit runnable differs. Measured with Go's full rule (scratch driver,
  // procs 2, ns per op; docs/performance-notes.md):
  // counter mode=mutex tasks=8 wake-every 12.6-22 / wake-one 30-44 (each woken waiter is stolen
  // by the idle worker and contends from there); counter mode=rwmutex tasks=8, whose writers
  // queue on this mutex, wake-every 20.7-22.7 / wake-one 13.2-14.1. RWMutex uses WakeOne.
  struct WakeOne {};
  explicit Mutex(WakeOne) noexcept : wake_one_(true) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // lock() blocks until the mutex is acquired. Throws NotInTask when it must block outside a task.
  void lock() { lock_as(detail::WaitReason::Mutex, this); }
  // try_lock() acquires without blocking; false if held (or in starvation mode).
  bool try_lock() noexcept {
    uint32_t s = state_.load(std::memory_order_relaxed);
    while (!(s & (kLocked | kStarving)))
      if (state_.compare_exchange_weak(s, s | kLocked, std::memory_order_seq_cst)) return true;  // as lock()
    return false;
  }
  // unlock() releases. Throws UnlockOfUnlockedMutex.
  void unlock() {
    uint32_t s = kLocked;  // held, no waiters: one CAS, as Go's Unlock is one atomic add
    if (state_.compare_exchange_strong(s, 0, std::memory_order_seq_cst)) [[likely]] return;
    unlock_seen(s);
  }

 private:
  static constexpr uint32_t kLocked = 1;
  static constexpr uint32_t kStarving = 2;
  static constexpr uint32_t kWoken = 4;  // a woken waiter is on its way to compete (Go: mutexWoken)
  static constexpr uint32_t kWaiters = 8;  // waiters_ is non-empty
  static constexpr int kForeignShift = 4;  // bits from here up: the embedding RWMutex's (above)
  friend class RWMutex;  // shares state_ (see above) and releases through hand_off(), wake_claimed()
  friend class Once;     // lock_as(): its callers wait as "sync.Once.Do"
  // lock_as() is lock() for a waiting task whose reason (the deadlock report's and dump_tasks()'s
  // text, NotInTask's) is `reason` and whose object waited on is `obj`: lock() passes
  // "sync.Mutex.Lock" and this Mutex, Once "sync.Once.Do" and itself.
  void lock_as(detail::WaitReason reason, const void* obj) {
    CCB_CHAOS_POINT(MutexLock);
    // One `lock bts`: it takes a free mutex whatever other bits are set (a woken or queued
    // waiter: normal mode lets a newcomer barge, as Go's slow path does) and changes nothing
    // when the mutex is held; kStarving implies kLocked, so it never barges in starvation mode.
    // Only the bit is tested, so GCC emits `lock bts` (using the whole old value, a CAS loop).
    // seq_cst (the same instruction on x86): RWMutex's readers and writers order their counts
    // against this bit in the single total order (rw_mutex.cpp's ordering argument).
    if (!(state_.fetch_or(kLocked, std::memory_order_seq_cst) & kLocked)) [[likely]] return;
    lock_slow(reason, obj);
  }
  void lock_slow(detail::WaitReason reason, const void* obj);  // lock_as() when the mutex was held
  void unlock_seen(uint32_t seen);  // unlock() when state_ was not exactly kLocked
  // unlock_waking(): wake-every unlock with waiters queued: releases and readies the queue head
  // under qlock_ (false: starvation mode began meanwhile, nothing done).
  bool unlock_waking();
  // hand_off(): in starvation mode, hands the held lock to the queue head and returns true; with
  // no waiter queued it only leaves starvation mode and returns false: the caller still holds the
  // lock and releases it the normal way.
  bool hand_off();
  // wake_claimed(): WakeOne only; the caller's release set kWoken with kWaiters set (Go's
  // mutexWoken, claimed in the same CAS): readies the queue head.
  void wake_claimed();

  std::atomic<uint32_t> state_{0};
  detail::SpinLock qlock_;
  detail::OwnedWaitQueue waiters_;  // guarded by qlock_
  const bool wake_one_ = false;
};

}  // namespace ccb
