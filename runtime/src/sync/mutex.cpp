// runtime/src/sync/mutex.cpp — ccb::Mutex slow paths (see ccb/mutex.hpp).
#include "ccb/mutex.hpp"

#include "../timers.hpp"
#include "ccb/errors.hpp"
#include "ccb/run.hpp"

namespace ccb {

namespace detail {
void (*g_mutex_tail_hook_for_tests)() = nullptr;
}  // namespace detail

namespace {
// Go's starvationThresholdNs (sync/mutex.go): 1 ms.
constexpr int64_t kStarvationNs = 1000000;
// Spins before queueing when other workers could release the lock soon (Go: active_spin = 4).
constexpr int kActiveSpins = 4;
}  // namespace

void Mutex::lock_slow(detail::WaitReason reason, const void* obj) {
  // The fast path found the mutex held. It is retried after a pause of 30 pauses, up to
  // kActiveSpins times when other workers could release it; a free one is taken at once (the
  // pause measured the same as retrying at once: counter mode=mutex tasks=8 procs 2/4,
  // 13.3-21.6 ns/op both ways).
  const int spins = num_procs() > 1 ? kActiveSpins : 0;
  uint32_t s = kLocked;
  for (int i = 0;;) {
    if (!(s & (kLocked | kStarving))) {
      if (state_.compare_exchange_weak(s, s | kLocked, std::memory_order_acquire)) return;
      continue;
    }
    if ((s & kStarving) || i++ >= spins) break;
    for (int k = 0; k < 30; ++k) CCB_CPU_RELAX();
    s = state_.load(std::memory_order_relaxed);
  }
  detail::Waiter me;
  me.task = detail::current_task();
  int64_t start = 0;
  bool requeue = false;
  bool woken = false;  // unlock() woke us and set kWoken: we clear it, acquiring or requeueing
  // A task that will queue sets kWaiters in the same CAS that sees the mutex held, so an unlock
  // either comes first (and this loop sees the mutex free) or finds kWaiters and wakes a waiter.
  const uint32_t queue_bit = me.task != nullptr ? kWaiters : 0;
  for (;;) {
    qlock_.lock();
    if (start == 0) start = detail::now_ns();
    const bool starve = requeue && detail::now_ns() - start > kStarvationNs;
    uint32_t s = state_.load(std::memory_order_seq_cst);
    bool acquired = false;
    for (;;) {
      if (!(s & (kLocked | kStarving))) {
        const uint32_t want = (woken ? s & ~kWoken : s) | kLocked;
        if (state_.compare_exchange_weak(s, want, std::memory_order_seq_cst)) {
          acquired = true;
          break;
        }
        continue;
      }
      // Starvation mode is entered only while the mutex is held, so "starving" implies
      // "locked" and an unlock in starvation mode always has an owner to hand over from.
      uint32_t want = (woken ? s & ~kWoken : s) | queue_bit;
      if (starve && (s & kLocked) && !(s & kStarving)) want |= kStarving;
      if (want != s && !state_.compare_exchange_weak(s, want, std::memory_order_seq_cst)) continue;
      break;
    }
    if (acquired) {
      qlock_.unlock();
      return;
    }
    if (me.task == nullptr) {
      qlock_.unlock();
      throw NotInTask(detail::wait_reason_name(reason));
    }
    me.success = false;
    me.woken = false;
    me.ticket = start;
    if (requeue) waiters_.push_front(&me); else waiters_.push_back(&me);
    try {
      detail::park_on_queue(qlock_, waiters_, me, reason, obj);
    } catch (...) {
      // Unwound at the end of the run. park() throws even when an unlock had already taken `me`
      // off the queue and readied this task before the run ended; what that unlock gave it must
      // not be lost with the task, since the Mutex may be used by a later run:
      //  - still queued: `me` lives on this stack and must leave the queue (and kWaiters, which
      //    mirrors a non-empty queue, with it);
      //  - handed the lock (starvation mode, me.success): this task owns the mutex: release it;
      //  - woken with kWoken (WakeOne, me.woken): this task owns the kWoken bit: clear it, or no
      //    unlock would ever wake a waiter again.
      // Neither flag and not queued: the mutex was destroyed first and unlinked it (see
      // WaitQueue::detach_all); nothing of it may be touched.
      if (me.queued) {
        qlock_.lock();
        waiters_.remove(&me);
        if (waiters_.empty()) state_.fetch_and(~kWaiters, std::memory_order_seq_cst);
        qlock_.unlock();
      } else if (me.success) {
        unlock();
      } else if (me.woken) {
        state_.fetch_and(~kWoken, std::memory_order_seq_cst);
      }
      throw;
    }
    if (me.success) return;  // ownership handed over in starvation mode
    woken = me.woken;
    requeue = true;
  }
}

Mutex::~Mutex() {
  // An unlock's wake-up tail (unlock_waking) holds qlock_ from before its release to its last
  // access: whoever destroys the mutex saw that release, so taking qlock_ waits the tail out.
  qlock_.lock();
  qlock_.unlock();
}

void Mutex::unlock_seen(uint32_t s) {
  for (;;) {
    if (!(s & kLocked)) {
      // An abandoned task being unwound at shutdown may release a lock its interrupted
      // Cond::wait never re-acquired; that is not the caller's misuse.
      if (detail::current_task_unwinding()) return;
      throw UnlockOfUnlockedMutex();
    }
    if (s & kStarving) {
      if (hand_off()) return;
      s = state_.load(std::memory_order_seq_cst);  // no waiter: unlock the normal way
      continue;
    }
    if (!(s & kWaiters)) {
      if (state_.compare_exchange_weak(s, s & ~kLocked, std::memory_order_seq_cst)) return;
      continue;
    }
    if (wake_one_) {
      // Go's mutexWoken rule, decided in the release itself: wake one waiter unless a woken one
      // is still on its way to compete (it wakes no one else; when it requeues, the owner it lost
      // to wakes the next). One waiter at a time competes, so a hot lock does not ready a task on
      // every unlock for it to lose the race and park again. Claimed in the releasing CAS, the
      // wake-up is no tail: the waiter it wakes is still to come, so nobody can rightly destroy
      // the mutex before wake_claimed() has run.
      const bool wake = !(s & kWoken);
      if (state_.compare_exchange_weak(s, (s & ~kLocked) | (wake ? kWoken : 0u), std::memory_order_seq_cst)) {
        if (wake) wake_claimed();
        return;
      }
      continue;
    }
    if (unlock_waking()) return;
    s = state_.load(std::memory_order_seq_cst);  // starvation mode began, or another unlock came first
  }
}

bool Mutex::unlock_waking() {
  // qlock_ first: the release and the wake-up then form one tail that ~Mutex() waits for (another
  // unlock could otherwise wake the waiter this one saw, which could take the lock, release it and
  // destroy the mutex before this unlock touched qlock_). kStarving and kWaiters change only under
  // qlock_, so what is read here holds until the unlock below.
  qlock_.lock();
  uint32_t s = state_.load(std::memory_order_seq_cst);
  do {
    // Starvation began, or another unlock of the same lock came first (a misuse: the caller's
    // reload sees the mutex unlocked and throws, as unlock_seen() did before this took qlock_).
    if ((s & kStarving) || !(s & kLocked)) {
      qlock_.unlock();
      return false;
    }
  } while (!state_.compare_exchange_weak(s, s & ~kLocked, std::memory_order_seq_cst));
  if (detail::g_mutex_tail_hook_for_tests != nullptr) [[unlikely]] detail::g_mutex_tail_hook_for_tests();
  detail::Waiter* w = (s & kWaiters) ? waiters_.dequeue() : nullptr;
  // kWaiters mirrors !waiters_.empty() (also clearing it over a queue the end-of-run unwinding
  // emptied, see detail::park_on_queue).
  if ((s & kWaiters) && waiters_.empty()) state_.fetch_and(~kWaiters, std::memory_order_seq_cst);
  detail::Task* t = w != nullptr ? w->task : nullptr;
  qlock_.unlock();
  if (t != nullptr) detail::ready(t);
  return true;
}

bool Mutex::hand_off() {
  qlock_.lock();
  detail::Waiter* w = waiters_.dequeue();
  if (w == nullptr) {
    // Nobody queued: a waiter of a Dead task was taken off the queue by the end-of-run unwinding
    // (park_on_queue), which left kWaiters set over the empty queue: clear it here. The caller
    // keeps the lock.
    state_.fetch_and(~(kWaiters | kStarving), std::memory_order_seq_cst);
    qlock_.unlock();
    return false;
  }
  // The lock stays held and now belongs to w. Leave starvation mode when w is the last waiter or
  // did not wait long (Go: the same exit conditions).
  w->success = true;
  uint32_t clear = waiters_.empty() ? kWaiters : 0;  // kWaiters mirrors !waiters_.empty()
  if (waiters_.empty() || detail::now_ns() - w->ticket < kStarvationNs) clear |= kStarving;
  if (clear != 0) state_.fetch_and(~clear, std::memory_order_seq_cst);
  detail::Task* t = w->task;
  qlock_.unlock();
  detail::ready(t);  // w cannot run before this: the hand-off has no tail
  return true;
}

void Mutex::wake_claimed() {
  qlock_.lock();
  detail::Waiter* w = waiters_.dequeue();
  if (w == nullptr) {
    // kWaiters was left over an empty queue (see hand_off): give the claim back. Only there is
    // this a tail nothing waits for (no waiter to come): a mutex reused after an end-of-run
    // unwinding and destroyed right after this unlock's release; not otherwise reachable.
    state_.fetch_and(~(kWaiters | kWoken), std::memory_order_seq_cst);
    qlock_.unlock();
    return;
  }
  w->woken = true;  // it clears kWoken, acquiring or requeueing (lock_slow)
  if (waiters_.empty()) state_.fetch_and(~kWaiters, std::memory_order_seq_cst);
  detail::Task* t = w->task;
  qlock_.unlock();
  detail::ready(t);
}

}  // namespace ccb
