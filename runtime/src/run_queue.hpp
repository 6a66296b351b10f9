// runtime/src/run_queue.hpp — a worker's local run queue (Go: p.runq, runqput/runqget/runqsteal).
//
// A bounded ring of 256 task pointers. Only the owner worker pushes (tail); the owner and thieves
// pop from the head with a CAS, so a steal and a local pop never hand out the same task.
// Invariants: 0 <= tail - head <= kSize (unsigned arithmetic on ever-increasing counters).
// Memory order: the owner publishes slots with a release store of tail; consumers read tail with
// acquire, copy slots, then CAS head (acq_rel) to commit. A slot may be overwritten by the owner
// only after head moved past it, which the owner observes with an acquire load of head.
// Source: Go 1.19 runtime/proc.go (runqput, runqget, runqgrab), itself a bounded Chase–Lev variant.
#pragma once

#include <atomic>
#include <cstdint>

#include "task.hpp"

namespace ccb::detail {

class RunQueue {
 public:
  static constexpr uint32_t kSize = 256;

  // push() appends t; returns false when full (the caller spills to the global queue). Owner only.
  bool push(Task* t) noexcept {
    uint32_t h = head_.load(std::memory_order_acquire);
    uint32_t tl = tail_.load(std::memory_order_relaxed);
    if (tl - h >= kSize) return false;
    slots_[tl % kSize].store(t, std::memory_order_relaxed);
    tail_.store(tl + 1, std::memory_order_release);
    return true;
  }

  // pop() takes the oldest task, or nullptr. Owner only (thieves use steal_into).
  Task* pop() noexcept {
    uint32_t h = head_.load(std::memory_order_acquire);
    for (;;) {
      uint32_t tl = tail_.load(std::memory_order_relaxed);
      if (h == tl) return nullptr;
      Task* t = slots_[h % kSize].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
        // Start fetching the next task's header (usually cold): the switch to it reads its saved
        // context. A prefetch is not an access, so a thief taking that task meanwhile is
        // harmless. Measured with skynet size=100000 procs=1.
        if (tl - h > 1) __builtin_prefetch(slots_[(h + 1) % kSize].load(std::memory_order_relaxed), 0, 3);
        return t;
      }
    }
  }

  // pop_solo() is pop() for a runtime with one worker, where no thief exists: no locked CAS.
  Task* pop_solo() noexcept {
    uint32_t h = head_.load(std::memory_order_relaxed);
    uint32_t tl = tail_.load(std::memory_order_relaxed);
    if (h == tl) return nullptr;
    Task* t = slots_[h % kSize].load(std::memory_order_relaxed);
    head_.store(h + 1, std::memory_order_relaxed);
    if (tl - h > 1) __builtin_prefetch(slots_[(h + 1) % kSize].load(std::memory_order_relaxed), 0, 3);
    return t;
  }
  // grab_half() moves up to half of this queue's tasks into out[] (capacity kSize/2) and returns
  // how many. Any thread.
  uint32_t grab_half(Task** out) noexcept {
    for (;;) {
      uint32_t h = head_.load(std::memory_order_acquire);
      uint32_t tl = tail_.load(std::memory_order_acquire);
      uint32_t n = tl - h;
      n -= n / 2;
      if (n == 0) return 0;
      if (n > kSize / 2) continue;  // inconsistent snapshot (h read before a wrap); retry
      for (uint32_t i = 0; i < n; ++i) out[i] = slots_[(h + i) % kSize].load(std::memory_order_relaxed);
      if (head_.compare_exchange_strong(h, h + n, std::memory_order_acq_rel, std::memory_order_relaxed))
        return n;
    }
  }

  // size() is a racy estimate; exact when called by the owner with no concurrent thief.
  uint32_t size() const noexcept {
    return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire);
  }
  bool empty() const noexcept { return size() == 0; }

 private:
  alignas(64) std::atomic<uint32_t> head_{0};  // consumers (owner and thieves)
  alignas(64) std::atomic<uint32_t> tail_{0};  // owner only writes
  std::atomic<Task*> slots_[kSize] = {};
};

}  // namespace ccb::detail
