// ccb/detail/sema.hpp — a counting semaphore for tasks (Go: runtime/sema.go semacquire /
// semrelease), used by RWMutex. FIFO wake-up. count_ is atomic for the uncontended acquire;
// waiters_ and every increment happen under lock_; every decrement is a CAS (the lock-free fast
// path and the locked slow path may race for the same token).
#pragma once

#include <atomic>
#include <cstdint>

#include "ccb/detail/task_api.hpp"

namespace ccb::detail {

class Sema {
 public:
  // acquire() takes a token, parking until release() hands one over. If the task is unwound
  // instead (abandoned at the end of the run: park() throws), its waiter leaves the queue and, when
  // `unwound` is given, *unwound tells the caller what it had when the exception left: kHanded (a
  // release() had already handed it a token, now the caller's), kWithdrawn (still queued, no
  // token), kOwnerGone (the Sema was destroyed first and unlinked it: touch nothing of its owner).
  // If instead the task parks here inside a destructor run by the end-of-run unwinding (it becomes
  // Dead, see ccb/run.hpp), its waiter leaves the queue and on_dead(dead_arg), when given, runs:
  // the token it waited for is never taken.
  static constexpr int kOwnerGone = -1, kWithdrawn = 0, kHanded = 1;
  void acquire(WaitReason reason, int* unwound = nullptr, void (*on_dead)(void*) noexcept = nullptr,
               void* dead_arg = nullptr);
  bool try_acquire() noexcept;
  void release();
  // release(n) is n release()s at once: the first n queued waiters get a token each (the rest go
  // to the count) and are readied together after unlocking (ready_all: from a plain thread, all
  // under the run's queue lock, so one of them that is main cannot end the run before the others
  // are readied).
  void release(uint32_t n);

 private:
  std::atomic<int64_t> count_{0};
  SpinLock lock_;
  OwnedWaitQueue waiters_;
};

}  // namespace ccb::detail
