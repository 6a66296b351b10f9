// workloads/threads/thread_util.hpp — what every `threads` implementation shares: the `procs`
// limit and the timer slack (ThreadsScope), a group of std::threads joined on scope exit (ThreadGroup), and the size
// limit above which a point is "not applicable" (kMaxThreads), and the work cap (capped(),
// capped_param() for a workload's Workload::threads_sizes).
//
// procs: the threads implementation runs one std::thread per task, so there are as many threads
// as tasks; the kernel schedules them. To make `procs` mean what it means for ccbench and Go (how
// many CPUs run the work at once), ThreadsScope restricts the calling thread's CPU mask to the
// first `procs` CPUs it is allowed on, before any worker thread is created; threads inherit the
// mask, so every thread of the repetition runs on those CPUs. The old mask is restored when the
// scope ends. When procs exceeds the CPUs allowed, all allowed CPUs are used (the same
// oversubscription Go has with GOMAXPROCS > cores). If sched_setaffinity fails the mask is left as
// it was (procs is then recorded but not enforced).
// Timer slack: ThreadsScope also sets the calling thread's timer slack to 1 ns for the scope (new
// threads inherit it), as ccbench's runtime does on its workers (runtime/src/run_lifecycle.cpp),
// so that the two implementations' sleeps and timed waits differ by their scheduling, not by a
// prctl: with the default 50 us slack, timers mode=sleep procs 1 read threads p50 100351 ns
// against ccbench's 49151 (0.61x); a plain 20 us nanosleep here is 98.9 us at the default slack,
// 46.6 us at 1 ns (measurement audit, helper-52).
// ThreadGroup: spawn() starts a std::thread; a failure to create one (std::system_error, e.g.
// EAGAIN) is rethrown as NotApplicable — the caller must first unblock the threads already running
// (close their channels), which is why spawn() reports failure through try_spawn() too.
#pragma once

#include <sched.h>
#include <sys/prctl.h>

#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "workloads/registry.hpp"

namespace ccb::workloads::threads {

// kMaxThreads (workloads/registry.hpp): the most threads one repetition attempts.
using ccb::workloads::kMaxThreads;

class ThreadsScope {
 public:
  explicit ThreadsScope(int procs) : old_slack_(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)) {
    prctl(PR_SET_TIMERSLACK, kTimerSlackNs, 0, 0, 0);
    if (sched_getaffinity(0, sizeof(old_), &old_) != 0) return;
    cpu_set_t want;
    CPU_ZERO(&want);
    int taken = 0;
    for (int c = 0; c < CPU_SETSIZE && taken < procs; ++c)
      if (CPU_ISSET(c, &old_)) {
        CPU_SET(c, &want);
        ++taken;
      }
    restore_ = taken > 0 && sched_setaffinity(0, sizeof(want), &want) == 0;
  }
  ~ThreadsScope() {
    if (restore_) sched_setaffinity(0, sizeof(old_), &old_);
    if (old_slack_ > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(old_slack_), 0, 0, 0);
  }
  ThreadsScope(const ThreadsScope&) = delete;
  ThreadsScope& operator=(const ThreadsScope&) = delete;

 private:
  static constexpr unsigned long kTimerSlackNs = 1;  // the runtime's kWorkerTimerSlackNs
  int old_slack_;
  cpu_set_t old_{};
  bool restore_ = false;
};

class ThreadGroup {
 public:
  ThreadGroup() = default;
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;
  ~ThreadGroup() { join(); }

  void reserve(std::size_t n) { threads_.reserve(n); }

  // try_spawn() starts f on a new thread; false (and error() set) if the OS refused.
  template <class F>
  bool try_spawn(F&& f) {
    try {
      threads_.emplace_back(std::forward<F>(f));
      return true;
    } catch (const std::system_error& e) {
      error_ = e.what();
      return false;
    }
  }
  void join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
  }
  // throw_not_applicable() joins, then throws NotApplicable naming the thread-creation error.
  [[noreturn]] void throw_not_applicable(const std::string& what) {
    const std::size_t started = threads_.size();
    join();
    throw NotApplicable(what + ": could not start an OS thread (" + error_ + ") after " +
                        std::to_string(started) + " threads");
  }
  std::size_t size() const { return threads_.size(); }

 private:
  std::vector<std::thread> threads_;
  std::string error_;
};

// Work caps: an OS-thread hand-off (futex wake + context switch) costs 5–200 µs on the 2-core dev
// VM, 10–1000× a ccbench one, so at the sizes that make a ccbench repetition last ≥ 50 ms a
// threads repetition of a hand-off-bound point would last minutes. Those points' threads impls
// run at most the documented count per repetition (CONTRACT.md, "threads: capped sizes"):
// capped() returns min(requested, cap), and ops is what actually ran. But every threads run also
// starts and joins its threads (~350 µs here, measured), which the run's ns/op includes: so a cap
// must leave a run long enough that this fixed cost is a negligible share (≤ ~1%, a run of ≥ ~35
// ms), and a point whose ops cost ns, not µs, gets a much higher cap than a hand-off-bound one.
// (The ~350 µs: a threads atomic counter, 5 tasks, measured 10.8 ns/op at k = 20000 and 6.9 at
// k = 1,000,000, i.e. ~390 µs per run.) Each cap names the measurement behind it.
//
// Hand-off-bound points (cap 0 or small channels, counter's channel mode): 0.2–0.6 s per run at
// these caps, of which the start-up is < 0.2%.
inline constexpr int64_t kCapPingpong = 20000;          // round trips (~17 µs each here)
inline constexpr int64_t kCapHandOff = 20000;           // fanin/fanout/select messages, cap < kBufferedFrom (cap 0: ~10–20 µs)
inline constexpr int64_t kCapPipelineHandOff = 2000;    // pipeline items, cap < kBufferedFrom (8 hops of ~25 µs, cap 0)
inline constexpr int64_t kCapCounterChannelK = 20000;   // counter channel mode, k per task (~5.5 µs/op)
// Points whose ops cost ns to a few µs: caps from their threads ns/op measured on the dev VM
// (ccbench run --impl threads, quick points, 2026-12-06, load ~5), each giving a run of ≥ ~35 ms at
// the fastest procs, so the ~350 µs start-up is ≤ ~1% of it, and ≤ ~0.5 s at the slowest.
inline constexpr int64_t kBufferedFrom = 64;  // channel capacity from which a point counts as buffered (the sweeps' 64, 128)
// fanin/fanout, cap 128: 1.0–1.6 µs per message with 4 tasks (40000 → 40–65 ms), 7.8–13 µs
// with 16 (→ 0.3–0.5 s). At the old 20000 the 4-task runs lasted 20–32 ms (start-up ~1.5%).
inline constexpr int64_t kCapFanBuffered = 40000;
// select, cap 64: 450 ns per message at procs 1 and 2 → 54 ms (at the old 20000: 9 ms, ~4%).
inline constexpr int64_t kCapSelectBuffered = 120000;
// pipeline, 8 stages, cap 128: 1.2–1.6 µs per item → 36–47 ms (at the old 2000: 3 ms, ~12%).
inline constexpr int64_t kCapPipelineBuffered = 30000;
// counter mutex / atomic / rwmutex, 5 tasks: 14–20 / 8.8 / 35 ns per op → 44–175 ms at k =
// 1,000,000 (at the old k = 20000: 0.9–3.5 ms, the start-up 10–40% of it).
inline constexpr int64_t kCapCounterLockK = 1000000;
// channel_cap() is the cap of a channel point whose channels have capacity `chan_cap`.
inline int64_t channel_cap(int64_t chan_cap, int64_t handoff, int64_t buffered) {
  return chan_cap >= kBufferedFrom ? buffered : handoff;
}
inline int64_t capped(int64_t requested, int64_t cap) { return requested < cap ? requested : cap; }
// capped_param() returns p with parameter `name` capped at `cap` and raised to at least `at_least`
// (fanin and select need n >= their producer / channel count): a workload's threads_sizes.
inline Params capped_param(const Params& p, const std::string& name, int64_t cap, int64_t at_least = 1) {
  const int64_t v = capped(p.get_int(name), cap);
  return p.with(name, v < at_least ? at_least : v);
}

// require_threads() throws NotApplicable when a point needs more than kMaxThreads threads (the
// harness checks the same count, Workload::threads_needed, before it starts the point).
inline void require_threads(const std::string& workload, int64_t needed) {
  if (needed > kMaxThreads) throw NotApplicable(threads_limit_text(workload, needed));
}

}  // namespace ccb::workloads::threads
