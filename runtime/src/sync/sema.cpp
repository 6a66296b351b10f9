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

namespace {
// DeadPark: the arguments of a park whose owner wants a say when the task is left Dead.
struct DeadPark {
  SpinLock* lock;
  WaitQueue* q;
  Waiter* me;
  void (*on_dead)(void*) noexcept;
  void* dead_arg;
};
void dead_park_unlock(void* arg) noexcept { static_cast<DeadPark*>(arg)->lock->unlock(); }
void dead_park_withdraw(void* arg) noexcept {
  auto* p = static_cast<DeadPark*>(arg);
  p->lock->lock();
  p->q->remove(p->me);
  p->lock->unlock();
  p->on_dead(p->dead_arg);
}
}  // namespace

void Sema::acquire(WaitReason reason, int* unwound, void (*on_dead)(void*) noexcept, void* dead_arg) {
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
    if (on_dead == nullptr) {
      park_on_queue(lock_, waiters_, me, reason, this);
    } else {
      DeadPark dp{&lock_, &waiters_, &me, on_dead, dead_arg};
      park_withdrawable(&dead_park_unlock, &dp, reason, this, &dead_park_withdraw);
    }
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

void Sema::release(uint32_t n) {
  if (n == 0) return;
  WokenList woken;
  lock_.lock();
  for (; n > 0; --n) {
    Waiter* w = waiters_.dequeue();
    if (w == nullptr) break;
    w->success = true;  // as in release()
    woken.push_back(w);
  }
  if (n > 0) count_.fetch_add(n, std::memory_order_release);
  lock_.unlock();
  ready_all(woken);
}

}  // namespace ccb::detail
