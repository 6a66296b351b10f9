// ccb/detail/task_api.hpp — what the header-only primitives (Chan<T>, select) need from the
// scheduler: spawning, parking and readying tasks, the wait-queue node (Go's sudog) and the
// spin lock that guards channel state. Not API: use <ccb/runtime.hpp>.
//
// The park/ready protocol (mirrors Go's gopark/goready):
//  - A task that must wait puts a Waiter for itself on a wait queue while holding the lock that
//    guards that queue, then calls park(unlock, arg, …). park() saves the task's context, switches
//    to another task and only THEN calls unlock(arg) on the new context. So whoever takes the
//    waiter off the queue (under the same lock) can ready() the task without racing its switch.
//  - ready(t) makes a parked task runnable exactly once. It may be called from any task, and from
//    a thread outside the run (a std::thread closing a channel or cancelling a context) while the
//    task's run is in progress.
//  - A task resumed from park() may be on a different worker thread than before.
// Concurrency: Waiter fields are guarded by the lock of the queue the waiter is on, except
// SelectState::done, which is claimed by CAS so that only one channel wins a select.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "ccb/detail/chaos_point.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CCB_CPU_RELAX() _mm_pause()
#else
#define CCB_CPU_RELAX() ((void)0)
#endif

namespace ccb::detail {

struct Task;

// WaitReason: what a parked task waits on, for the deadlock report and the stress task dump.
enum class WaitReason : uint8_t {
  None, ChanSend, ChanRecv, Select, SelectNoCases, NilChanSend, NilChanRecv, Mutex, RWMutexRead,
  RWMutexWrite, WaitGroup, Cond, Sleep, Timer, Once, Sema
};
const char* wait_reason_name(WaitReason r) noexcept;

// spin_wait() is one step of the runtime's busy-wait: a CPU pause for the first 64 steps of a
// wait, then a thread yield, so that a preempted holder can run when workers outnumber cores.
inline void spin_wait(unsigned& spins) noexcept {
  if (spins < 64) {
    CCB_CPU_RELAX();
    ++spins;
  } else {
    std::this_thread::yield();
  }
}

// tl_lock_contention counts this thread's contended SpinLock acquisitions (the slow path). A
// worker compares it before and after running tasks it stole: when they kept finding locks held
// by the victim's tasks, the steal moved work that fights over the same data to a second core
// (runtime/src/steal_backoff.hpp).
inline thread_local uint32_t tl_lock_contention = 0;

// SpinLock: test-and-test-and-set lock for short critical sections (channel state, wait queues).
// Spins with a CPU pause, then yields the thread so that a preempted holder can run (important
// when workers outnumber cores). Never held across park() — park releases it on the next context.
class SpinLock {
 public:
  void lock() noexcept {
    if (!flag_.exchange(true, std::memory_order_acquire)) return;
    lock_slow();
  }
  bool try_lock() noexcept {
    return !flag_.load(std::memory_order_relaxed) && !flag_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { flag_.store(false, std::memory_order_release); }
  static void unlock_fn(void* self) noexcept { static_cast<SpinLock*>(self)->unlock(); }

 private:
  // Out of line: the callers' fast paths stay one exchange and a branch.
  [[gnu::noinline]] void lock_slow() noexcept {
    ++tl_lock_contention;
    for (unsigned spins = 0;; ++spins) {
      while (flag_.load(std::memory_order_relaxed)) spin_wait(spins);
      if (!flag_.exchange(true, std::memory_order_acquire)) return;
    }
  }
  std::atomic<bool> flag_{false};
};

struct Waiter;

// SelectState: shared by the waiters of one blocked select. The first channel operation that
// claims `done` (false -> true) completes the select and records its waiter in `fired`.
struct SelectState {
  std::atomic<bool> done{false};
  Waiter* fired = nullptr;  // written by the claimer before ready(), read by the select task after
};

// Waiter: one task waiting in one queue (Go's sudog). Lives on the waiting task's stack.
struct Waiter {
  Task* task = nullptr;
  void* elem = nullptr;        // send: T* value to take; recv: std::optional<T>* slot to fill
  SelectState* sel = nullptr;  // non-null when part of a select
  Waiter* next = nullptr;
  Waiter* prev = nullptr;
  int case_index = 0;          // select case this waiter belongs to
  bool queued = false;         // on a queue now
  bool success = false;        // true: the operation happened; false: woken by close
  bool woken = false;          // Mutex: woken in normal mode, owns the mutex's kWoken bit
  int64_t ticket = 0;          // free for the owner primitive (e.g. mutex wait start time)
};

// WaitQueue: intrusive FIFO of waiters. Guarded by the owner's lock.
class WaitQueue {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  void push_back(Waiter* w) noexcept {
    w->next = nullptr;
    w->prev = tail_;
    if (tail_) tail_->next = w; else head_ = w;
    tail_ = w;
    w->queued = true;
  }
  void push_front(Waiter* w) noexcept {
    w->prev = nullptr;
    w->next = head_;
    if (head_) head_->prev = w; else tail_ = w;
    head_ = w;
    w->queued = true;
  }
  // remove() unlinks w if it is still queued here (a select may already have been dequeued).
  void remove(Waiter* w) noexcept {
    if (!w->queued) return;
    if (w->prev) w->prev->next = w->next; else head_ = w->next;
    if (w->next) w->next->prev = w->prev; else tail_ = w->prev;
    w->next = w->prev = nullptr;
    w->queued = false;
  }
  Waiter* front() const noexcept { return head_; }
  // detach_all() unlinks every waiter (queued becomes false). The owner's destructor calls it:
  // only the waiters of tasks abandoned at the end of a run can still be queued then, and each
  // of them tests `queued` as it is unwound, so it does not reach back into a destroyed owner.
  void detach_all() noexcept {
    while (head_ != nullptr) remove(head_);
  }
  // dequeue() pops the first waiter that can still be woken: a select waiter is skipped (and
  // dropped) when its select was already completed by another channel (Go: selectDone CAS).
  Waiter* dequeue() noexcept {
    while (Waiter* w = head_) {
      remove(w);
      if (w->sel != nullptr) {
        bool expected = false;
        if (!w->sel->done.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) continue;
        w->sel->fired = w;
      }
      return w;
    }
    return nullptr;
  }

 private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

// OwnedWaitQueue: the wait queue a primitive owns (a channel's, a Mutex's...). Its destructor
// unlinks whatever waiters are left (detach_all).
class OwnedWaitQueue : public WaitQueue {
 public:
  OwnedWaitQueue() = default;
  OwnedWaitQueue(const OwnedWaitQueue&) = delete;
  OwnedWaitQueue& operator=(const OwnedWaitQueue&) = delete;
  ~OwnedWaitQueue() { detach_all(); }
};

// current_task() returns the running task, or nullptr outside tasks.
Task* current_task() noexcept;
// current_task_unwinding() is true while an abandoned task is being unwound at shutdown.
bool current_task_unwinding() noexcept;

// park() suspends the current task until ready() is called for it; see the protocol above.
// `unlock(arg)` runs after the switch (may be null). Throws NotInTask outside a task.
void park(void (*unlock)(void*) noexcept, void* arg, WaitReason reason, const void* obj);
// park_on_queue() is park(&SpinLock::unlock_fn, &lock, reason, obj) for a task queued as `me` on
// q under `lock`. If the task is being unwound at the end of the run and parks here inside a
// destructor, it is never resumed (it becomes Dead, see ccb/run.hpp): the unwinding then takes
// `me` off q under `lock`, so no later operation on q finds it. A primitive that keeps state of
// its own about its queue must tolerate that removal (Mutex: kWaiters over an empty queue).
void park_on_queue(SpinLock& lock, WaitQueue& q, Waiter& me, WaitReason reason, const void* obj);
// park_withdrawable() is park() for a task queued on several queues (select): in the same case,
// the unwinding calls withdraw(arg) (after unlock(arg)), which must take every waiter of the task
// off its queue.
void park_withdrawable(void (*unlock)(void*) noexcept, void* arg, WaitReason reason, const void* obj,
                       void (*withdraw)(void*) noexcept);

// park_queued() parks the current task, queued as `me` on q under `lock` (which the caller holds
// and park releases). If the task is unwound instead of woken (abandoned at the end of the run,
// park throws), `me` -- on the stack being unwound -- leaves q before the exception goes on,
// unless q's owner was destroyed first and unlinked it (OwnedWaitQueue).
inline void park_queued(SpinLock& lock, WaitQueue& q, Waiter& me, WaitReason reason, const void* obj) {
  try {
    park_on_queue(lock, q, me, reason, obj);
  } catch (...) {
    if (me.queued) {
      lock.lock();
      q.remove(&me);
      lock.unlock();
    }
    throw;
  }
}

// ready() makes a parked task runnable: on a worker, it goes in that worker's runnext slot; from a
// thread that is no worker, on its run's global queue, and an idle worker is woken for it.
void ready(Task* t) noexcept;

// WokenList: waiters already taken off their queue (queued false), linked through `next` only, to
// be readied after the owner's lock is released. It is not a WaitQueue on purpose: a waiter on it
// must not look queued. If the run ends before a woken task resumes, the task is unwound, and an
// unwinding waiter that looks queued takes itself off its owner's real queue (park_queued,
// select's withdraw_all) through links of this list: that left a WaitGroup's queue with a null
// head and a tail at a dead task's waiter, and the next run's wait() wrote through it.
class WokenList {
 public:
  void push_back(Waiter* w) noexcept {
    w->next = nullptr;
    if (tail_) tail_->next = w; else head_ = w;
    tail_ = w;
  }
  Waiter* front() const noexcept { return head_; }
  // append() moves o's waiters to the end of this list.
  void append(WokenList&& o) noexcept {
    if (o.head_ == nullptr) return;
    if (tail_) tail_->next = o.head_; else head_ = o.head_;
    tail_ = o.tail_;
    o.head_ = o.tail_ = nullptr;
  }

 private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

// take_all() moves every wakeable waiter of q into a WokenList (call under q's lock).
inline WokenList take_all(WaitQueue& q) noexcept {
  WokenList woken;
  while (Waiter* w = q.dequeue()) woken.push_back(w);
  return woken;
}

// ready_several() readies first and every waiter linked after it (task_ops.cpp). From a thread
// that is no worker it queues them all at once, under the run's queue lock: readied one by one,
// the first could be main, whose return ends the run and frees the tasks still to be readied.
void ready_several(Waiter* first) noexcept;
// on_worker() is true on a worker thread of the run in progress (in a task or not).
bool on_worker() noexcept;

// ready_all() readies every waiter of a list made by take_all() (call after unlocking).
// Each waiter lives on its task's stack, so its link is read before its task is readied.
inline void ready_all(const WokenList& woken) noexcept {
  Waiter* w = woken.front();
  if (w == nullptr) return;
  if (w->next == nullptr) return ready(w->task);
  ready_several(w);
}

// new_task() allocates a task with `size` bytes of `align`-aligned storage for its closure;
// *storage receives the address. With a non-null `relocate` (move-construct the closure at `to`
// and destroy it at `from`, without throwing) a small closure may be stored in a Task slot and
// moved onto the task's stack when it first runs; otherwise it is built at the top of a stack
// taken now. Throws NotInTask outside a task, std::bad_alloc, std::length_error.
Task* new_task(std::size_t size, std::size_t align, void (*relocate)(void*, void*) noexcept, void** storage);
// spawn() makes a task created by new_task() runnable; it will run invoke(obj) then destroy(obj).
void spawn(Task* t, void (*invoke)(void*), void (*destroy)(void*) noexcept, void* obj) noexcept;
// discard_task() returns an unspawned task's slot or stack (closure construction threw).
void discard_task(Task* t) noexcept;

// fast_rand() returns a per-worker pseudo-random number (select's random choice); on a thread that
// is no worker, from a per-thread state seeded from the thread id and the clock.
uint32_t fast_rand() noexcept;

}  // namespace ccb::detail
