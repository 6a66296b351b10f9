// runtime/src/scheduler.hpp — the M:N scheduler (Go: runtime/proc.go).
//
// Glossary (Go's words): a task is a G; a worker is an M bound to its own P (one OS thread per
// proc, never more); g0 is a worker's scheduler context running on the thread's own stack;
// runq/runnext are the worker's local queues; the global queue is sched.runq.
//
// Guarantees:
//  - Blocking parks the task, never the worker: a worker blocks (futex via condition variable)
//    only when it has found no runnable task anywhere, after a bounded spin while stealing.
//  - A task readied by a running task goes to that worker's runnext slot and runs next (the
//    ping-pong fast path); the displaced runnext goes to the tail of the local runq.
//  - Work stealing: an idle worker steals half of a random victim's runq (then its runnext),
//    except a queue its owner will soon have run through: shorter than 8 and its owner switches
//    tasks (its tick moves) within 200 pauses, or longer and its owner switches as many times as
//    the queue is long within 400 pauses. That queue stays where its tasks' data is, and the
//    idle worker sleeps until woken or, while another worker is busy, for at most 500 us per idle worker
//    before it looks again (drains_soon, kIdleRecheckNs); one that went idle with every worker
//    idle, for at most 10 ms (kAllIdleRecheckNs). A task left behind a
//    long-running task on a busy worker is therefore taken by an idle one.
//  - Contended steals: a thief whose stolen tasks kept meeting the victim's on a held lock backs
//    off for 100 us to 1.6 ms; meanwhile one switch within 400 pauses keeps a victim's queue of
//    any length from it (steal_backoff.hpp). A victim stuck in one task (its tick unchanged for
//    200 us as the thief watches it) is still robbed.
//  - Fairness: every 61st scheduling decision looks at the global queue and the timers first, and
//    prefers the local runq over runnext, so ping-ponging pairs cannot starve other tasks (nor
//    due timers: a parking task's decision that finds one due goes through the scheduler loop,
//    which fires it).
//  - An idle runtime uses almost no CPU: idle workers sleep until work arrives, the next timer is
//    due, or 10 ms pass (while another worker is busy, the idle ones look again ~2000 times a
//    second in all).
//  - Deadlock: when the last worker goes idle, no task is runnable and no timer is pending, the
//    run ends with ccb::Deadlock and a dump of what every blocked task waits on.
//  - A task readied by a thread that is no worker (task_ops.cpp ready_from_outside) goes on the
//    global queue under mu_ and wakes an idle worker (push_global); the deadlock check runs under
//    mu_ and sees it queued. What it cannot see is a plain thread that WILL ready a task later:
//    events from outside the run count only once they arrive (a pending timer counts while it is
//    pending; a thread is no timer). A run whose tasks all wait on plain threads therefore ends
//    with Deadlock unless Config::detect_deadlock is false, as Go's checkdead stands down only
//    when C threads may call in (cgo's extra M).
// Concurrency:
//  - Worker fields marked "owner" are touched only by that worker's thread.
//  - runq_ and runnext_ are shared with thieves (lock-free, see run_queue.hpp).
//  - Runtime::mu_ guards the global queue, the idle list and the shutdown/panic state.
//  - Lock order (runtime/src/lock_order.md): primitive locks (channels in address order) <
//    TimerHeap::mu < Runtime::mu_ < Worker::park_mu. Primitives release their own lock before
//    calling ready(), as Go readies after unlock.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ccb/run.hpp"
#include "run_queue.hpp"
#include "stack_pool.hpp"
#include "steal_backoff.hpp"
#include "task.hpp"
#include "task_pool.hpp"
#include "timers.hpp"

namespace ccb::detail {

class Runtime;

// AfterSwitch: an action run on the new context right after a switch, with the task that left.
using AfterSwitch = void (*)(struct Worker* w, Task* from);

struct alignas(64) Worker {
  Runtime* rt = nullptr;
  int id = 0;
  // Shared with thieves:
  RunQueue runq;
  alignas(64) std::atomic<Task*> runnext{nullptr};
  // The asymmetric runnext protocol (Runtime::runnext_swap and steal): the owner sets
  // runnext_section around a plain load and store of runnext, unless a thief has raised
  // runnext_steal_req; a thief raises it, calls process_barrier() and takes runnext (CAS) only if
  // the owner is not in its section. Same cache line as runnext: the owner touches all three.
  std::atomic<bool> runnext_section{false};  // written by the owner only
  std::atomic<int> runnext_steal_req{0};     // thieves between their request and their take
  // Owner only:
  Task g0;
  Task* current = nullptr;
  AfterSwitch after = nullptr;      // pending action for the context being resumed
  Task* switch_from = nullptr;
  void (*park_unlock)(void*) noexcept = nullptr;
  void* park_arg = nullptr;
  struct EhGlobals* eh = nullptr;   // this thread's exception-handling state (eh_globals.hpp)
  // Schedules so far. Written by the owner only (relaxed load and store, no read-modify-write);
  // thieves read it: a victim whose tick moves is switching tasks itself (steal()). A line of its
  // own: a thief watching a victim (drains_soon) reads it in a loop, so any field on its line that
  // the owner writes per operation costs the running task a cache miss per write. rng, written by
  // every select (fast_rand), shared it once 6c0d2c4's `eh` moved it by 8 bytes: a consumer's drain
  // of its buffered channels then outlasted the thieves' grace, they stole, and select channels=4
  // consumers=2 cap=64 at procs 2 ran at 122-212 ns per message with ~500 steals per run, against
  // 48-79 ns and ~5 steals with tick on a line of its own (see the commit).
  alignas(64) std::atomic<uint32_t> tick{0};
  alignas(64) uint64_t rng = 0;
  bool spinning = false;
  bool woken = false;    // handed a spinning unit by wakep() and has not run a task since (mu_)
  LocalStackCache stacks;
  uint64_t spawned = 0;              // owner writes; ccb::stats() reads any time (atomic_ref)
  uint64_t steals = 0;
  uint64_t parks = 0;               // times this worker went to sleep idle (Stats::parks)
  bool solo = false;                // the only worker: no thief can touch runq/runnext
  // Immutable after construction: the asymmetric runnext protocol is on (procs > 1 and the
  // kernel has membarrier's expedited private barrier); off, runnext is exchanged (locked).
  bool asym_runnext = false;
  uint64_t id_next = 0, id_end = 0; // task ids reserved from Runtime::next_task_id
  // Tasks spawned here minus tasks that exited here (may go negative: tasks migrate). Written by
  // the owner only (no read-modify-write), read by anyone; Runtime::live_tasks() sums them.
  // Measured with skynet procs=2: one shared counter updated by every spawn and exit made the
  // workers fight over its cache line.
  std::atomic<int64_t> live{0};
  // Timers armed by tasks running here; any worker may run its due ones (timers.hpp).
  alignas(64) TimerHeap timers;
  Task* steal_buf[RunQueue::kSize / 2];
  std::thread thread;
  // Idle parking, guarded by park_mu:
  std::mutex park_mu;
  std::condition_variable park_cv;
  bool wake_flag = false;
  std::atomic<bool> idle{false};    // on the runtime's idle list (written under Runtime::mu_)
  // The time this worker's idle sleep ends by itself (its timed wait's deadline), kNever when it
  // is not in a timed wait. Written by the owner only; read by timer_became_earliest().
  std::atomic<int64_t> sleeps_until{INT64_MAX};
  LocalTaskCache tasks;
  StealBackoff steal_backoff;       // owner only (steal_backoff.hpp)
  // Owner only. The queue and waiter of the last park_on_queue(), or the withdraw function and
  // argument of the last park_withdrawable(), made by a task being unwound at the end of the run
  // (recorded only then, in park()'s cold unwinding branch): when that park leaves the task Dead
  // (it parked inside a destructor), unwind_abandoned() unlinks the waiter or calls withdraw, so
  // that no later operation finds it (see run.hpp).
  SpinLock* dead_lock = nullptr;
  WaitQueue* dead_q = nullptr;
  Waiter* dead_me = nullptr;
  void (*dead_withdraw)(void*) noexcept = nullptr;
  void* dead_arg = nullptr;
  // Owner only: yields made by the task being unwound, and when the first was (ns, steady clock);
  // reset for each task (resume_for_unwind). See yield() in task_ops.cpp.
  uint32_t unwind_yields = 0;
  int64_t unwind_yield_since_ns = 0;
};

// UnwindTerminateHandler: while one is alive (Runtime::unwind_abandoned, worker 0's thread), a
// std::terminate raised by the unwinding of an abandoned task blocked in a destructor or a
// noexcept function leaves that task Dead instead of ending the process (task_ops.cpp).
class UnwindTerminateHandler {
 public:
  UnwindTerminateHandler();
  ~UnwindTerminateHandler();
  UnwindTerminateHandler(const UnwindTerminateHandler&) = delete;
  UnwindTerminateHandler& operator=(const UnwindTerminateHandler&) = delete;
};

// kUnwindYieldLimitNs: how long a task being unwound may keep yielding before it is left Dead
// (yield(), task_ops.cpp). Nothing else runs meanwhile, so such a loop cannot be waiting for a task;
// 1 s leaves room for one that polls a plain thread's flag.
inline constexpr int64_t kUnwindYieldLimitNs = 1'000'000'000;

// for_each_task() visits every task header in use: on a stack (started, or spawned with a large
// closure) or in a Task slot (spawned, not started). A task that starts during the scan may be
// seen twice or not at all; callers that need an exact answer run it with no worker running.
template <class F>
void for_each_task(F&& f) {
  stack_pool().for_each_used([&](Stack* s) { f(s->task); });
  task_pool().for_each_live([&](Task& t) { f(t); });
}

class Runtime {
 public:
  explicit Runtime(const Config& cfg);
  ~Runtime();
  void run_main(std::function<void()> main);  // returns when main returns or the run fails

  // Scheduling entry points (see scheduler.cpp).
  void ready(Worker* w, Task* t) noexcept;
  // push_global() and push_global_list() ready tasks from a thread that is no worker: they queue
  // them and wake an idle worker all under mu_, and touch nothing of the run after releasing it
  // (a readied main may return and end the run at once). The list's waiters are linked by next.
  void push_global(Task* t) noexcept;
  void push_global_list(Waiter* first) noexcept;
  void spill(Worker* w, Task* t) noexcept;  // owner: local runq full
  void wakep() noexcept;
  Task* find_runnable(Worker* w);
  // next_local(w, run_timers): run_timers = false from park(), which still holds the parking
  // primitive's lock (released only after the switch): a timer fired there could need that
  // lock (the task's own timer channel, or TimerHeap::mu held by sleep_for) and self-deadlock.
  Task* next_local(Worker* w, bool run_timers = true) noexcept;

  // End of run.
  void finish(std::exception_ptr e) noexcept;  // main returned (e == null) or a task failed
  bool shutting_down() const noexcept { return shutdown_.load(std::memory_order_acquire); }

  // timer_became_earliest(when) wakes an idle worker so it re-arms its sleep for the new earliest
  // deadline `when` — unless one already sleeps with a deadline at or before `when`: that one
  // wakes in time and re-arms for the heap's earliest then.
  void timer_became_earliest(int64_t when) noexcept;
  // local_timers() is the calling worker's heap (worker 0's for a thread outside the run): where a
  // timer armed now goes.
  TimerHeap& local_timers() noexcept;
  // next_timer() is the earliest deadline over every worker's heap (TimerHeap::kNever if none).
  int64_t next_timer() const noexcept;
  // run_due_timers() fires the due timers of every heap; returns how many fired.
  int run_due_timers(int64_t now) noexcept;

  // lock_if_alive(rt) is for a thread that may not be one of rt's workers and holds a pointer to
  // a Runtime that may have been destroyed (a ccb::Timer used from a plain thread or after its
  // run): the returned lock owns the registry mutex when rt is still alive (constructed, not yet
  // destroyed), and rt cannot be destroyed while it is held; it owns nothing otherwise. rt is only
  // compared, never read, before that. Lock order: between the timer/context state locks and
  // TimerHeap::mu (lock_order.md); nothing else is taken under it except what arming a timer takes.
  // `id` must be rt's id() as read while rt was known alive: a later run's Runtime may sit at the
  // same address, and only the pair names one run (a plain thread's Timer::reset() armed a timer
  // of an ended run in the later run when, and only when, their Runtimes shared an address).
  static std::unique_lock<std::mutex> lock_if_alive(const Runtime* rt, uint64_t id);
  // lock_registry() owns the registry mutex: no Runtime is destroyed while it is held (ccb::stats()
  // from any thread reads the run in progress under it: a Runtime is unpublished, then destroyed).
  static std::unique_lock<std::mutex> lock_registry();
  // id() is unique to this Runtime among all Runtimes of the process (a run's identity).
  uint64_t id() const noexcept { return id_; }
  // OutsideRearm counts, for its lifetime, a thread outside the run re-arming one of this
  // runtime's timers under lock_if_alive (timer.cpp rearm_locked): the timer is out of its heap
  // meanwhile, and check_deadlock_locked() must not take that for "no timer pending".
  class OutsideRearm {
   public:
    explicit OutsideRearm(Runtime& rt) noexcept : rt_(rt) { rt_.outside_rearms_.fetch_add(1, std::memory_order_seq_cst); }
    ~OutsideRearm() { rt_.outside_rearms_.fetch_sub(1, std::memory_order_release); }
    OutsideRearm(const OutsideRearm&) = delete;
    OutsideRearm& operator=(const OutsideRearm&) = delete;

   private:
    Runtime& rt_;
  };

  int procs() const { return procs_; }
  uint64_t abandoned() const { return abandoned_; }
  const Config& config() const { return cfg_; }
  Worker& worker(int i) { return *workers_[static_cast<std::size_t>(i)]; }
  std::atomic<uint64_t> next_task_id{1};  // ids are handed to workers in batches
  // live_tasks() is exact when no worker runs (deadlock check, end of run), an estimate otherwise.
  int64_t live_tasks() const noexcept;
  // task_spawned()/task_exited() count a task in or out on worker w. Owner only.
  static void task_spawned(Worker* w) noexcept { w->live.store(w->live.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  static void task_exited(Worker* w) noexcept { w->live.store(w->live.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed); }
  uint64_t new_task_id(Worker* w) noexcept;

 private:
  friend struct SchedulerAccess;
  void worker_main(Worker* w);
  void schedule_loop(Worker* w);
  // steal(w, steal_runnext, grace): a task from another worker's runq, or (steal_runnext) its
  // runnext, after watching it for kRunnextGraceSpins pauses unless !grace (chaos steals).
  Task* steal(Worker* w, bool steal_runnext, bool grace = true) noexcept;
  // runnext_swap(w, t): owner only; puts t (or nullptr, to take it) into w->runnext and returns
  // what was there, with plain operations when no thief can interfere (see scheduler.cpp).
  static Task* runnext_swap(Worker* w, Task* t) noexcept;
  Task* pop_global(Worker* w) noexcept;  // requires mu_
  // any_local_work(): work an idle worker `self` should take now (a queue its busy owner is
  // about to run through is not: see drains_soon()).
  bool any_local_work(Worker* self) const noexcept;
  // drains_soon(): victim v, with q > 0 tasks queued, is about to have run them: it switches
  // tasks within 200 pauses (q < 8), or q times within 400 pauses (scheduler.cpp, kDrainSpins);
  // for a thief in its contended-steal back-off (`backed_off`), once within 400 pauses at any q,
  // or, failing that, v is awake and not stuck (StealBackoff::victim_stuck, the thief's watch).
  // Spins while it watches v's tick.
  bool drains_soon(Worker* thief, const Worker* v, uint32_t q, bool backed_off) const noexcept;
  void go_idle(Worker* w);
  void stop_spinning(Worker* w) noexcept;
  void wake_paid_off(Worker* w) noexcept;    // w ran a task: reset the futile-wake back-off
  void wake_was_futile(Worker* w) noexcept;  // w goes idle again: extend it
  static void wake_worker(Worker* v) noexcept;
  void check_deadlock_locked();           // requires mu_, all workers idle
  static std::string dump_blocked_tasks();  // reads only the stack pool: any thread (ccb/debug.hpp)
  void unwind_abandoned();

  const Config cfg_;
  const int procs_;
  const bool oversubscribed_;  // more workers than CPUs this process may use
  const uint64_t id_;          // id(): from a process-wide counter
  std::vector<Worker*> workers_;
  alignas(64) std::atomic<int> npidle_{0};
  std::atomic<int> nmspinning_{0};
  std::atomic<uint64_t> wakeups_{0};  // idle workers woken by wakep() (Stats::wakeups)
  std::atomic<int> workers_started_{0};  // workers 1..procs-1 in their loop (run_main waits for all)
  // Futile wake-ups: a worker woken by ready()'s wakep() that went back to sleep without running
  // a task. After one, ready() sends none until wake_backoff_until_ (doubling per futile wake-up
  // in a row, futile_streak_); a woken worker that runs a task resets both (scheduler.cpp).
  std::atomic<int64_t> wake_backoff_until_{0};
  std::atomic<int> futile_streak_{0};
  std::atomic<bool> shutdown_{false};
  std::atomic<int> outside_rearms_{0};  // live OutsideRearm objects
  std::atomic<int64_t> global_size_{0};
  // Guarded by mu_:
  std::mutex mu_;
  // The global queue: a growable ring of task pointers (never a list threaded through the tasks:
  // each Task lives at the top of its own stack, so walking links would touch one page per task —
  // 43% of skynet size=100000 procs=1 went to that pointer chase in pop_global).
  std::vector<Task*> gq_;      // capacity a power of two
  std::size_t gq_head_ = 0;    // index of the oldest task
  std::size_t gq_count_ = 0;
  void gq_push(Task* t);       // requires mu_
  void wakep_locked() noexcept;  // wakep() for a caller holding mu_ (push_global*)
  Task* gq_pop() noexcept;     // requires mu_ and gq_count_ > 0
  std::vector<Worker*> idle_;
  std::exception_ptr failure_;
  bool finished_ = false;
  uint64_t abandoned_ = 0;
};

// this_worker() returns the calling thread's worker, or nullptr. Not inlined, so that a task
// resumed on another thread re-reads the thread-local instead of reusing a cached address.
Worker* this_worker() noexcept;
Runtime* current_runtime() noexcept;

}  // namespace ccb::detail
