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
  void acquire(WaitReason reason);
  void release();

 private:
  std::atomic<int64_t> count_{0};
  SpinLock lock_;
  OwnedWaitQueue waiters_;
};

}  // namespace ccb::detail
