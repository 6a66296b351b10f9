// runtime/src/task.hpp — the task (Go's G) and its stack.
//
// A task's memory is one stack region: [guard page][ stack, grows down ... ][closure][Task].
// The Task header sits at the top of its own stack, so spawning allocates nothing else; stacks
// are recycled through the StackPool and a recycled stack keeps its Task header in place.
// Concurrency: `ctx` is written only by the switch that suspends the task and read by the switch
// that resumes it; the park/ready protocol (task_api.hpp) orders the two. `state` is atomic
// because the deadlock/abandon scan reads it from another thread when all workers are idle.
// Run queues hold task pointers only (no links inside the task). `id`, `wait_reason` and
// `wait_obj` are relaxed atomics so ccb::debug::dump_tasks() can read them from any thread while
// the run goes on. Other fields belong to the task itself.
#pragma once

#include <boost/context/detail/fcontext.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ccb/detail/task_api.hpp"

namespace ccb::detail {

namespace bctx = boost::context::detail;

enum class TaskState : uint8_t {
  Free,      // stack in the pool
  Created,   // closure built, not yet spawned
  Runnable,  // spawned or readied, not running (never started if !started)
  Running,
  Parked,
  Dead,
};

struct Stack;

// RelaxedAtomic<T>: a field its task writes and a debug dump (ccb/debug.hpp) may read from another
// thread at the same time; relaxed loads and stores, plain moves on x86-64 and AArch64.
template <class T>
class RelaxedAtomic {
 public:
  RelaxedAtomic(T v = T{}) noexcept : v_(v) {}  // NOLINT: used like the plain field it replaces
  RelaxedAtomic& operator=(T v) noexcept { v_.store(v, std::memory_order_relaxed); return *this; }
  operator T() const noexcept { return v_.load(std::memory_order_relaxed); }  // NOLINT

 private:
  std::atomic<T> v_;
};

struct Task {
  bctx::fcontext_t ctx = nullptr;      // saved context while suspended
  std::atomic<TaskState> state{TaskState::Free};
  bool started = false;                // has run at least once
  bool unwinding = false;              // resumed only to be unwound at shutdown
  bool is_g0 = false;                  // a worker's scheduler context, not a task
  RelaxedAtomic<WaitReason> wait_reason{WaitReason::None};  // read by the debug dump
  RelaxedAtomic<const void*> wait_obj{nullptr};
  RelaxedAtomic<uint64_t> id{0};
  void (*invoke)(void*) = nullptr;
  void (*destroy)(void*) noexcept = nullptr;
  void* obj = nullptr;
  Stack* stack = nullptr;              // null for g0
  void* tsan_fiber = nullptr;          // ThreadSanitizer fiber handle
};

}  // namespace ccb::detail
