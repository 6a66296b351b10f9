// runtime/src/fiber_switch.hpp — the one place that switches contexts (Boost.Context fcontext).
//
// switch_to(w, next, after) suspends the running context of worker w and resumes `next`; on the
// new context, `after(w, from)` runs first (after `from`'s context was saved), which is how park()
// releases a wait-queue lock only once the task can safely be resumed elsewhere.
// ThreadSanitizer is told about every switch with its fiber API (__tsan_switch_to_fiber).
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

namespace ccb::detail {

// on_resumed() completes a switch on the context that was switched to.
inline void on_resumed(bctx::transfer_t t) noexcept {
  Worker* w = this_worker();
  w->switch_from->ctx = t.fctx;
  if (AfterSwitch a = w->after) {
    w->after = nullptr;
    a(w, w->switch_from);
  }
}

inline void switch_to(Worker* w, Task* next, AfterSwitch after) noexcept {
  w->after = after;
  w->switch_from = w->current;
  w->current = next;
  next->state.store(TaskState::Running, std::memory_order_relaxed);
#if defined(CCB_TSAN)
  __tsan_switch_to_fiber(next->tsan_fiber, 0);
#endif
  bctx::transfer_t t = bctx::jump_fcontext(next->ctx, nullptr);
  on_resumed(t);
}

}  // namespace ccb::detail
