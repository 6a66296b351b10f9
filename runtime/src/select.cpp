// runtime/src/select.cpp — the select core (Go 1.19 runtime/select.go: selectgo), over
// type-erased cases (ccb/select.hpp). Structured in Go's passes:
//   pass 0: a random poll order and a lock order by channel address (duplicates locked once);
//   pass 1: look for a case that can proceed now (poll order), else default;
//   pass 2: enqueue a waiter on every channel and park (locks released after the switch);
//   pass 3: after wake-up, withdraw the waiters that did not fire.
#include <algorithm>
#include <memory>

#include "ccb/select.hpp"

namespace ccb::detail {

namespace {

void unlock_all(SpinLock** locks, int n) noexcept {
  for (int i = n - 1; i >= 0; --i) locks[i]->unlock();
}

struct LockSet {
  SpinLock** locks;
  int n;
};

void unlock_set(void* arg) noexcept {
  auto* ls = static_cast<LockSet*>(arg);
  unlock_all(ls->locks, ls->n);
}

}  // namespace

int select_core(SelectCaseDesc* cases, int n, bool has_default) {
  CCB_CHAOS_POINT(Select);
  constexpr int kInline = 16;
  int poll_inline[kInline];
  SpinLock* locks_inline[kInline];
  Waiter waiters_inline[kInline];
  std::unique_ptr<int[]> poll_heap;
  std::unique_ptr<SpinLock*[]> locks_heap;
  std::unique_ptr<Waiter[]> waiters_heap;
  int* poll = poll_inline;
  SpinLock** locks = locks_inline;
  Waiter* waiters = waiters_inline;
  if (n > kInline) {
    poll_heap.reset(new int[static_cast<std::size_t>(n)]);
    locks_heap.reset(new SpinLock*[static_cast<std::size_t>(n)]);
    waiters_heap.reset(new Waiter[static_cast<std::size_t>(n)]);
    poll = poll_heap.get();
    locks = locks_heap.get();
    waiters = waiters_heap.get();
  }

  // Pass 0: poll order (Fisher–Yates over non-nil cases) and lock order.
  int np = 0;
  for (int i = 0; i < n; ++i) {
    if (cases[i].state == nullptr) continue;
    int j = static_cast<int>(fast_rand() % static_cast<uint32_t>(np + 1));
    poll[np] = poll[j];
    poll[j] = i;
    ++np;
  }
  if (np == 0) {
    if (has_default) return -1;
    park(nullptr, nullptr, WaitReason::SelectNoCases, nullptr);  // forever
    return -1;
  }
  int nl = 0;
  for (int k = 0; k < np; ++k) locks[nl++] = cases[poll[k]].lock;
  std::sort(locks, locks + nl);
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

  // Pass 2: enqueue on every channel, in lock order of cases (Go uses lock order too).
  SelectState st;
  for (int k = 0; k < np; ++k) {
    int i = poll[k];
    Waiter& w = waiters[i];
    w.task = self;
    w.elem = cases[i].elem;
    w.sel = &st;
    w.case_index = i;
    w.success = false;
    cases[i].queue(cases[i].state, cases[i].is_send).push_back(&w);
  }
  LockSet ls{locks, nl};
  park(&unlock_set, &ls, WaitReason::Select, nullptr);

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
