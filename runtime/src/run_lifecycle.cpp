// runtime/src/run_lifecycle.cpp — a run's start and end (Go: runtime/proc.go's schedinit, mstart
// and checkdead): ccb::run, worker threads, the deadlock check and its report, unwinding tasks
// abandoned when main returns, ccb::stats and the worker-start hook. See scheduler.hpp for the
// guarantees; the scheduling policy itself is in scheduler.cpp.
// Concurrency: g_running is the one run in progress (CAS in run()); g_last_stats is guarded by
// g_stats_mu; g_worker_start by g_worker_start_mu.
#include <algorithm>
#include <sys/prctl.h>

#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "ccb/errors.hpp"
#include "chaos.hpp"
#include "fiber_switch.hpp"
#include "overflow_handler.hpp"
#include "scheduler.hpp"

namespace ccb::detail {

void set_this_worker(Worker* w) noexcept;
void resume_for_unwind(Worker* w, Task* t) noexcept;

namespace {
std::atomic<Runtime*> g_running{nullptr};
std::mutex g_stats_mu;
Stats g_last_stats;

void init_g0(Worker* w) {
  w->g0.is_g0 = true;
  w->g0.state.store(TaskState::Running, std::memory_order_relaxed);
  w->current = &w->g0;
  w->eh = this_thread_eh();
#if defined(CCB_TSAN)
  w->g0.tsan_fiber = __tsan_get_current_fiber();
#endif
}
// TimerSlack sets the calling thread's timer slack (the extra delay Linux may add to a timed wait
// so it can batch wake-ups; 50 us by default) to kWorkerTimerSlackNs while a worker runs on it,
// and restores the previous value after. It is set on worker 0 before the other workers start, and
// a new thread inherits its creator's slack. An idle worker's timed wait ends at the earliest
// timer, so the slack was added to every sleep_for, timer and timeout that fired while its worker
// idled: timers mode=sleep (20 us sleeps), ns per op, before -> after: procs 1 22844 -> 10532,
// procs 2 22696 -> 10770, procs 4 17968 -> 10808 (a plain 20 us nanosleep on this machine: p50
// 89.8 us with the default slack, 39.6 us with 1 ns).
class TimerSlack {
 public:
  TimerSlack() noexcept : old_(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)) {
    prctl(PR_SET_TIMERSLACK, kWorkerTimerSlackNs, 0, 0, 0);
  }
  ~TimerSlack() {
    if (old_ > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(old_), 0, 0, 0);
  }
  TimerSlack(const TimerSlack&) = delete;
  TimerSlack& operator=(const TimerSlack&) = delete;

 private:
  static constexpr unsigned long kWorkerTimerSlackNs = 1;
  int old_;
};
}  // namespace

// ---- Deadlock and end of run ---------------------------------------------------------------

void Runtime::check_deadlock_locked() {
  if (!cfg_.detect_deadlock || finished_ || gq_count_ != 0) return;
  if (next_timer() != TimerHeap::kNever) return;
  // A plain thread re-arming a timer took it out of its heap and will put it back (OutsideRearm):
  // not a deadlock. The heaps are read again after the count: a re-arm that had removed the timer
  // before the first read and has finished before the count was read is seen in its heap then
  // (its count's release pairs with this acquire, its removal's with the first read).
  if (outside_rearms_.load(std::memory_order_acquire) != 0 || next_timer() != TimerHeap::kNever) return;
  for (Worker* v : workers_)
    if (!v->runq.empty() || v->runnext.load(std::memory_order_acquire) != nullptr) return;
  if (live_tasks() <= 0) return;
  failure_ = std::make_exception_ptr(Deadlock("all tasks are asleep - deadlock!\n" + dump_blocked_tasks()));
  finished_ = true;
  shutdown_.store(true, std::memory_order_release);
  for (Worker* v : workers_) wake_worker(v);
}

std::string Runtime::dump_blocked_tasks() {
  std::ostringstream out;
  int shown = 0, more = 0;
  for_each_task([&](Task& t) {
    if (t.state.load(std::memory_order_acquire) != TaskState::Parked) return;
    if (shown >= 64) {
      ++more;
      return;
    }
    ++shown;
    out << "  task " << t.id << (t.id == 1 ? " (main)" : "") << ": " << wait_reason_name(t.wait_reason);
    if (t.wait_obj != nullptr) out << " on " << t.wait_obj;
    out << "\n";
  });
  if (more > 0) out << "  ... and " << more << " more blocked tasks\n";
  return out.str();
}

void Runtime::finish(std::exception_ptr e) noexcept {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (e != nullptr && failure_ == nullptr) failure_ = e;
    if (finished_) return;
    finished_ = true;
    shutdown_.store(true, std::memory_order_release);
  }
  for (Worker* v : workers_) wake_worker(v);
}

void Runtime::unwind_abandoned() {
  Worker* w = workers_[0];
  if (live_tasks() == 0) return;
  UnwindTerminateHandler dead_not_terminated;
  // A destructor run by the unwinding may spawn tasks (never started: the next pass discards
  // them) or park; a task parked inside a destructor is not resumed, now or by a later run (it
  // becomes Dead and its waiter leaves its queue, below; its stack stays mapped until
  // release_stacks(); debug::live_tasks() does not count it: it is no longer runnable or parked).
  for (std::vector<Task*> alive;; alive.clear()) {
    for_each_task([&](Task& t) {
      TaskState st = t.state.load(std::memory_order_acquire);
      if (st == TaskState::Runnable || st == TaskState::Parked) alive.push_back(&t);
    });
    if (alive.empty()) return;
    // Deepest in the spawn tree first: a task's frames may hold references into its ancestors'
    // frames (a [&] capture, a Mutex or WaitGroup of the spawning scope), so its destructors run
    // while those frames are still alive. Parent first, a child's lock_guard then unlocked a
    // Mutex its parent's unwinding had destroyed, and readied a task long gone (stress mixed
    // after a failure: a segfault in about 1 run in 4 at procs 2).
    std::stable_sort(alive.begin(), alive.end(), [](const Task* a, const Task* b) { return a->depth > b->depth; });
    for (Task* t : alive) {
      ++abandoned_;
      if (!t->started) {
        t->destroy(t->obj);
#if defined(CCB_TSAN)
        __tsan_destroy_fiber(t->tsan_fiber);
#endif
        task_exited(w);
        discard_task(t);  // its slot, or its stack, back to worker 0's caches
        continue;
      }
      w->dead_q = nullptr;
      w->dead_withdraw = nullptr;
      resume_for_unwind(w, t);  // returns when the task exits (or parks again inside a destructor)
      // Parked inside a destructor: never resumed, by this run or a later one (see above). Its
      // waiter leaves the queue it parked on (park_on_queue recorded it; a select's waiters, or an
      // RWMutex reader's with its queued count, leave through park_withdrawable's function), or
      // the next operation there would ready it, or reach into its stack after release_stacks()
      // unmapped it.
      if (t->state.load(std::memory_order_relaxed) == TaskState::Parked) {
        t->state.store(TaskState::Dead, std::memory_order_relaxed);
        if (w->dead_q != nullptr) {
          w->dead_lock->lock();
          w->dead_q->remove(w->dead_me);
          w->dead_lock->unlock();
          w->dead_q = nullptr;
        } else if (w->dead_withdraw != nullptr) {
          w->dead_withdraw(w->dead_arg);  // the arg lives on the Dead task's stack, still mapped
          w->dead_withdraw = nullptr;
        }
      }
    }
  }
}

// start_hook() calls Config::on_worker_start for worker `w` (see run.hpp); noexcept: a throwing
// hook terminates.
static void start_hook(const Config& cfg, const Worker* w) noexcept {
  if (cfg.on_worker_start) cfg.on_worker_start(w->id);
}

void Runtime::worker_main(Worker* w) {
  start_hook(cfg_, w);
  set_this_worker(w);
  init_g0(w);
  AltStack alt;
  // Its timer slack is worker 0's (see TimerSlack): a new thread inherits its creator's.
  workers_started_.fetch_add(1, std::memory_order_release);  // run_main spawns main once all are here
  workers_started_.notify_one();
  schedule_loop(w);
  set_this_worker(nullptr);
}

void Runtime::schedule_loop(Worker* w) {
  while (Task* t = find_runnable(w)) switch_to<true>(w, t, nullptr);
}

void Runtime::run_main(std::function<void()> main) {
  install_overflow_handler();
  stack_pool().configure(cfg_.stack_size);
  stack_pool().reset_allocated();
  for (Worker* w : workers_) stack_pool().take_slab_rest(w->stacks);
  Worker* w0 = workers_[0];
  set_this_worker(w0);
  init_g0(w0);
  AltStack alt;
  TimerSlack slack;
  // Workers 1..procs-1 start before worker 0's start hook (so none begins confined to the CPU a
  // pinning hook gives worker 0), and main is spawned only once every one of them has reached its
  // scheduling loop: from main's first instruction the run has `procs` workers, as a Go program
  // has its Ps. Before, main started at once and a new worker, created with worker 0's CPU mask,
  // could wait for the kernel to preempt worker 0 before it ran at all: the start of every run
  // of a short workload measured fewer workers than procs (fairness audit, session 35).
  // A start that fails (the OS refuses a thread, or memory for main's slot) stops the workers
  // already started and ends the run without main; the exception is thrown after the same
  // clean-up as a normal end. (Before, it left joinable threads to ~Runtime: std::terminate.)
  int started = 1;  // workers 0 .. started-1 run
  std::exception_ptr start_failure;
  try {
    for (; started < procs_; ++started) {
      Worker* w = workers_[static_cast<std::size_t>(started)];
      w->thread = std::thread([this, w] { worker_main(w); });
    }
  } catch (const std::system_error& e) {
    start_failure = std::make_exception_ptr(ThreadStartFailed(
        e.code(), "ccb::run: the OS refused worker thread " + std::to_string(started) + " of procs=" +
                      std::to_string(procs_) + " (a thread or memory limit?)"));
  }
  start_hook(cfg_, w0);
  if (start_failure == nullptr) {
    for (int n; (n = workers_started_.load(std::memory_order_acquire)) < procs_ - 1;)
      workers_started_.wait(n, std::memory_order_acquire);
    try {
      go([this, m = std::move(main)]() mutable {
        m();
        finish(nullptr);
      });
    } catch (...) {
      start_failure = std::current_exception();
    }
  }
  if (start_failure == nullptr) schedule_loop(w0);
  else finish(nullptr);  // the workers that started leave their scheduling loops
  for (int i = 1; i < started; ++i) workers_[static_cast<std::size_t>(i)]->thread.join();
  unwind_abandoned();
  for (Worker* v : workers_) v->timers.clear();
  {
    std::lock_guard<std::mutex> g(g_stats_mu);
    g_last_stats = Stats{};
    for (Worker* w : workers_) {
      g_last_stats.tasks_spawned += w->spawned;
      g_last_stats.steals += w->steals;
      g_last_stats.parks += w->parks;
    }
    g_last_stats.tasks_abandoned = abandoned_;
    g_last_stats.wakeups = wakeups_.load(std::memory_order_relaxed);
    g_last_stats.stacks_allocated = stack_pool().stacks_allocated();
    g_last_stats.procs = procs_;
  }
  for (Worker* w : workers_) {
    stack_pool().give_back(w->stacks);
    task_pool().give_back(w->tasks);
  }
  set_this_worker(nullptr);
  if (start_failure != nullptr) std::rethrow_exception(start_failure);
  if (failure_ != nullptr) std::rethrow_exception(failure_);
}

}  // namespace ccb::detail

namespace ccb {

void run(const Config& config, std::function<void()> main) {
  if (detail::this_worker() != nullptr) throw Panic("ccb::run called from inside a task (run is not reentrant)");
  Config cfg = config;
  if (cfg.procs == 0) cfg.procs = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (cfg.procs < 1 || cfg.procs > 1024)
    throw ConfigError("ccb::Config::procs must be 0 (all CPUs) or 1..1024, got " + std::to_string(config.procs));
  if (cfg.stack_size < 16 * 1024 || cfg.stack_size > 64 * 1024 * 1024)
    throw ConfigError("ccb::Config::stack_size must be 16 KiB..64 MiB, got " + std::to_string(cfg.stack_size));
  if (!main) throw ConfigError("ccb::run: main is empty");
  detail::Runtime rt(cfg);
  detail::Runtime* expected = nullptr;
  if (!detail::g_running.compare_exchange_strong(expected, &rt))
    throw Panic("ccb::run: another run is in progress in this process");
  struct Clear {
    ~Clear() { detail::g_running.store(nullptr); }
  } clear;
  detail::chaos::begin_run();
  rt.run_main(std::move(main));
}

namespace {
std::mutex g_worker_start_mu;
std::function<void(int)> g_worker_start;  // guarded by g_worker_start_mu
}  // namespace

void set_default_worker_start(std::function<void(int worker_index)> hook) {
  std::lock_guard<std::mutex> g(g_worker_start_mu);
  g_worker_start = std::move(hook);
}

std::function<void(int worker_index)> default_worker_start() {
  std::lock_guard<std::mutex> g(g_worker_start_mu);
  return g_worker_start;
}

void release_stacks() {
  if (detail::g_running.load() != nullptr)
    throw Panic("ccb::release_stacks: a run is in progress (call it between runs)");
  detail::stack_pool().release_all();
  detail::task_pool().release_all();
}

Stats stats() {
  {
    // Under the registry lock the run read here cannot be destroyed: run() unpublishes it
    // (g_running) before its Runtime's destructor takes that lock. Before, a thread calling stats()
    // as a run ended read the freed Runtime (ASan: heap-use-after-free in Runtime::worker).
    auto registry = detail::Runtime::lock_registry();
    if (detail::Runtime* rt = detail::g_running.load()) {
      Stats s;
      s.procs = rt->procs();
      for (int i = 0; i < rt->procs(); ++i)  // an estimate: each worker's count at its own moment
        s.tasks_spawned += std::atomic_ref<uint64_t>(rt->worker(i).spawned).load(std::memory_order_relaxed);
      return s;
    }
  }
  std::lock_guard<std::mutex> g(detail::g_stats_mu);
  return detail::g_last_stats;
}

}  // namespace ccb

