// runtime/src/sync/cond.cpp — see ccb/cond.hpp.
#include "ccb/cond.hpp"

#include "ccb/errors.hpp"

namespace ccb {

void Cond::wait() {
  detail::Waiter me;
  me.task = detail::current_task();
  if (me.task == nullptr) throw NotInTask("sync.Cond.Wait");
  lock_.lock();
  waiters_.push_back(&me);
  try {
    m_.unlock();  // may throw UnlockOfUnlockedMutex: then we are not waiting
  } catch (...) {
    waiters_.remove(&me);
    lock_.unlock();
    throw;
  }
  // Once woken, the Cond may already be destroyed (a broadcast() then destroying it is allowed,
  // as in POSIX): relock through a copy of the reference taken before parking.
  Mutex& m = m_;
  detail::park_queued(lock_, waiters_, me, detail::WaitReason::Cond, this);
  m.lock();
}

void Cond::signal() {
  lock_.lock();
  detail::Waiter* w = waiters_.dequeue();
  detail::Task* t = w != nullptr ? w->task : nullptr;
  lock_.unlock();
  if (t != nullptr) detail::ready(t);
}

void Cond::broadcast() {
  lock_.lock();
  detail::WokenList woken = detail::take_all(waiters_);
  lock_.unlock();
  detail::ready_all(woken);
}

}  // namespace ccb
