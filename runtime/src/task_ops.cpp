// runtime/src/task_ops.cpp — the task-level operations of task_api.hpp: spawn, park, ready,
// yield, task entry and exit. The scheduling policy (what runs next, stealing, idling) is in
// scheduler.cpp; the context switch itself in fiber_switch.hpp.
#include <cxxabi.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <thread>
#include <typeinfo>

#include "ccb/errors.hpp"
#include "ccb/run.hpp"
#include "check.hpp"
#include "fiber_switch.hpp"
#include "overflow_handler.hpp"

namespace ccb::detail {

namespace {

thread_local Worker* tl_worker = nullptr;

// Cache lines prefetch_next_stack() warms: the Stack/Task header, and the frame lines below it.
// Frame lines, session 27 (scratch build with the count from an environment variable, 2
// alternated rounds of 5 repetitions, round medians for 16 / 0 / 4 / 32): spawn n=1000000 procs 1
// 524,498 / 660,564 / 582,565 / 523,491 ns per task, procs 2 525,476 / 606,585 / 515,502 /
// 502,487; skynet size=1000000 procs 1 332,331 / 310,430 / 328,348 / 366,368 ms. 16 as good as 32
// on spawn, better on skynet.
constexpr int kPrefetchHeaderLines = static_cast<int>((sizeof(Stack) + 63) / 64);
constexpr int kPrefetchFrameLines = 16;

// reset_for_start() clears what a recycled header (slot or stack) keeps from its last task.
void reset_for_start(Task* t) noexcept {
  t->started = false;
  t->unwinding = false;
  t->wait_reason = WaitReason::None;
  t->wait_obj = nullptr;
}

// TaskUnwind is thrown out of park() in an abandoned task at shutdown, so its destructors run.
struct TaskUnwind {};

void check_canary(Task* t) noexcept {
  Stack* s = t->stack;
  if (s != nullptr && s->canary != nullptr && *s->canary != kStackCanary)
    report_stack_overflow(s->size);
}

void after_park(Worker* w, Task* from) noexcept {
  check_canary(from);
  if (auto unlock = w->park_unlock) {
    w->park_unlock = nullptr;
    unlock(w->park_arg);
  }
}

void after_yield(Worker* w, Task* from) noexcept {
  from->state.store(TaskState::Runnable, std::memory_order_relaxed);
  if (w->rt->shutting_down()) return;  // left runnable: unwound at shutdown
  if (!w->runq.push(from)) w->rt->spill(w, from);
}

void after_exit(Worker* w, Task* from) noexcept {
  check_canary(from);
#if defined(CCB_TSAN)
  __tsan_destroy_fiber(from->tsan_fiber);
  from->tsan_fiber = nullptr;
#endif
  from->state.store(TaskState::Free, std::memory_order_release);
  Runtime::task_exited(w);
  stack_pool().free(w->stacks, from->stack);  // a running task always lives on its stack
}

[[noreturn]] void task_exit(Worker* w) noexcept {
  Task* next = w->rt->next_local(w);
  switch_to(w, next != nullptr ? next : &w->g0, after_exit);
  __builtin_unreachable();
}

void task_entry(bctx::transfer_t t) noexcept {
  on_resumed(t);
  Worker* w = this_worker();
  Task* self = w->current;
  self->started = true;
  try {
    self->invoke(self->obj);
  } catch (const TaskUnwind&) {
    // abandoned at shutdown: unwound on purpose
  } catch (...) {
    if (!self->unwinding) w->rt->finish(std::current_exception());
  }
  self->destroy(self->obj);
  task_exit(this_worker());
}

}  // namespace

__attribute__((noinline)) Worker* this_worker() noexcept {
  asm volatile("" ::: "memory");
  return tl_worker;
}
__attribute__((noinline)) void set_this_worker(Worker* w) noexcept { tl_worker = w; }

Runtime* current_runtime() noexcept {
  Worker* w = this_worker();
  return w != nullptr ? w->rt : nullptr;
}

Task* current_task() noexcept {
  Worker* w = this_worker();
  if (w == nullptr || w->current == nullptr || w->current->is_g0) return nullptr;
  return w->current;
}

bool current_task_unwinding() noexcept {
  Task* t = current_task();
  return t != nullptr && t->unwinding;
}

const char* wait_reason_name(WaitReason r) noexcept {
  switch (r) {
    case WaitReason::None: return "running";
    case WaitReason::ChanSend: return "chan send";
    case WaitReason::ChanRecv: return "chan receive";
    case WaitReason::Select: return "select";
    case WaitReason::SelectNoCases: return "select (no cases)";
    case WaitReason::NilChanSend: return "chan send (nil chan)";
    case WaitReason::NilChanRecv: return "chan receive (nil chan)";
    case WaitReason::Mutex: return "sync.Mutex.Lock";
    case WaitReason::RWMutexRead: return "sync.RWMutex.RLock";
    case WaitReason::RWMutexWrite: return "sync.RWMutex.Lock";
    case WaitReason::WaitGroup: return "sync.WaitGroup.Wait";
    case WaitReason::Cond: return "sync.Cond.Wait";
    case WaitReason::Sleep: return "sleep";
    case WaitReason::Timer: return "timer";
    case WaitReason::Once: return "sync.Once.Do";
    case WaitReason::Sema: return "semacquire";
  }
  return "unknown";
}

namespace {
// park_impl(): park(), park_on_queue() and park_withdrawable(). `q` and `me`, or `withdraw` (null
// for park()) are only recorded, and only by a task being unwound (the cold branch): see
// Worker::dead_q.
inline void park_impl(void (*unlock)(void*) noexcept, void* arg, WaitReason reason, const void* obj,
                      WaitQueue* q, Waiter* me, void (*withdraw)(void*) noexcept) {
  Worker* w = this_worker();
  if (w == nullptr || w->current == nullptr || w->current->is_g0) {
    if (unlock != nullptr) unlock(arg);
    throw NotInTask(wait_reason_name(reason));
  }
  Task* self = w->current;
  self->wait_reason = reason;
  self->wait_obj = obj;
  self->state.store(TaskState::Parked, std::memory_order_relaxed);
  w->park_unlock = unlock;
  w->park_arg = arg;
  Task* next;
  if (__builtin_expect(self->unwinding, 0)) {
    // Parking inside a destructor run by the end-of-run unwinding: back to unwind_abandoned(),
    // which makes the task Dead and unlinks the waiter recorded here.
    w->dead_lock = static_cast<SpinLock*>(q != nullptr ? arg : nullptr);
    w->dead_q = q;
    w->dead_me = me;
    w->dead_withdraw = withdraw;
    w->dead_arg = arg;
    next = nullptr;
  } else {
    next = w->rt->next_local(w, /*run_timers=*/false);
  }
  switch_to<true>(w, next != nullptr ? next : &w->g0, after_park);
  self->wait_reason = WaitReason::None;
  if (self->unwinding) throw TaskUnwind{};
}
}  // namespace

void park(void (*unlock)(void*) noexcept, void* arg, WaitReason reason, const void* obj) {
  park_impl(unlock, arg, reason, obj, nullptr, nullptr, nullptr);
}

void park_withdrawable(void (*unlock)(void*) noexcept, void* arg, WaitReason reason, const void* obj,
                       void (*withdraw)(void*) noexcept) {
  park_impl(unlock, arg, reason, obj, nullptr, nullptr, withdraw);
}

void park_on_queue(SpinLock& lock, WaitQueue& q, Waiter& me, WaitReason reason, const void* obj) {
  park_impl(&SpinLock::unlock_fn, &lock, reason, obj, &q, &me, nullptr);
}

// ready_from_outside() readies t from a thread that is not a worker (a std::thread cancelling a
// context, closing or sending on a channel). No runnext to use: t goes on its run's global queue
// under Runtime::mu_ and an idle worker is woken, still under mu_ (push_global: a worker going
// idle meanwhile finds it in go_idle's re-check under mu_; t may be main, and once mu_ is released
// its return may end the run, so nothing of the run is touched after). A parked task is always
// on a stack, whose header names its run. Only one run exists at a time (ccb::run), so a worker
// thread of another run cannot call ready(). The run must still be in progress: readying a task
// of a run that has ended (a close from a thread after ccb::run returned, with a task of that run
// still queued on the channel) is a use after free, as any use of that run's objects.
[[gnu::cold, gnu::noinline]] void ready_from_outside(Task* t) noexcept {
  CCB_CHECK(t->stack != nullptr && t->stack->rt != nullptr, "ready() of a task that is not parked");
  t->state.store(TaskState::Runnable, std::memory_order_relaxed);
  t->stack->rt->push_global(t);
}

void ready(Task* t) noexcept {
  Worker* w = this_worker();
  if (__builtin_expect(w == nullptr, 0)) return ready_from_outside(t);
  w->rt->ready(w, t);
}

bool on_worker() noexcept { return this_worker() != nullptr; }

void ready_several(Waiter* first) noexcept {
  Worker* w = this_worker();
  if (__builtin_expect(w == nullptr, 0)) {
    // Every task of the list belongs to the run in progress (only one exists: ccb::run).
    Task* t = first->task;
    CCB_CHECK(t->stack != nullptr && t->stack->rt != nullptr, "ready() of a task that is not parked");
    return t->stack->rt->push_global_list(first);
  }
  while (first != nullptr) {
    Waiter* next = first->next;  // first lives on its task's stack: read before readying it
    w->rt->ready(w, first->task);
    first = next;
  }
}

Task* new_task(std::size_t size, std::size_t align, void (*relocate)(void*, void*) noexcept, void** storage) {
  Worker* w = this_worker();
  if (w == nullptr) throw NotInTask("ccb::go");
  if (relocate != nullptr && size <= kInlineClosure && align <= alignof(std::max_align_t)) {
    // The usual case: the task waits in a slot and moves onto a stack when it first runs.
    Task* t = task_pool().alloc(w->tasks);
    reset_for_start(t);
    t->ctx = nullptr;
    t->stack = nullptr;
    t->relocate = relocate;
    *storage = t->closure;
    t->state.store(TaskState::Created, std::memory_order_relaxed);
    return t;
  }
  // A larger (or throwing-move) closure is built at the top of a stack taken now.
  Stack* s = stack_pool().alloc(w->stacks);
  s->rt = w->rt;
  Task* t = &s->task;
  const std::size_t limit = stack_pool().usable_bytes() / 4;
  if (size > limit) {
    stack_pool().free(w->stacks, s);
    throw std::length_error("ccb::go: the task's closure (" + std::to_string(size) +
                            " bytes) exceeds a quarter of the task stack; capture large data by "
                            "pointer or raise ccb::Config::stack_size");
  }
  char* p = reinterpret_cast<char*>(s) - size;
  p -= reinterpret_cast<uintptr_t>(p) % (align < 16 ? 16 : align);
#if defined(CCB_ASAN)
  // A recycled stack carries the stale frame poison of its last task (fiber_switch.hpp clears the
  // rest at the first switch-in); the closure is built here before that.
  __asan_unpoison_memory_region(p, size);
#endif
  *storage = p;
  reset_for_start(t);
  t->relocate = nullptr;
  t->ctx = bctx::make_fcontext(p, static_cast<std::size_t>(p - s->lo), task_entry);
  t->state.store(TaskState::Created, std::memory_order_relaxed);
  return t;
}

// prefetch_next_stack() starts fetching the top of the stack the next start_on_stack() here will
// take: its header and the first frames a task builds (the initial context, task_entry, the
// closure's call). A task started from a slot finds its stack cold; without this its first
// frames missed one by one in the task's own dependent chain (spawn n=10000 procs=1 ~2x slower
// than binding the stack at spawn, where the spawning loop overlaps those misses).
void prefetch_next_stack(const LocalStackCache& cache) noexcept {
  if (cache.nfree == 0) return;
  const char* top = reinterpret_cast<const char*>(cache.free[cache.nfree - 1]);
  for (int line = -kPrefetchFrameLines; line < kPrefetchHeaderLines; ++line)
    __builtin_prefetch(top + line * 64, 1, 3);
}

Task* start_on_stack(Worker* w, Task* slot) noexcept {
  Stack* s;
  try {
    s = stack_pool().alloc(w->stacks);
  } catch (...) {
    return nullptr;
  }
  prefetch_next_stack(w->stacks);
  s->rt = w->rt;
  Task* t = &s->task;
  reset_for_start(t);
  t->id = static_cast<uint64_t>(slot->id);
  t->depth = slot->depth;
  t->invoke = slot->invoke;
  t->destroy = slot->destroy;
  t->relocate = nullptr;
  t->tsan_fiber = slot->tsan_fiber;
  slot->relocate(slot->closure, t->closure);
  t->obj = t->closure;
  char* top = reinterpret_cast<char*>(s);
  top -= reinterpret_cast<uintptr_t>(top) % 16;
  t->ctx = bctx::make_fcontext(top, static_cast<std::size_t>(top - s->lo), task_entry);
  t->state.store(TaskState::Runnable, std::memory_order_relaxed);
  slot->state.store(TaskState::Free, std::memory_order_release);
  task_pool().free(w->tasks, slot);
  return t;
}

void stack_unavailable(Worker* w, Task* slot) noexcept {
  // Left Runnable and unstarted in its slot: the shutdown scan (unwind_abandoned) destroys its
  // closure and frees the slot.
  slot->state.store(TaskState::Runnable, std::memory_order_relaxed);
  w->rt->finish(std::make_exception_ptr(std::bad_alloc()));
}

void spawn(Task* t, void (*invoke)(void*), void (*destroy)(void*) noexcept, void* obj) noexcept {
  Worker* w = this_worker();
  t->invoke = invoke;
  t->destroy = destroy;
  t->obj = obj;
  t->id = w->rt->new_task_id(w);
  const Task* parent = w->current;  // g0 (depth 0) when run() spawns main
  t->depth = parent != nullptr && parent->depth != UINT16_MAX ? static_cast<uint16_t>(parent->depth + 1) : UINT16_MAX;
#if defined(CCB_TSAN)
  t->tsan_fiber = __tsan_create_fiber(0);
#endif
  std::atomic_ref<uint64_t>(w->spawned).store(w->spawned + 1, std::memory_order_relaxed);  // stats() reads it
  Runtime::task_spawned(w);
  w->rt->ready(w, t);
}

void discard_task(Task* t) noexcept {
  Worker* w = this_worker();
  t->state.store(TaskState::Free, std::memory_order_relaxed);
  if (t->stack != nullptr) stack_pool().free(w->stacks, t->stack);
  else task_pool().free(w->tasks, t);
}

// tl_rand: fast_rand()'s state on a thread that is no worker (select from a plain thread), seeded
// on first use from the thread's id and the clock so that threads, and runs of the program,
// differ. A fixed seed that never advanced made every such select pick the same case.
thread_local uint64_t tl_rand = 0;

inline uint64_t xorshift(uint64_t x) noexcept {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

[[gnu::cold, gnu::noinline]] uint32_t thread_rand() noexcept {
  uint64_t x = tl_rand;
  if (x == 0) {
    x = std::hash<std::thread::id>{}(std::this_thread::get_id()) ^
        static_cast<uint64_t>(now_ns()) * 0x9e3779b97f4a7c15ULL;
    if (x == 0) x = 88172645463325252ULL;  // xorshift's state must not be 0
  }
  tl_rand = x = xorshift(x);
  return static_cast<uint32_t>(x >> 32);
}

uint32_t fast_rand() noexcept {
  Worker* w = this_worker();
  if (w == nullptr) return thread_rand();
  w->rng = xorshift(w->rng);
  return static_cast<uint32_t>(w->rng >> 32);
}

// Entry for worker 0's main task and for shutdown-time unwinding (run_lifecycle.cpp).
void resume_for_unwind(Worker* w, Task* t) noexcept {
  t->unwinding = true;
  w->unwind_yields = 0;
  switch_to(w, t, nullptr);
}

namespace {

std::atomic<std::terminate_handler> g_terminate_before_unwinding{nullptr};

// park_dead() leaves the task being unwound for good: park()'s unwinding branch with nothing
// recorded to unlink, so unwind_abandoned() makes it Dead (never resumed; see run.hpp).
[[noreturn]] void park_dead(Worker* w) noexcept {
  w->dead_q = nullptr;
  w->dead_withdraw = nullptr;
  try {
    park_impl(nullptr, nullptr, WaitReason::None, nullptr, nullptr, nullptr, nullptr);
  } catch (...) {
  }
  std::abort();  // not reached: a Dead task is never resumed
}

// on_terminate_while_unwinding() is the terminate handler while abandoned tasks are unwound. The
// unwinding throws TaskUnwind out of the call a task is blocked in; when that call sits in a
// destructor or a noexcept function, the C++ runtime terminates on the way out (before, the process
// died: "terminate called after throwing an instance of ...TaskUnwind"). The task then stops
// there instead, Dead, like a task that parks inside a destructor while unwound: its frames
// from the noexcept one outwards are never unwound, and what they own is leaked. Any other
// terminate goes to the handler installed before.
[[noreturn]] void on_terminate_while_unwinding() {
  Worker* w = this_worker();
  const std::type_info* handling = abi::__cxa_current_exception_type();
  if (w != nullptr && w->current != nullptr && !w->current->is_g0 && w->current->unwinding &&
      handling != nullptr && *handling == typeid(TaskUnwind))
    park_dead(w);
  if (std::terminate_handler before = g_terminate_before_unwinding.load()) before();
  std::abort();
}

}  // namespace

UnwindTerminateHandler::UnwindTerminateHandler() {
  g_terminate_before_unwinding.store(std::set_terminate(&on_terminate_while_unwinding));
}

UnwindTerminateHandler::~UnwindTerminateHandler() {
  std::set_terminate(g_terminate_before_unwinding.load());
}

namespace {
// unwind_yield_limit_reached() counts a yield of the task being unwound: true once it has kept
// yielding for kUnwindYieldLimitNs (the clock is read every 1024th yield).
bool unwind_yield_limit_reached(Worker* w) noexcept {
  if ((w->unwind_yields++ & 1023) != 0) return false;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  if (w->unwind_yields == 1) {
    w->unwind_yield_since_ns = now;
    return false;
  }
  return now - w->unwind_yield_since_ns > kUnwindYieldLimitNs;
}
}  // namespace

}  // namespace ccb::detail

namespace ccb {

void yield() {
  detail::Worker* w = detail::this_worker();
  if (w == nullptr || w->current == nullptr || w->current->is_g0) return;
  detail::Task* self = w->current;
  if (self->unwinding) [[unlikely]] {
    // Nothing else runs while a task is unwound, so a yield returns at once. A task that keeps
    // yielding (a loop whose catch (...) swallows the unwinding, a destructor polling a flag)
    // would hold run() for ever: after kUnwindYieldLimitNs it is left Dead instead.
    if (detail::unwind_yield_limit_reached(w)) detail::park_dead(w);
    return;
  }
  detail::Task* next = w->rt->next_local(w);
  if (next == nullptr) {
    // Nothing else local: stay on this task unless the runtime is stopping.
    if (!w->rt->shutting_down()) return;
    next = &w->g0;
  }
  detail::switch_to(w, next, detail::after_yield);
  if (self->unwinding) throw detail::TaskUnwind{};  // abandoned while yielded: unwind, as park() does
}

int num_procs() {
  detail::Runtime* rt = detail::current_runtime();
  return rt != nullptr ? rt->procs() : 0;
}

}  // namespace ccb
