// runtime/src/fiber_switch.hpp — the one place that switches contexts (Boost.Context fcontext).
//
// switch_to(w, next, after) suspends the running context of worker w and resumes `next`; on the
// new context, `after(w, from)` runs first (after `from`'s context was saved), which is how park()
// releases a wait-queue lock only once the task can safely be resumed elsewhere.
// ThreadSanitizer is told about every switch with its fiber API (__tsan_switch_to_fiber);
// AddressSanitizer with __sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber, so that
// its stack bookkeeping (exceptions, fake stacks) follows the task's own stack. A task's stack
// bounds come from its Stack; a worker's g0 runs on the thread's stack, whose bounds ASan reports
// the first time g0 switches away (kept in thread-locals: g0 never leaves its thread). A task's
// first switch-in clears the stale shadow poison a previous task left on a recycled stack.
// A task still in its Task slot (ctx null, see task.hpp) moves onto a stack from the switching
// worker's cache here, just before its first switch-in; if no stack can be mapped the run fails
// with std::bad_alloc and the worker's scheduler context (g0) is resumed instead.
// Owner: only the worker's own thread calls these, for its current context.
#pragma once

#include "scheduler.hpp"

#if defined(CCB_TSAN)
extern "C" {
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
}
#endif
#if defined(CCB_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace ccb::detail {

#if defined(CCB_ASAN)
inline thread_local const void* tl_asan_g0_bottom = nullptr;
inline thread_local std::size_t tl_asan_g0_size = 0;
#endif

// on_resumed() completes a switch on the context that was switched to.
// asan_fake: the fake-stack handle this context saved when it switched away (null for a fresh task).
inline void on_resumed(bctx::transfer_t t, void* asan_fake = nullptr) noexcept {
  Worker* w = this_worker();
#if defined(CCB_ASAN)
  const void* from_bottom = nullptr;
  std::size_t from_size = 0;
  __sanitizer_finish_switch_fiber(asan_fake, &from_bottom, &from_size);
  if (w->switch_from->is_g0) {
    tl_asan_g0_bottom = from_bottom;
    tl_asan_g0_size = from_size;
  }
#else
  (void)asan_fake;
#endif
  w->switch_from->ctx = t.fctx;
  if (AfterSwitch a = w->after) {
    w->after = nullptr;
    a(w, w->switch_from);
  }
}

// start_on_stack() moves `slot`, a task that has never run, onto a stack: header and closure go
// to the stack's header, the slot is freed, and the task there is returned; null when no stack
// could be mapped. stack_unavailable() then fails the run with std::bad_alloc (task_ops.cpp).
Task* start_on_stack(Worker* w, Task* slot) noexcept;
void stack_unavailable(Worker* w, Task* slot) noexcept;

inline void switch_to(Worker* w, Task* next, AfterSwitch after) noexcept {
  if (next->ctx == nullptr) [[unlikely]] {
    if (Task* t = start_on_stack(w, next)) {
      next = t;
    } else {
      stack_unavailable(w, next);
      if (w->current->is_g0) return;  // the scheduler loop sees the run finishing
      next = &w->g0;
    }
  }
  w->after = after;
  w->switch_from = w->current;
  w->current = next;
  next->state.store(TaskState::Running, std::memory_order_relaxed);
#if defined(CCB_TSAN)
  __tsan_switch_to_fiber(next->tsan_fiber, 0);
#endif
#if defined(CCB_ASAN)
  // A recycled stack still carries the shadow poison of the frames its previous task left when it
  // switched away for the last time: clear it before a new task's first frame is built there.
  if (!next->is_g0 && !next->started) __asan_unpoison_memory_region(next->stack->lo, next->stack->size);
  void* fake = nullptr;
  if (next->is_g0)
    __sanitizer_start_switch_fiber(&fake, tl_asan_g0_bottom, tl_asan_g0_size);
  else
    __sanitizer_start_switch_fiber(&fake, next->stack->lo, next->stack->size);
  bctx::transfer_t t = bctx::jump_fcontext(next->ctx, nullptr);
  on_resumed(t, fake);
#else
  bctx::transfer_t t = bctx::jump_fcontext(next->ctx, nullptr);
  on_resumed(t);
#endif
}

}  // namespace ccb::detail
