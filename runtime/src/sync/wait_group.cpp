// runtime/src/sync/wait_group.cpp — see ccb/wait_group.hpp.
#include "ccb/wait_group.hpp"

#include "ccb/errors.hpp"

namespace ccb {

namespace {
// sum() is c + delta, or throws for a counter that would leave int64_t (c >= 0: only a huge
// positive delta can overflow; Go's int32 counter wraps and panics "negative WaitGroup counter").
int64_t sum(int64_t c, int64_t delta) {
  int64_t n;
  if (__builtin_add_overflow(c, delta, &n)) throw InvalidArgument("sync: WaitGroup counter overflow");
  return n;
}
}  // namespace

void WaitGroup::add(int64_t delta) {
  int64_t c = count_.load(std::memory_order_relaxed);
  for (;;) {
    const int64_t n = sum(c, delta);
    if (n < 0) throw NegativeWaitGroupCounter();
    if (n == 0 && delta != 0) break;  // releases waiters: done under lock_ (below)
    if (count_.compare_exchange_weak(c, n, std::memory_order_acq_rel)) return;
  }
  // The change to zero happens under lock_, and wait() returns only after taking lock_, so a
  // waiter that destroys the WaitGroup once wait() returns cannot race this call's last access
  // (the unlock): found by `ccbench stress` under TSan (a WaitGroup reused on the same stack slot).
  lock_.lock();
  c = count_.load(std::memory_order_relaxed);
  int64_t n;
  do {
    if (__builtin_add_overflow(c, delta, &n) || n < 0) {  // c may have changed since the check above
      lock_.unlock();
      if (n >= 0 || delta > 0) throw InvalidArgument("sync: WaitGroup counter overflow");
      throw NegativeWaitGroupCounter();
    }
  } while (!count_.compare_exchange_weak(c, n, std::memory_order_acq_rel));
  detail::WokenList woken;
  if (n == 0) woken = detail::take_all(waiters_);
  lock_.unlock();
  detail::ready_all(woken);
}

void WaitGroup::wait() {
  detail::Waiter me;
  me.task = detail::current_task();
  lock_.lock();
  if (count_.load(std::memory_order_acquire) == 0) {
    lock_.unlock();
    return;
  }
  if (me.task == nullptr) {
    lock_.unlock();
    throw NotInTask("sync.WaitGroup.Wait");
  }
  waiters_.push_back(&me);
  detail::park_queued(lock_, waiters_, me, detail::WaitReason::WaitGroup, this);
}

}  // namespace ccb
