// ccb/wait_group.hpp — ccb::WaitGroup, Go's sync.WaitGroup for tasks.
//
// Guarantees: wait() returns once the counter is zero (immediately if it is); every waiter is
// woken when add()/done() bring it to zero. A change that would make the counter negative throws
// NegativeWaitGroupCounter and leaves the counter unchanged. Go's two other best-effort panics
// ("WaitGroup misuse: Add called concurrently with Wait", "WaitGroup is reused before previous
// Wait has returned") have no counterpart: here the change to zero takes every waiter off the
// queue under lock_, in one step, so an add() racing it or a reuse right after it cannot confuse
// a waiter (it returns, having seen zero); neither is an error.
// Concurrency: count_ is atomic; waiters_ is guarded by lock_, and the transition to zero wakes
// under lock_ so that a waiter checking the counter under lock_ cannot miss it.
#pragma once

#include <atomic>
#include <cstdint>

#include "ccb/detail/task_api.hpp"

namespace ccb {

class WaitGroup {
 public:
  WaitGroup() = default;
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  // add() adds delta (may be negative). Throws NegativeWaitGroupCounter, or InvalidArgument
  // ("sync: WaitGroup counter overflow") for a counter that would pass INT64_MAX; either leaves
  // the counter unchanged.
  void add(int64_t delta);
  void done() { add(-1); }
  // wait() blocks until the counter is zero. Throws NotInTask when it must block outside a task.
  // Once it returns, no add()/done() call is still using the object: it may be destroyed.
  void wait();
  // count() is a snapshot; 0 does not mean the last done() has returned (call wait() before
  // destroying the WaitGroup).
  int64_t count() const noexcept { return count_.load(std::memory_order_acquire); }

 private:
  std::atomic<int64_t> count_{0};
  detail::SpinLock lock_;
  detail::OwnedWaitQueue waiters_;
};

}  // namespace ccb
