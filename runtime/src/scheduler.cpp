// runtime/src/scheduler.cpp — scheduling policy: queues, readying and waking, timers' place in
// the schedule, what a worker runs next, stealing and idling. A run's start, end and deadlock
// report are in run_lifecycle.cpp, a Runtime's construction and the registry of live ones in
// runtime_object.cpp. See scheduler.hpp for the guarantees.
#include "scheduler.hpp"

#include <sched.h>
#include <algorithm>
#include <chrono>

#include "chaos.hpp"
#include "check.hpp"
#include "membarrier.hpp"

namespace ccb::detail {

namespace {
// Stealing rounds over all victims before a worker gives up and sleeps. Go uses 4 (stealWork).
constexpr int kStealRounds = 4;
// Pause iterations before a thief takes a victim's runnext: the victim usually runs it within
// ~100 ns (it readied it just before parking), and stealing it would turn a same-core hand-off
// into a cross-core one. Go sleeps 3 us here (runqgrab); measured with pingpong procs=2.
constexpr int kRunnextGraceSpins = 200;
// Locality: a thief leaves a victim's queue alone when the victim will soon have run all of it,
// and an idle worker sleeps rather than spin on such a queue (any_local_work): see drains_soon().
// A queue shorter than kLocalQueue is left alone while the victim switches tasks (its tick moves)
// within kStealGraceSpins pauses (session 4). Measured with `ccbench run --preset quick --procs 2
// --impl ccbench,go` (ratio to Go before -> after): counter channel 1.96 -> 0.37, counter
// rwmutex 5.11 -> 0.76, fanin producers=4 cap=128 1.78 -> 0.36, fanout workers=4 cap=128 1.10 ->
// 0.39; geomean over the 25 procs-2 points 0.692 -> 0.518 (procs 4,8: 0.551 -> 0.502). Cost:
// pipeline cap=128 1.4-1.7x slower than before (still 0.6-0.8x Go). Queue limit 4 or 50 pauses
// were worse on counter channel and fanin (a sweep of 4/8 x 50/200 at procs 2,8).
// A longer queue of q tasks is left alone while the victim switches q times, its whole queue's
// worth, within kDrainSpins pauses (~10 us here; a pause is ~24 ns on this EPYC VM). Before
// (session 5), queues of 8 or more were always stolen: fanin producers=16 cap=128 and fanout
// workers=16 cap=128, whose 16 tasks run ~20 ns each after the consumer's (producer's) ~1-2 us
// burst, ran at 1.1-1.65x Go at procs 2-8, every steal making the channel's lock cross cores.
// Scratch driver, median ns per message, before -> after: fanin procs 2 81.8 -> 22.1, procs 4
// 67.6 -> 22.4; fanout procs 2 47.3 -> 21.6, procs 4 57.2 -> 24.1. 16 tasks that each compute
// ~1 us between yields still spread over 2 workers (497 ns per task-round at procs 2, 988 at
// procs 1). Budgets of 200 pauses (fanin procs 4: 29.8) and "q switches within 1600/q pauses"
// (the first switch: 16 x 1 us tasks then stayed on one worker) were worse.
// After a futile wake-up (see Runtime::wake_backoff_until_), ready() sends no wake-up for
// kWakeBackoffNs, doubled per futile wake-up in a row up to kWakeBackoffNs << kWakeBackoffMaxShift.
constexpr int64_t kWakeBackoffNs = 10000;
constexpr int kWakeBackoffMaxShift = 4;
// Oversubscribed (more workers than allowed CPUs), a thief's watch yields its CPU every
// kOversubscribedYieldEvery pauses: the victim may share the CPU and then cannot switch (its
// tick cannot move) while the thief spins, so the thief stole queues that were about to drain.
// pipeline stages=8 cap=128 pinned (scratch driver, PIN=1): procs 4 204-207 -> 183-190 ns, procs
// 8 227-289 -> 185-200, steals 142-392 -> 0 per run; quick preset at procs 4,8: see the commit.
constexpr uint32_t kOversubscribedYieldEvery = 32;
constexpr uint32_t kLocalQueue = 8;
constexpr uint32_t kStealGraceSpins = 200;
constexpr uint32_t kDrainSpins = 400;
// While another worker is busy, an idle worker sleeps at most this long before it looks again
// (Go's sysmon plays this role for a P stuck in one goroutine): the bound on how long one
// long-running task can hold up a task queued behind it while a worker idles
// (SchedulerTest.IdleWorkerTakesATaskStuckBehindALongTask). With k workers idle, each sleeps
// k x kIdleRecheckNs, so the idle workers together look ~2000 times a second, however many they
// are: at procs 8 on 2 CPUs, 7 idle workers looking every 500 us each took CPU time from the
// busy ones (scratch driver, pipeline stages=8 cap=128 procs 8: 4480/3820 context switches and
// 219/195 ns per item; with 8x longer sleeps 2090/1818 and 184/180 ns).
constexpr int64_t kIdleRecheckNs = 500000;
// With every worker idle, an idle worker still looks again after this long (Go's sysmon sleeps at
// most 10 ms). A worker that later leaves idle (woken by a plain thread's ready, or by its own
// timer) does not shorten the others' sleeps, so when it then runs a long task with another
// queued behind it (no wake-up is sent for a lone runnext), this bounds how long that task waits
// for an idle worker to take it. Before, those workers slept until woken or until their next
// timer: forever (session 49's scheduler review, idle_never.cpp:
// IdleWorkers.ATaskQueuedAfterAnOutsideWakeIsTakenWhileItsWorkerIsBusy).
constexpr int64_t kAllIdleRecheckNs = 10000000;
// Longest single timed wait of an idle worker (go_idle); a later deadline is waited for in steps.
constexpr int64_t kMaxIdleWaitNs = int64_t{3600} * 1000000000;
// Most tasks taken from the global queue at once (Go: globrunqget caps at half a runq).
constexpr int kGlobalBatch = 64;

// in_steal_backoff(w): w is in its contended-steal back-off (steal_backoff.hpp); reads the clock
// only while one is set.
bool in_steal_backoff(const Worker* w) noexcept {
  return w->steal_backoff.until() != 0 && w->steal_backoff.backed_off(now_ns());
}

}  // namespace

int64_t Runtime::live_tasks() const noexcept {
  int64_t n = 0;
  for (const Worker* w : workers_) n += w->live.load(std::memory_order_acquire);
  return n;
}

uint64_t Runtime::new_task_id(Worker* w) noexcept {
  // Batches of 64, as Go's per-P goidcache (16): one shared atomic add per 64 spawns.
  if (w->id_next == w->id_end) {
    w->id_next = next_task_id.fetch_add(64, std::memory_order_relaxed);
    w->id_end = w->id_next + 64;
  }
  return w->id_next++;
}

// ---- Queues -------------------------------------------------------------------------------

void Runtime::gq_push(Task* t) {
  if (gq_count_ == gq_.size()) {
    std::vector<Task*> bigger(gq_.empty() ? 1024 : 2 * gq_.size());
    for (std::size_t i = 0; i < gq_count_; ++i) bigger[i] = gq_[(gq_head_ + i) & (gq_.size() - 1)];
    gq_.swap(bigger);
    gq_head_ = 0;
  }
  gq_[(gq_head_ + gq_count_) & (gq_.size() - 1)] = t;
  ++gq_count_;
}

Task* Runtime::gq_pop() noexcept {
  Task* t = gq_[gq_head_];
  gq_head_ = (gq_head_ + 1) & (gq_.size() - 1);
  --gq_count_;
  return t;
}

void Runtime::push_global(Task* t) noexcept {
  std::lock_guard<std::mutex> g(mu_);
  gq_push(t);
  global_size_.fetch_add(1, std::memory_order_relaxed);
  wakep_locked();
}

void Runtime::push_global_list(Waiter* first) noexcept {
  std::lock_guard<std::mutex> g(mu_);
  std::size_t n = 0;
  for (Waiter* w = first; w != nullptr; ++n) {
    Waiter* next = w->next;  // on its task's stack; no task of the list runs before mu_ is released
    CCB_CHECK(w->task->stack != nullptr && w->task->stack->rt == this, "ready() of a task that is not parked in this run");
    w->task->state.store(TaskState::Runnable, std::memory_order_relaxed);
    gq_push(w->task);
    w = next;
  }
  global_size_.fetch_add(n, std::memory_order_relaxed);
  wakep_locked();
}

void Runtime::wakep_locked() noexcept {
  if (npidle_.load(std::memory_order_relaxed) == 0) return;
  int expected = 0;
  if (!nmspinning_.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return;
  if (idle_.empty()) {
    nmspinning_.fetch_sub(1, std::memory_order_acq_rel);
    return;
  }
  Worker* v = idle_.back();
  idle_.pop_back();
  v->idle.store(false, std::memory_order_relaxed);
  v->spinning = true;  // as in wakep()
  v->woken = true;
  npidle_.fetch_sub(1, std::memory_order_relaxed);
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> pg(v->park_mu);  // lock order: mu_ < park_mu
    v->wake_flag = true;
  }
  v->park_cv.notify_one();
}

void Runtime::spill(Worker* w, Task* t) noexcept {
  // Go's runqputslow: move half of the full local queue plus t to the global queue under one
  // lock, so a spawning task does not take the global lock once per task.
  uint32_t n = w->runq.grab_half(w->steal_buf);
  {
    std::lock_guard<std::mutex> g(mu_);
    for (uint32_t i = 0; i < n; ++i) gq_push(w->steal_buf[i]);
    gq_push(t);
    global_size_.fetch_add(n + 1, std::memory_order_relaxed);
  }
  if (npidle_.load(std::memory_order_relaxed) > 0) wakep();
}

Task* Runtime::pop_global(Worker* w) noexcept {
  if (gq_count_ == 0) return nullptr;
  int64_t n = std::min<int64_t>(static_cast<int64_t>(gq_count_) / procs_ + 1, kGlobalBatch);
  Task* t = gq_pop();
  int64_t taken = 1;
  while (--n > 0 && gq_count_ > 0) {
    if (!w->runq.push(gq_[gq_head_])) break;
    gq_pop();
    ++taken;
  }
  global_size_.fetch_sub(taken, std::memory_order_relaxed);
  return t;
}

// runnext_swap: a lone worker has no thief, so a plain load and store. With thieves, the owner
// brackets a plain load and store with runnext_section unless a thief has raised
// runnext_steal_req, and a thief (steal()) raises the request, calls process_barrier() and takes
// runnext only if it then sees no section. The barrier is what makes this sound on x86, whose
// store buffer lets the owner's load of the request pass its store of the flag: after it, either
// the owner's flag is visible to the thief (it backs off) or the owner's later load sees the
// request (it exchanges). Before, with thieves, every swap was an `xchg`: perf of pingpong cap=0
// procs 2 had ~20% of a round trip on the two per round trip (next_local 13.4%, ready 12.0% of
// the samples, ~80% of each on the instruction after the xchg). A thief takes runnext only in
// its last stealing round after a grace spin, so the barrier (~0.2 us here) is rare.
Task* Runtime::runnext_swap(Worker* w, Task* t) noexcept {
  if (w->solo) {
    Task* old = w->runnext.load(std::memory_order_relaxed);
    w->runnext.store(t, std::memory_order_relaxed);
    return old;
  }
  if (w->asym_runnext) {
    w->runnext_section.store(true, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the hardware order: process_barrier()
    if (w->runnext_steal_req.load(std::memory_order_acquire) == 0) {  // pairs with the thief's fetch_sub
      Task* old = w->runnext.load(std::memory_order_acquire);
      CCB_CHAOS_STALL();  // stress runs: a thief ignoring the section would take `old` here
      w->runnext.store(t, std::memory_order_release);
      w->runnext_section.store(false, std::memory_order_release);
      return old;
    }
    w->runnext_section.store(false, std::memory_order_release);
  }
  return w->runnext.exchange(t, std::memory_order_acq_rel);
}

void Runtime::ready(Worker* w, Task* t) noexcept {
  t->state.store(TaskState::Runnable, std::memory_order_relaxed);
  Task* old = runnext_swap(w, t);
  if (old == nullptr) return;
  // runnext was taken: there is now more runnable work than this worker can run next, so
  // another worker may help. A lone readied task waits in runnext for this worker instead of
  // waking a thread (a futex wake costs more than a whole ping-pong round trip).
  if (!w->runq.push(old)) spill(w, old);
  if (npidle_.load(std::memory_order_relaxed) > 0 && nmspinning_.load(std::memory_order_relaxed) == 0) {
    const int64_t backoff = wake_backoff_until_.load(std::memory_order_relaxed);
    if (backoff != 0 && now_ns() < backoff) return;
    wakep();
  }
}

void Runtime::wake_worker(Worker* v) noexcept {
  {
    std::lock_guard<std::mutex> g(v->park_mu);
    v->wake_flag = true;
  }
  v->park_cv.notify_one();
}

void Runtime::wakep() noexcept {
  int expected = 0;
  if (!nmspinning_.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return;
  Worker* v = nullptr;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (!idle_.empty()) {
      v = idle_.back();
      idle_.pop_back();
      v->idle.store(false, std::memory_order_relaxed);
      v->spinning = true;  // handed over under mu_: v reads it after leaving go_idle (under mu_)
      v->woken = true;
      npidle_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  if (v == nullptr) {
    nmspinning_.fetch_sub(1, std::memory_order_acq_rel);
    return;
  }
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> g(v->park_mu);
    v->wake_flag = true;
  }
  v->park_cv.notify_one();
}

void Runtime::timer_became_earliest(int64_t when) noexcept {
  // Store-load fence, paired with the one in go_idle's wait loop: the heap's new earliest
  // (published by a release store) is seen by the sleeper's re-read after its fence, or this sees
  // the sleeper counted idle and the deadline it stored before that fence. Without it the loads
  // below could pass that store (x86 store buffer) while the sleeper read the heap before it: both
  // would miss, and the worker would sleep past `when` (forever with every worker idle). Cost,
  // timers mode=startstop (every start makes its heap's earliest), 3 alternated rounds, median ns
  // per op against the fence-less binary: 1.05x / 1.02x / 1.10x at procs 2 / 4 / 8 (~5-9 ns);
  // mode=sleep 0.98-1.00x. The only worker of a one-proc run, arming a timer, is not idle and
  // reads the heaps itself before it sleeps, so it skips the fence (1.07x at procs 1 with it).
  if (procs_ == 1) {
    const Worker* self = this_worker();
    if (self != nullptr && self->rt == this) return;
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (npidle_.load(std::memory_order_acquire) == 0) return;
  // A worker whose timed sleep ends by `when` re-reads the heap then: no wake-up (a futex call
  // and a thread switch) is needed. This is what an idle worker usually does while another one
  // is busy (kIdleRecheckNs), and it made a timer start cost a wake-up each time the heap was
  // empty before it (timers mode=startstop, procs 2-8: see the commit that added it).
  Worker* idle = nullptr;
  for (Worker* v : workers_) {
    if (!v->idle.load(std::memory_order_relaxed)) continue;
    if (v->sleeps_until.load(std::memory_order_seq_cst) <= when) return;
    if (idle == nullptr) idle = v;
  }
  if (idle != nullptr) wake_worker(idle);
}

TimerHeap& Runtime::local_timers() noexcept {
  Worker* w = this_worker();
  return w != nullptr && w->rt == this ? w->timers : workers_[0]->timers;
}

int64_t Runtime::next_timer() const noexcept {
  int64_t when = TimerHeap::kNever;
  for (const Worker* v : workers_) when = std::min(when, v->timers.next_when());
  return when;
}

int Runtime::run_due_timers(int64_t now) noexcept {
  int fired = 0;
  for (Worker* v : workers_)
    if (v->timers.next_when() <= now) fired += v->timers.run_due(now);
  return fired;
}

// ---- Finding work -------------------------------------------------------------------------

Task* Runtime::next_local(Worker* w, bool run_timers) noexcept {
  if (shutdown_.load(std::memory_order_relaxed)) return nullptr;
  // Chaos steals take runnext too, without the grace spin, so that stress runs race thieves
  // against the owner's runnext_swap() all the time (a real thief rarely gets that far).
  if (CCB_CHAOS_STEAL() && procs_ > 1 && w->runq.empty()) if (Task* t = steal(w, true, false)) return t;
  const uint32_t tick = w->tick.load(std::memory_order_relaxed) + 1;
  w->tick.store(tick, std::memory_order_relaxed);
  if (tick % 61 == 0) {
    // Fairness: timers, then the global queue, then the runq ahead of runnext. A parking task
    // (run_timers false) holds its primitive's lock, under which timers must not fire: with one
    // due, the worker goes to its scheduler loop (g0), whose find_runnable fires it. Without that,
    // tasks handing off to each other through runnext on every worker kept a due timer from ever
    // firing (session 49's review, timer_starve.cpp: HandOffTimers.ADueTimerFiresWhileEveryWorkerOnlyHandsOff).
    if (const int64_t due = next_timer(); due != TimerHeap::kNever) {
      const int64_t now = now_ns();
      if (run_timers) run_due_timers(now);
      else if (due <= now) return nullptr;
    }
    if (global_size_.load(std::memory_order_relaxed) > 0) {
      std::lock_guard<std::mutex> g(mu_);
      if (Task* t = pop_global(w)) return t;
    }
    if (Task* t = w->runq.pop()) return t;
  }
  if (w->runnext.load(std::memory_order_relaxed) != nullptr)
    if (Task* t = runnext_swap(w, nullptr)) return t;
  if (Task* t = w->solo ? w->runq.pop_solo() : w->runq.pop()) return t;
  if (global_size_.load(std::memory_order_relaxed) > 0) {
    std::lock_guard<std::mutex> g(mu_);
    return pop_global(w);
  }
  return nullptr;
}

Task* Runtime::steal(Worker* w, bool steal_runnext, bool grace) noexcept {
  const bool backed_off = in_steal_backoff(w);
  const uint32_t start = static_cast<uint32_t>(w->rng >> 33) % static_cast<uint32_t>(procs_);
  w->rng ^= w->rng << 13; w->rng ^= w->rng >> 7; w->rng ^= w->rng << 17;
  for (int k = 0; k < procs_; ++k) {
    Worker* v = workers_[(start + static_cast<uint32_t>(k)) % static_cast<uint32_t>(procs_)];
    if (v == w) continue;
    // A queue its owner will run through within microseconds, with their data in its cache:
    // stealing it makes every later channel or lock operation between those tasks and the
    // victim's a cross-core one.
    if (const uint32_t q = v->runq.size(); q > 0 && drains_soon(w, v, q, backed_off)) continue;
    uint32_t n = v->runq.grab_half(w->steal_buf);
    if (n > 0) {
      for (uint32_t i = 1; i < n; ++i) w->runq.push(w->steal_buf[i]);
      w->steals += n;
      return w->steal_buf[0];
    }
    if (steal_runnext) {
      Task* t = v->runnext.load(std::memory_order_acquire);
      if (t == nullptr) continue;
      for (int i = 0; grace && i < kRunnextGraceSpins && v->runnext.load(std::memory_order_relaxed) == t; ++i)
        CCB_CPU_RELAX();
      bool taken;
      if (v->asym_runnext) {  // the thief's side of runnext_swap's protocol
        v->runnext_steal_req.fetch_add(1, std::memory_order_seq_cst);
        taken = process_barrier() && !v->runnext_section.load(std::memory_order_acquire) &&
                v->runnext.compare_exchange_strong(t, nullptr, std::memory_order_acq_rel);
        v->runnext_steal_req.fetch_sub(1, std::memory_order_release);
      } else {
        taken = v->runnext.compare_exchange_strong(t, nullptr, std::memory_order_acq_rel);
      }
      if (taken) {
        ++w->steals;
        return t;
      }
    }
  }
  return nullptr;
}

void Runtime::stop_spinning(Worker* w) noexcept {
  if (!w->spinning) return;
  w->spinning = false;
  // The last spinner found work: if more is queued here, get another worker looking (Go:
  // resetspinning).
  if (nmspinning_.fetch_sub(1, std::memory_order_acq_rel) == 1 &&
      (!w->runq.empty() || global_size_.load(std::memory_order_relaxed) > 0))
    wakep();
}

bool Runtime::drains_soon(Worker* thief, const Worker* v, uint32_t q, bool backed_off) const noexcept {
  // A short queue: one switch within kStealGraceSpins. A longer one: q switches, its whole
  // queue's worth, within kDrainSpins (a thief backed off: one switch).
  const uint32_t need = q < kLocalQueue || backed_off ? 1 : q;
  const uint32_t budget = q < kLocalQueue ? kStealGraceSpins : kDrainSpins;
  const uint32_t seen = v->tick.load(std::memory_order_relaxed);
  for (uint32_t i = 0; i < budget; ++i) {
    if (v->tick.load(std::memory_order_relaxed) - seen >= need) return true;  // wraps correctly
    if (oversubscribed_ && i % kOversubscribedYieldEvery == kOversubscribedYieldEvery - 1)
      sched_yield();  // let a victim that shares this CPU run
    else
      CCB_CPU_RELAX();
  }
  // A backed-off thief leaves an awake victim's queue alone until the victim looks stuck in one
  // task (StealBackoff::victim_stuck).
  if (backed_off && !v->idle.load(std::memory_order_acquire))
    return !thief->steal_backoff.victim_stuck(v->id, v->tick.load(std::memory_order_relaxed), now_ns());
  return false;
}

bool Runtime::any_local_work(Worker* self) const noexcept {
  const bool backed_off = in_steal_backoff(self);
  for (Worker* v : workers_) {
    if (v == self) continue;
    const uint32_t q = v->runq.size();
    // A queue of a worker that is awake and about to run through it is left to it (see
    // steal()); it is work for an idle thief when its owner stalls or is going idle.
    const bool queued = q > 0 || v->runnext.load(std::memory_order_acquire) != nullptr;
    if (queued && v->idle.load(std::memory_order_acquire)) return true;
    if (q > 0 && !drains_soon(self, v, q, backed_off)) return true;
  }
  return global_size_.load(std::memory_order_acquire) > 0;
}

Task* Runtime::find_runnable(Worker* w) {
  for (;;) {
    if (shutdown_.load(std::memory_order_acquire)) return nullptr;
    if (const int64_t due = next_timer(); due != TimerHeap::kNever && due <= now_ns()) run_due_timers(now_ns());
    if (Task* t = next_local(w)) {
      stop_spinning(w);
      wake_paid_off(w);
      return t;
    }
    if (w->steal_backoff.pending()) w->steal_backoff.judge(now_ns(), tl_lock_contention);
    if (procs_ > 1) {
      if (!w->spinning &&
          2 * nmspinning_.load(std::memory_order_relaxed) < procs_ - npidle_.load(std::memory_order_relaxed)) {
        w->spinning = true;
        nmspinning_.fetch_add(1, std::memory_order_acq_rel);
      }
      if (w->spinning) {
        for (int round = 0; round < kStealRounds; ++round) {
          if (Task* t = steal(w, round == kStealRounds - 1)) {
            w->steal_backoff.stole(now_ns(), tl_lock_contention);
            stop_spinning(w);
            wake_paid_off(w);
            return t;
          }
        }
      }
    }
    go_idle(w);
  }
}

void Runtime::wake_paid_off(Worker* w) noexcept {
  if (!w->woken) return;
  w->woken = false;
  if (futile_streak_.load(std::memory_order_relaxed) != 0) {
    futile_streak_.store(0, std::memory_order_relaxed);
    wake_backoff_until_.store(0, std::memory_order_relaxed);
  }
}

void Runtime::wake_was_futile(Worker* w) noexcept {
  if (!w->woken) return;
  w->woken = false;
  const int streak = std::min(futile_streak_.load(std::memory_order_relaxed) + 1, kWakeBackoffMaxShift + 1);
  futile_streak_.store(streak, std::memory_order_relaxed);
  wake_backoff_until_.store(now_ns() + (kWakeBackoffNs << (streak - 1)), std::memory_order_relaxed);
}

void Runtime::go_idle(Worker* w) {
  wake_was_futile(w);
  // Stop spinning before becoming visible as idle: from then on wakep() may hand this worker a
  // new spinning unit (it writes w->spinning under mu_, which this worker takes before it reads
  // w->spinning again, on leaving go_idle).
  if (w->spinning) {
    w->spinning = false;
    nmspinning_.fetch_sub(1, std::memory_order_acq_rel);
  }
  {
    std::lock_guard<std::mutex> g(mu_);
    if (shutdown_.load(std::memory_order_relaxed) || gq_count_ != 0) return;
    w->idle.store(true, std::memory_order_relaxed);
    idle_.push_back(w);
    if (npidle_.fetch_add(1, std::memory_order_acq_rel) + 1 == procs_) check_deadlock_locked();
  }
  // Re-check after advertising idleness: work pushed before we were visible must not be missed.
  bool sleep = !any_local_work(w) && !shutdown_.load(std::memory_order_acquire) &&
               next_timer() > now_ns();
  if (sleep) {
    ++w->parks;
    // While another worker is busy, sleep at most kIdleRecheckNs per idle worker: a task readied
    // or left behind a long-running task on that worker (no wake-up is sent for a lone runnext)
    // is then taken here (steal() sees the victim make no progress). With every worker idle, at
    // most kAllIdleRecheckNs (a worker leaving idle later does not shorten this sleep).
    const int idle_now = npidle_.load(std::memory_order_acquire);
    const int64_t recheck =
        now_ns() + (idle_now < procs_ ? kIdleRecheckNs * std::max(1, idle_now) : kAllIdleRecheckNs);
    std::unique_lock<std::mutex> lk(w->park_mu);
    while (!w->wake_flag && !shutdown_.load(std::memory_order_acquire)) {
      const int64_t deadline = std::min(next_timer(), recheck);
      w->sleeps_until.store(deadline, std::memory_order_seq_cst);
      // Paired with timer_became_earliest's fence: a timer that became the earliest since the
      // read above is seen by this re-read, or its adder sees this deadline (and wakes this
      // worker if it is later than the timer).
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (next_timer() < deadline) continue;
      if (deadline == TimerHeap::kNever) {
        w->park_cv.wait(lk);
      } else {
        int64_t wait = deadline - now_ns();
        if (wait <= 0) break;
        // Capped: wait_for adds the wait to steady_clock::now(), which overflows for a timer
        // clamped near TimerHeap::kLatest and times out at once (the worker would spin). A capped
        // wait that times out just waits again.
        const bool capped = wait > kMaxIdleWaitNs;
        if (w->park_cv.wait_for(lk, std::chrono::nanoseconds(capped ? kMaxIdleWaitNs : wait)) ==
                std::cv_status::timeout &&
            !capped)
          break;
      }
    }
    w->wake_flag = false;
    w->sleeps_until.store(TimerHeap::kNever, std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> g(mu_);
  if (w->idle.load(std::memory_order_relaxed)) {
    w->idle.store(false, std::memory_order_relaxed);
    idle_.erase(std::find(idle_.begin(), idle_.end(), w));
    npidle_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace ccb::detail
