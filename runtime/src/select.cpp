// runtime/src/select.cpp — the select core (Go 1.19 runtime/select.go: selectgo), over
// type-erased cases (ccb/select.hpp). Structured in Go's passes:
//   pass 0: a random poll order and a lock order by channel address (duplicates locked once);
//   fast path (not in Go): try each case in poll order holding only its own channel's lock; the
//     first that proceeds is chosen (the same choice pass 1 would make). Measured with select
//     channels=4 cap=64 procs=1: locking all four channels per message was ~26% of the time;
//   pass 1: with all locks held, look for a case that can proceed now (poll order), else default
//     (so "none ready" and the default case are decided on one atomic snapshot, as in Go);
//   pass 2: enqueue a waiter on every channel and park (locks released after the switch);
//   pass 3: after wake-up, withdraw the waiters that did not fire.
#include <algorithm>
#include <functional>
#include <memory>

#include "ccb/select.hpp"

namespace ccb::detail {

namespace {

void unlock_all(SpinLock** locks, int n) noexcept {
  for (int i = n - 1; i >= 0; --i) locks[i]->unlock();
}

// LockSet: the blocked select's locks (released by park after the switch) and, for
// withdraw_all(), its waiters.
struct LockSet {
  SpinLock** locks;
  int n;
  const SelectCaseDesc* cases;
  const int* poll;
  int np;
  Waiter* waiters;
};

void unlock_set(void* arg) noexcept {
  auto* ls = static_cast<LockSet*>(arg);
  unlock_all(ls->locks, ls->n);
}

// withdraw_all() takes the select's waiters off every queue still holding one (a channel
// destroyed first has unlinked its own; see WaitQueue): when it is unwound, and when the
// unwinding leaves it Dead (parked inside a destructor, see park_withdrawable).
void withdraw_all(void* arg) noexcept {
  auto* ls = static_cast<LockSet*>(arg);
  for (int k = 0; k < ls->np; ++k) {
    const SelectCaseDesc& c = ls->cases[ls->poll[k]];
    Waiter& w = ls->waiters[ls->poll[k]];
    if (!w.queued) continue;
    c.lock->lock();
    c.queue(c.state, c.is_send).remove(&w);
    c.lock->unlock();
  }
}

}  // namespace

int select_core(SelectCaseDesc* cases, int n, bool has_default) {
  CCB_CHAOS_POINT(Select);
  constexpr int kInline = 16;
  int poll_inline[kInline];
  SpinLock* locks_inline[kInline];
  // Waiters are constructed only when the select blocks (pass 2): zeroing 16 of them on every
  // call was ~10% of select channels=4 cap=64 procs=1.
  alignas(Waiter) unsigned char waiters_raw[kInline * sizeof(Waiter)];
  std::unique_ptr<int[]> poll_heap;
  std::unique_ptr<SpinLock*[]> locks_heap;
  std::unique_ptr<unsigned char[]> waiters_heap;
  int* poll = poll_inline;
  SpinLock** locks = locks_inline;
  unsigned char* waiters_mem = waiters_raw;
  if (n > kInline) {
    poll_heap.reset(new int[static_cast<std::size_t>(n)]);
    locks_heap.reset(new SpinLock*[static_cast<std::size_t>(n)]);
    // operator new[] aligns to __STDCPP_DEFAULT_NEW_ALIGNMENT__ >= alignof(Waiter).
    static_assert(alignof(Waiter) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    waiters_heap.reset(new unsigned char[static_cast<std::size_t>(n) * sizeof(Waiter)]);
    poll = poll_heap.get();
    locks = locks_heap.get();
    waiters_mem = waiters_heap.get();
  }
  Waiter* waiters = reinterpret_cast<Waiter*>(waiters_mem);

  // Pass 0: poll order (Fisher–Yates over non-nil cases) from one draw of the worker's generator.
  uint64_t rnd = (static_cast<uint64_t>(fast_rand()) << 1) | 1;
  int np = 0;
  for (int i = 0; i < n; ++i) {
    if (cases[i].state == nullptr) continue;
    rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
    // j uniform in [0, np] by multiply-shift (Go's fastrandn), not `%`: a 64-bit `div` per case
    // was ~8% of select channels=4 cap=0 procs=1's samples. Bias below (np + 1) / 2^32.
    int j = static_cast<int>(((rnd >> 32) * static_cast<uint64_t>(np + 1)) >> 32);
    poll[np] = poll[j];
    poll[j] = i;
    ++np;
  }
  if (np == 0) {
    if (has_default) return -1;
    park(nullptr, nullptr, WaitReason::SelectNoCases, nullptr);  // forever
    return -1;
  }

  // Fast path: one channel lock at a time.
  for (int k = 0; k < np; ++k) {
    SelectCaseDesc& c = cases[poll[k]];
    Task* wake = nullptr;
    c.lock->lock();
    int r = c.try_op(c.state, c.elem, &wake);
    c.lock->unlock();
    if (r == 0) continue;
    if (r == 2) throw SendOnClosedChannel();
    if (wake != nullptr) ready(wake);
    return poll[k];
  }

  int nl = 0;
  for (int k = 0; k < np; ++k) locks[nl++] = cases[poll[k]].lock;
  // Insertion sort (n is small) holding the moving lock in a register: written with swaps, GCC
  // made each swap a 16-byte load of the pair the previous step had just stored, a load the CPU
  // cannot forward from those stores (~7% of select channels=4 cap=0 procs=1's samples).
  for (int i = 1; i < nl; ++i) {
    SpinLock* const key = locks[i];
    int j = i;
    for (; j > 0 && std::less<SpinLock*>()(key, locks[j - 1]); --j) locks[j] = locks[j - 1];
    locks[j] = key;
  }
  nl = static_cast<int>(std::unique(locks, locks + nl) - locks);
  for (int i = 0; i < nl; ++i) locks[i]->lock();

  // Pass 1: anything ready now?
  for (int k = 0; k < np; ++k) {
    SelectCaseDesc& c = cases[poll[k]];
    Task* wake = nullptr;
    int r = c.try_op(c.state, c.elem, &wake);
    if (r == 0) continue;
    unlock_all(locks, nl);
    if (r == 2) throw SendOnClosedChannel();
    if (wake != nullptr) ready(wake);
    return poll[k];
  }
  if (has_default) {
    unlock_all(locks, nl);
    return -1;
  }
  Task* self = current_task();
  if (self == nullptr) {
    unlock_all(locks, nl);
    throw NotInTask("select");
  }

  // Pass 2: enqueue on every channel, in poll order (all their locks are held: the order only
  // decides which waiter of this select a channel meets first; Go enqueues in lock order).
  SelectState st;
  for (int k = 0; k < np; ++k) {
    int i = poll[k];
    Waiter& w = *::new (&waiters[i]) Waiter();
    w.task = self;
    w.elem = cases[i].elem;
    w.sel = &st;
    w.case_index = i;
    w.success = false;
    cases[i].queue(cases[i].state, cases[i].is_send).push_back(&w);
  }
  LockSet ls{locks, nl, cases, poll, np, waiters};
  try {
    park_withdrawable(&unlock_set, &ls, WaitReason::Select, nullptr, &withdraw_all);
  } catch (...) {
    // Unwound at the end of the run: the waiters live on this stack and must leave every queue.
    withdraw_all(&ls);
    throw;
  }

  // Pass 3: withdraw the waiters that did not fire.
  for (int i = 0; i < nl; ++i) locks[i]->lock();
  Waiter* fired = st.fired;
  for (int k = 0; k < np; ++k) {
    int i = poll[k];
    if (&waiters[i] != fired) cases[i].queue(cases[i].state, cases[i].is_send).remove(&waiters[i]);
  }
  unlock_all(locks, nl);
  if (!fired->success && cases[fired->case_index].is_send) throw SendOnClosedChannel();
  return fired->case_index;
}

}  // namespace ccb::detail
