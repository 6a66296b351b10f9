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
// park() and the scheduler loop switch with jump_balanced() (below), which keeps the CPU's
// return-stack predictor in step across the switch; the other switches call jump_fcontext.
// Owner: only the worker's own thread calls these, for its current context.
#pragma once

#include "eh_globals.hpp"
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

// jump_balanced() resumes `to` with Boost.Context's jump_fcontext, like jump_fcontext(to, nullptr),
// but without a call. jump_fcontext saves the callee-saved registers, MXCSR, the x87 control word
// and its return address on the suspended stack and resumes the other context with an indirect
// `jmp` to that context's saved address, never a `ret`. Entered with a call, every switch pushes
// an entry on the CPU's return-stack predictor that nothing pops, and each `ret` after the switch
// pops the entry one below its own: the resumed task's return out of park() and the one after it
// mispredict. Entered by pushing the resume address and jumping, the switch pushes and pops
// nothing; the resumed task's return out of park() pops the suspended task's entry for its call
// to park() — the same call site when both wait in the same kind of operation — and predicts,
// and so does the next one when both tasks run the same code (a pipeline's stages).
// pingpong cap=0 procs=1 89.5 -> 79.0 ns per round trip, pipeline stages=8 cap=0 procs=1
// 423.0 -> 324.8 ns per item (alternated runs against the plain call; see the commit).
// The push writes below %rsp: only compiled where the red zone is off (CCB_NO_RED_ZONE); elsewhere
// jump_balanced() is the plain call.
// Every caller-saved register is clobbered, as by a call. Internal linkage (static): a file
// compiled without CCB_NO_RED_ZONE gets the plain call, and no copy of either definition can
// stand in for the other at link time.
#if defined(__x86_64__) && defined(__linux__) && !defined(__AVX512F__) && \
    defined(CCB_NO_RED_ZONE) && !defined(CCB_TSAN) && !defined(CCB_ASAN)
static inline bctx::transfer_t jump_balanced(bctx::fcontext_t to) noexcept {
  register void* rdi asm("rdi") = to;
  register void* rsi asm("rsi") = nullptr;  // jump_fcontext's `data`
  void* fctx;
  void* data;
  asm volatile(
      "lea 1f(%%rip), %%rax\n\t"
      "push %%rax\n\t"
      "jmp jump_fcontext@PLT\n"
      "1:"
      : "=&a"(fctx), "=d"(data), "+D"(rdi), "+S"(rsi)
      :
      : "rcx", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
        "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
        "xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "mm0", "mm1",
        "mm2", "mm3", "mm4", "mm5", "mm6", "mm7");
  return bctx::transfer_t{static_cast<bctx::fcontext_t>(fctx), data};
}
#else
static inline bctx::transfer_t jump_balanced(bctx::fcontext_t to) noexcept {
  return bctx::jump_fcontext(to, nullptr);
}
#endif

template <bool Balanced>
void switch_carrying_eh(Worker* w, Task* next, AfterSwitch after) noexcept;

// Balanced: switch with jump_balanced() (park() and the scheduler loop). A task's exit and
// yield() use the plain call: balanced there, spawn n=50000 procs 1-2 and context n=50000 ran
// 0-7% slower than with park() and the scheduler loop alone balanced.
template <bool Balanced = false>
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
  // The exception-handling state goes with the suspended context (eh_globals.hpp), the thread's
  // left clear for the next one. Nearly always clear already: then this test is all it costs
  // (kept off the switch itself, so nothing of it is live across the jump).
  if (const EhGlobals* eh = w->eh; eh->caught != nullptr || eh->uncaught != 0) [[unlikely]] {
    switch_carrying_eh<Balanced>(w, next, after);
    return;
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
  bctx::transfer_t t = Balanced ? jump_balanced(next->ctx) : bctx::jump_fcontext(next->ctx, nullptr);
  on_resumed(t);
#endif
}

// switch_carrying_eh() is switch_to() for a context with exception-handling state: it keeps the
// state in this frame, clears the thread's, switches, and puts it back on the thread it resumes on
// (maybe another: the task may have moved).
template <bool Balanced>
__attribute__((noinline, cold)) void switch_carrying_eh(Worker* w, Task* next, AfterSwitch after) noexcept {
  const EhGlobals saved = *w->eh;
  *w->eh = EhGlobals{};
  switch_to<Balanced>(w, next, after);
  *this_worker()->eh = saved;
}

}  // namespace ccb::detail
