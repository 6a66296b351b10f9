// ccb/cond.hpp — ccb::Cond, Go's sync.Cond over a ccb::Mutex.
//
// wait() atomically (with respect to signal/broadcast) unlocks the mutex and parks; it relocks
// before returning. signal() wakes the longest waiter, broadcast() all; both are no-ops with no
// waiter. As in Go, wake-ups are not tied to a condition: call wait() in a loop.
// Concurrency: waiters_ is guarded by lock_; a waiter is queued before the mutex is released,
// so a signal sent after the caller's unlock cannot be missed. A woken waiter touches nothing of
// the Cond (signal() and broadcast() ready it last): the Cond may be destroyed once every waiter
// has been woken, its waiters still returning from wait().
#pragma once

#include "ccb/detail/task_api.hpp"
#include "ccb/mutex.hpp"

namespace ccb {

class Cond {
 public:
  explicit Cond(Mutex& m) : m_(m) {}
  Cond(const Cond&) = delete;
  Cond& operator=(const Cond&) = delete;

  // wait() requires the mutex to be held by the caller.
  void wait();
  void signal();
  void broadcast();
  Mutex& mutex() noexcept { return m_; }

 private:
  Mutex& m_;
  detail::SpinLock lock_;
  detail::OwnedWaitQueue waiters_;
};

}  // namespace ccb
