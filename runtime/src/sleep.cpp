// runtime/src/sleep.cpp — ccb::sleep_for / sleep_until: a timer node on the task's own stack.
#include "ccb/errors.hpp"
#include "ccb/time.hpp"
#include "scheduler.hpp"

namespace ccb {

namespace {
struct SleepNode : detail::TimerNode {
  detail::Task* task = nullptr;
};
void wake_sleeper(detail::TimerNode* n) noexcept { detail::ready(static_cast<SleepNode*>(n)->task); }
}  // namespace

void sleep_until(Clock::time_point t) {
  // Compared before subtracting: t - now overflows for t near time_point::min() (a far past would
  // wrap into a far future).
  const Clock::time_point now = Clock::now();
  sleep_for(t > now ? t - now : Clock::duration::zero());
}

void sleep_for(std::chrono::nanoseconds d) {
  CCB_CHAOS_POINT(Sleep);
  if (d.count() <= 0) return;
  detail::Runtime* rt = detail::current_runtime();
  SleepNode n;
  n.task = detail::current_task();
  if (rt == nullptr || n.task == nullptr) throw NotInTask("ccb::sleep_for");
  n.when = detail::TimerHeap::deadline(detail::now_ns(), d.count());  // sleep_for(max): never wakes
  n.fire = &wake_sleeper;
  detail::TimerHeap& h = rt->local_timers();
  h.mu.lock();
  if (h.add_locked(&n)) rt->timer_became_earliest(n.when);
  try {
    detail::park(&detail::SpinLock::unlock_fn, &h.mu, detail::WaitReason::Sleep, nullptr);
  } catch (...) {
    // Unwound at shutdown while asleep: the node (on this stack) must leave the heap before the
    // stack is reused, or the end-of-run clear() would read a dead node.
    h.mu.lock();
    h.remove_locked(&n);
    h.mu.unlock();
    throw;
  }
}

}  // namespace ccb
