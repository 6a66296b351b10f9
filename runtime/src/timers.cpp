// runtime/src/timers.cpp — see timers.hpp. A 4-ary heap as in Go's runtime/time.go (shallower
// than binary, so fewer cache misses per sift).
#include "timers.hpp"

#include <ctime>

#include "check.hpp"

namespace ccb::detail {

int64_t now_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void TimerHeap::up(std::size_t i) {
  TimerNode* n = heap_[i];
  while (i > 0) {
    std::size_t p = (i - 1) / 4;
    if (heap_[p]->when <= n->when) break;
    set(i, heap_[p]);
    i = p;
  }
  set(i, n);
}

void TimerHeap::down(std::size_t i) {
  TimerNode* n = heap_[i];
  const std::size_t size = heap_.size();
  for (;;) {
    std::size_t c = i * 4 + 1;
    if (c >= size) break;
    std::size_t best = c;
    for (std::size_t k = c + 1; k < c + 4 && k < size; ++k)
      if (heap_[k]->when < heap_[best]->when) best = k;
    if (heap_[best]->when >= n->when) break;
    set(i, heap_[best]);
    i = best;
  }
  set(i, n);
}

bool TimerHeap::add_locked(TimerNode* n) {
  // A node queued twice would corrupt the heap (two slots, one index): its owner must remove it
  // (or see it popped) before re-arming it.
  CCB_CHECK(n->index < 0, "timer armed while already pending");
  n->heap.store(this, std::memory_order_relaxed);
  heap_.push_back(n);
  set(heap_.size() - 1, n);
  up(heap_.size() - 1);
  update_next();
  return heap_[0] == n;
}

bool TimerHeap::remove_locked(TimerNode* n) {
  if (n->index < 0 || n->heap.load(std::memory_order_relaxed) != this) return false;
  std::size_t i = static_cast<std::size_t>(n->index);
  TimerNode* last = heap_.back();
  heap_.pop_back();
  n->index = -1;
  // Release: see TimerNode::heap (an owner reading nullptr may re-arm n into another heap).
  n->heap.store(nullptr, std::memory_order_release);
  if (last != n) {
    set(i, last);
    up(i);
    down(static_cast<std::size_t>(last->index));
  }
  update_next();
  return true;
}

int TimerHeap::run_due(int64_t now) {
  CCB_CHAOS_SUPPRESS();  // fire() runs inside the scheduler: an injected yield there is illegal
  int fired = 0;
  for (;;) {
    if (next_.load(std::memory_order_acquire) > now) return fired;
    mu.lock();
    if (heap_.empty() || heap_[0]->when > now) {
      mu.unlock();
      return fired;
    }
    TimerNode* n = heap_[0];
    remove_locked(n);
    // fire() runs unlocked: it may ready a task, which may immediately re-arm a timer.
    auto fire = n->fire;
    mu.unlock();
    fire(n);
    ++fired;
  }
}

void TimerHeap::clear() {
  mu.lock();
  std::vector<TimerNode*> dropped;
  dropped.swap(heap_);
  for (TimerNode* n : dropped) {
    n->index = -1;
    n->heap.store(nullptr, std::memory_order_release);  // as in remove_locked()
  }
  update_next();
  closed_ = true;
  mu.unlock();
  for (TimerNode* n : dropped)
    if (n->drop != nullptr) n->drop(n);
}

}  // namespace ccb::detail
