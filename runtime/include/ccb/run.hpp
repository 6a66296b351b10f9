// ccb/run.hpp — starting the runtime, spawning tasks, yielding.
//
// ccb::run(config, main) starts `config.procs` workers (the calling thread is worker 0), runs `main`
// as the first task once every worker has started, and returns when `main` returns. Tasks still alive then are abandoned, as when
// Go's main returns: they are unwound (their destructors run, parks inside destructors are not
// resumed) and counted in Stats::tasks_abandoned. Children are unwound before their parents
// (deepest in the spawn tree first; below 65535 generations), so a task's references into its
// ancestors' frames (a [&] capture of the spawning scope's Mutex, WaitGroup or channel) stay valid
// while it unwinds; tasks not related by spawning go in no particular order, so an object in one
// task's frame that an unrelated task uses may be gone when that task unwinds. Sync objects and channels may outlive the run:
// what an abandoned task held or had queued on them is given back as it unwinds (a Mutex or
// RWMutex lock, even one an unlock had handed it before the run ended; a queued reader's place),
// but a wake-up, a Cond signal or a channel value handed to a task that is then unwound instead of
// run is dropped with it, as if that task had run and exited (every other task of the run is
// unwound too, and no task of a later run can have been waiting for it). A task parked inside a
// destructor during the unwinding becomes Dead, and so do a task blocked inside a destructor or a
// noexcept function when the run ends (the unwinding stops there, where C++ would terminate) and
// one that keeps yielding for a second while unwound (a catch (...) that swallows the unwinding):
// never resumed, by this run or a later one; its
// stack stays mapped until release_stacks(), what its frames own is leaked, and its waiter leaves
// the channel (or every channel of its select), Mutex, Cond, WaitGroup or semaphore queue it parked
// on (its send never happens). What it holds stays held: an RWMutex writer left Dead in lock()
// keeps the write lock for good (as a task blocked forever holding it would).
// A plain thread's call that wakes several tasks (a close, WaitGroup::done, Cond::broadcast, a
// cancel, an RWMutex::unlock() letting queued readers in) queues them all at once, under the
// run's queue lock, and touches nothing of the run after: main among them may return and end the
// run at once. Such a call must still start while the run is in progress and not race its end
// otherwise (main returning for another reason): it could take a waiter the ending run then
// unwinds and frees (a crash, as any use of an ended run's tasks).
// Timers and Tickers may outlive the run too: a pending one is stopped when its run ends (it never
// fires; its stop() or reset() then returns false), and reset() from a task of a later run arms it
// in that run (see ccb/time.hpp). A context's deadline is such a timer, revived by the context's
// next done(), err() or child in a later run (ccb/context.hpp, "Runs").
// Errors surface from run(): an exception escaping any task ends the run (Go: a panic in any
// goroutine ends the program) and the first one is rethrown by run(); when every task is blocked
// and no timer is pending, run() throws ccb::Deadlock ("all tasks are asleep - deadlock!") listing
// what each blocked task waits on. An invalid Config throws ccb::ConfigError before anything starts.
// Scheduling is cooperative: a task runs until it blocks, yields or exits (Go before 1.14); a task
// that loops without calling the runtime holds its worker. Tasks migrate between workers when
// stolen, so a task must not keep a thread_local's address across a call that can block. The C++
// exception state is the task's own, not its thread's: a task may block inside a catch block or a
// destructor run by an exception and then `throw;`, and std::current_exception() and
// std::uncaught_exceptions() answer for it alone.
// One ccb::run at a time per process; run() is not reentrant: calling it from a task throws Panic
// ("ccb::run called from inside a task (run is not reentrant)"), and so does calling it from another
// thread while a run is in progress ("ccb::run: another run is in progress in this process").
// Timer precision: while a run is in progress every worker thread, the calling thread included,
// has a Linux timer slack of 1 ns (prctl PR_SET_TIMERSLACK; the default 50 us was added to every
// timer that fired while its worker slept); the calling thread's own value is restored after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include "ccb/detail/task_api.hpp"
#include "ccb/errors.hpp"

namespace ccb {

// set_default_worker_start() sets the hook every Config made afterwards starts with (e.g. a
// benchmark harness pinning worker threads to CPUs); default_worker_start() returns it (empty by
// default). Thread-safe (a mutex guards the process-wide hook).
void set_default_worker_start(std::function<void(int worker_index)> hook);
std::function<void(int worker_index)> default_worker_start();

// Config: runtime parameters. Validated by run(); a bad value throws ConfigError naming the field.
struct Config {
  int procs = 0;                    // worker threads; 0 = hardware concurrency; 1..1024
  std::size_t stack_size = 64 * 1024;  // bytes reserved per task stack (committed lazily); 16 KiB..64 MiB
  // Throw Deadlock instead of hanging when all tasks are blocked and no timer is pending. The check
  // cannot see plain threads: a run whose tasks wait for a std::thread to close a channel or cancel
  // a context (allowed: see ccb/context.hpp) must set it to false, or keep a timer pending.
  bool detect_deadlock = true;
  // Called once on each worker thread as it starts, before it runs any task (worker 0 is the thread
  // calling run(), called there after the other workers' threads are created; main starts once
  // every worker has started). Empty = nothing is called. The
  // default is the process-wide hook of set_default_worker_start() at the time the Config is made.
  // It must not call into the runtime and must not throw (a throwing hook calls std::terminate).
  std::function<void(int worker_index)> on_worker_start = default_worker_start();
};

// Stats: counters of the last completed run() (or of the current one, while it runs).
struct Stats {
  uint64_t tasks_spawned = 0;     // including main
  uint64_t tasks_abandoned = 0;   // alive when main returned
  uint64_t steals = 0;            // tasks taken from another worker's run queue
  uint64_t stacks_allocated = 0;  // fresh stacks mapped (the rest were reused)
  uint64_t parks = 0;             // times an idle worker went to sleep (futex wait)
  uint64_t wakeups = 0;           // times a sleeping worker was woken to look for work
  int procs = 0;
};

// run() runs `main` as the first task of a fresh runtime and returns when it returns.
// Throws: ConfigError (a bad Config field, an empty main), Deadlock, Panic (from run() inside a task
// or during another thread's run; nothing has started then), or the first exception a task threw.
void run(const Config& config, std::function<void()> main);
inline void run(std::function<void()> main) { run(Config{}, std::move(main)); }

// stats() returns the counters of the current or last run. Safe from any thread at any time (during
// a run, tasks_spawned is an estimate and the other counters are 0).
Stats stats();

// go() spawns a task running f(args...). The callable and arguments are moved into the task; a
// closure of up to 48 bytes whose move cannot throw is moved once more when the task first runs
// (from its queue slot onto its stack, see runtime/src/task.hpp).
// Requires: called from a task (throws NotInTask otherwise). An empty f (an empty std::function,
// a null function pointer) throws InvalidArgument ("ccb::go: f is empty (...)") and starts no task
// (Go: "go of nil func value"); the check is compiled out for lambdas and other function objects.
// A closure larger than a quarter of the task stack throws std::length_error ("ccb::go: the task's
// closure (N bytes) exceeds a quarter of the task stack; ..."), and no stack left to map throws
// std::bad_alloc; neither starts a task.
template <class F, class... Args>
void go(F&& f, Args&&... args);

// yield() lets other runnable tasks run; the caller stays runnable. Outside a task it is a no-op.
void yield();

// num_procs() returns the number of workers of the current run (0 outside run()).
int num_procs();

// release_stacks() unmaps every task stack the runtime keeps pooled between runs and frees its
// pooled 128-byte task slots (both are kept so that the next run maps and first-touches nothing;
// each guarded stack also holds two of the process's vm.max_map_count mappings). Call it between
// runs to give that memory and those mappings back, e.g. before starting many OS threads or
// measuring memory per task.
// Throws Panic while a run is in progress.
void release_stacks();

// ---------------------------------------------------------------------------------------------
// Template definitions.

template <class F, class... Args>
void go(F&& f, Args&&... args) {
  detail::check_callable(f, "ccb::go: f");
  auto bound = [fn = std::forward<F>(f), ... a = std::forward<Args>(args)]() mutable {
    std::invoke(std::move(fn), std::move(a)...);
  };
  using B = decltype(bound);
  void (*relocate)(void*, void*) noexcept = nullptr;
  if constexpr (std::is_nothrow_move_constructible_v<B>)
    relocate = [](void* from, void* to) noexcept {
      B* f = static_cast<B*>(from);
      ::new (to) B(std::move(*f));
      f->~B();
    };
  void* storage = nullptr;
  detail::Task* t = detail::new_task(sizeof(B), alignof(B), relocate, &storage);
  B* obj;
  try {
    obj = ::new (storage) B(std::move(bound));
  } catch (...) {
    detail::discard_task(t);
    throw;
  }
  detail::spawn(t, [](void* p) { (*static_cast<B*>(p))(); },
                [](void* p) noexcept { static_cast<B*>(p)->~B(); }, obj);
}

}  // namespace ccb
