// runtime/src/task.hpp — the task (Go's G) and its stack.
//
// A task's memory is one stack region: [guard page][ stack, grows down ... ][Stack + Task header].
// Before it first runs, a task whose closure fits kInlineClosure bytes (and can be moved without
// throwing) waits in a 128-byte Task slot of the TaskPool instead, closure included, and holds no
// stack. At its first switch-in (start_on_stack, task_ops.cpp) it takes a stack from the running
// worker's cache, the one the last task to exit there released and still in cache, and its
// header and closure move into that stack's header; the slot is freed. A queued task thus costs
// 128 bytes, not a page, and a started one costs the page alone, as before slots existed.
// Measured with skynet size=1000000 procs=1, where ~1M queued tasks each held a cold stack page
// (commit message of this change). A larger closure is built at the top of a stack bound at spawn.
// Stacks and slots are recycled through their pools; a recycled stack keeps its header in place.
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
  Dead,      // parked inside a destructor while unwound at the end of its run: never resumed;
             // its waiter was taken off its queue (Runtime::unwind_abandoned)
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

// kInlineClosure: closure bytes a Task slot holds (makes sizeof(Task) 128: two cache lines in a
// TaskPool slab, which is 64-byte aligned). Task itself is only 16-byte aligned: alignas(64) moved
// the Task headers in Worker (g0) and Stack, and select cap=64 procs=2 became bimodal, 66-86 ns
// -> 73-214 ns, over five alternated runs.
constexpr std::size_t kInlineClosure = 48;

struct alignas(16) Task {
  bctx::fcontext_t ctx = nullptr;      // saved context while suspended; null: a slot, not started
  std::atomic<TaskState> state{TaskState::Free};
  bool started = false;                // has run at least once
  bool unwinding = false;              // resumed only to be unwound at shutdown
  bool is_g0 = false;                  // a worker's scheduler context, not a task
  RelaxedAtomic<WaitReason> wait_reason{WaitReason::None};  // read by the debug dump
  uint16_t depth = 0;                  // spawn depth (main 1, its children 2, ...), saturating:
                                       // the end-of-run unwinding goes deepest first
  RelaxedAtomic<const void*> wait_obj{nullptr};
  RelaxedAtomic<uint64_t> id{0};
  void (*invoke)(void*) = nullptr;
  void (*destroy)(void*) noexcept = nullptr;
  void (*relocate)(void* from, void* to) noexcept = nullptr;  // moves the closure (slot tasks)
  void* obj = nullptr;
  Stack* stack = nullptr;              // the stack whose header this is; null for g0 and slots
  void* tsan_fiber = nullptr;          // ThreadSanitizer fiber handle
  alignas(16) unsigned char closure[kInlineClosure];  // the closure, when it fits (new_task)
};
static_assert(sizeof(Task) == 128, "a Task slot is two cache lines");

}  // namespace ccb::detail
