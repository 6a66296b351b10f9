// runtime/src/timers.hpp — a timer heap; every worker has one (Go: runtime/time.go, one heap per P).
//
// Guarantees: a pending timer fires once, at or after its deadline, on some worker; fire()
// runs without the heap lock (it may ready tasks). A timer goes into the heap of the worker that
// arms it, so timers of tasks on different workers do not share a lock (timers mode=startstop
// procs 2: one heap for the run made 4 tasks on 2 workers slower than on 1). Any worker runs any
// heap's due timers (Runtime::run_due_timers); idle workers sleep until the earliest deadline of
// all heaps (no polling thread); a timer that becomes a heap's earliest may wake an idle worker.
// Concurrency: heap_ and every TimerNode::index are guarded by mu. next_ mirrors the earliest
// deadline for lock-free "anything due?" checks on the scheduling path. TimerNode::heap tells the
// node's owner (ccb::Timer's TimerShared::mu holder, or the sleeping task) which lock to take.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "ccb/detail/task_api.hpp"

namespace ccb::detail {

// now_ns() returns CLOCK_MONOTONIC in nanoseconds.
int64_t now_ns() noexcept;

struct TimerNode {
  int64_t when = 0;
  void (*fire)(TimerNode*) noexcept = nullptr;
  int32_t index = -1;  // position in the heap, -1 when not pending (guarded by TimerHeap::mu)
  // drop, when set, is called by clear() (without the heap lock) for a node still pending at the
  // end of a run, so that reference-counted timers (ccb::Timer) release what the heap held.
  void (*drop)(TimerNode*) noexcept = nullptr;
  // The heap it is in while pending, else nullptr. Written under that heap's mu; read without it
  // by the node's owner to find the lock (a pop by run_due() may race with that read: the owner
  // then finds index -1 under the lock, or nullptr, both meaning "not pending"). nullptr is
  // stored with release and read with acquire: an owner that finds it may re-arm the node into
  // another heap, under that heap's lock, and its writes of when and index must come after the
  // popping worker's reads of them.
  std::atomic<class TimerHeap*> heap{nullptr};
};

class TimerHeap {
 public:
  static constexpr int64_t kNever = INT64_MAX;
  // kLatest: the latest deadline a timer can have. A deadline past it (a duration near INT64_MAX
  // ns after now) is clamped to it, as Go clamps an overflowing `when` to MaxInt64, instead of
  // wrapping into the past and firing at once. One below kNever, which means "no timer" in next_
  // and Worker::sleeps_until: such a timer is still pending for the deadlock check (Go's checkdead
  // counts any timer too), and it is 292 years of uptime away.
  static constexpr int64_t kLatest = kNever - 1;
  // deadline(now, d) is now + d for d >= 0, saturated at kLatest.
  static int64_t deadline(int64_t now, int64_t d) noexcept {
    int64_t when;
    return __builtin_add_overflow(now, d, &when) || when > kLatest ? kLatest : when;
  }
  SpinLock mu;

  // add_locked() schedules n; returns true if it became the earliest. Requires mu.
  bool add_locked(TimerNode* n);
  // remove_locked() unschedules n; returns true if it was pending. Requires mu.
  bool remove_locked(TimerNode* n);
  // run_due() fires every timer whose deadline is <= now; returns how many fired.
  int run_due(int64_t now);
  // clear() drops every pending timer (end of run), calling each node's drop hook after unlocking,
  // and closes the heap: closed_locked() is true from then on, and nothing may be added (a plain
  // thread arming a timer of the ending run checks it under mu; timer.cpp insert_locked).
  void clear();
  bool closed_locked() const noexcept { return closed_; }

  int64_t next_when() const noexcept { return next_.load(std::memory_order_acquire); }
  bool empty_locked() const noexcept { return heap_.empty(); }

 private:
  void up(std::size_t i);
  void down(std::size_t i);
  void set(std::size_t i, TimerNode* n) { heap_[i] = n; n->index = static_cast<int32_t>(i); }
  void update_next() { next_.store(heap_.empty() ? kNever : heap_[0]->when, std::memory_order_release); }

  std::vector<TimerNode*> heap_;  // 4-ary min-heap on `when`
  std::atomic<int64_t> next_{kNever};
  bool closed_ = false;  // set by clear(); guarded by mu
};

// g_outside_arm_hook_for_tests, when set, is called by a plain thread arming a timer of a run in
// progress (Timer/Ticker reset from outside the run), between its check that the run is not
// ending and its insertion: tests/runtime/timer_runs_test.cpp holds it there while the run ends.
inline void (*g_outside_arm_hook_for_tests)() noexcept = nullptr;

}  // namespace ccb::detail
