// runtime/src/sync/sema.cpp — see ccb/detail/sema.hpp.
#include "ccb/detail/sema.hpp"

#include "ccb/errors.hpp"

namespace ccb::detail {

bool Sema::try_acquire() noexcept {
  int64_t c = count_.load(std::memory_order_relaxed);
  while (c > 0)
    if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire)) return true;
  return false;
}

void Sema::acquire(WaitReason reason, int* unwound) {
  int64_t c = count_.load(std::memory_order_relaxed);
  while (c > 0)
    if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire)) return;
  Waiter me;
  me.task = current_task();
  lock_.lock();
  // A CAS, not a load and a store: the lock-free fast path above may take the same token at the
  // same time (a store here once let two acquirers share one release, and RWMutex readers then
  // slipped past a writer until its reader count never reached zero: a deadlock in counter
  // mode=rwmutex procs=2, 5 of 20 runs).
  c = count_.load(std::memory_order_relaxed);
  while (c > 0) {
    if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire, std::memory_order_relaxed)) {
      lock_.unlock();
      return;
    }
  }
  if (me.task == nullptr) {
    lock_.unlock();
    throw NotInTask(wait_reason_name(reason));
  }
  waiters_.push_back(&me);
  try {
    park_on_queue(lock_, waiters_, me, reason, this);
  } catch (...) {
    // Unwound (see the header): leave the queue; report whether release() had handed a token.
    if (unwound != nullptr) *unwound = me.success ? kHanded : me.queued ? kWithdrawn : kOwnerGone;
    if (me.queued) {
      lock_.lock();
      waiters_.remove(&me);
      lock_.unlock();
    }
    throw;
  }
}

void Sema::release() {
  lock_.lock();
  Waiter* w = waiters_.dequeue();
  if (w == nullptr) {
    count_.fetch_add(1, std::memory_order_release);
    lock_.unlock();
    return;
  }
  w->success = true;  // the token is the waiter's (read by an unwound acquire())
  Task* t = w->task;
  lock_.unlock();
  ready(t);
}

}  // namespace ccb::detail
