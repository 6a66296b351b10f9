// harness/stress/scenario.hpp — what a `ccbench stress` scenario is and what it shares with the
// driver (stress_command.cpp) and the watchdog (watchdog.cpp).
//
// A scenario body runs as the main task of one ccb::run (or, in `mixed`, as one task among
// several) and uses only the runtime's public headers. It works until ctx.running() turns false
// (the per-scenario duration elapsed, or an invariant failed), then drains and returns.
// Contract for every body:
//  - call ctx.op() for every operation it completes (the watchdog's progress counter: a body that
//    stops calling it for longer than --stall-limit is reported as stalled);
//  - call ctx.passed() for every invariant check that held, ctx.fail(message) for one that did not
//    (the first failure is kept with a task dump taken at that moment; running() turns false);
//  - wrap each wait that ends in a check of its own (tasks still alive, timers yet to fire) in a
//    ScenarioContext::BoundedWait and give up at its deadline(): the watchdog does not count the
//    wait as a stall, so the wait's own message ("N tasks still alive 10 s after ...") is reported,
//    not a generic stall, whatever --stall-limit is;
//  - never block forever on its own once running() is false: joins go through ctx.join(). After a
//    failure, join() and halt() never return: the body parks for good, so the state its tasks
//    reference (on its stack) stays alive until the driver ends the run and the runtime unwinds
//    every task.
// Parts (`mixed`): add_part() makes a context for one part of the body, owned by this one, which
// the watchdog checks on its own (each part's progress must move, not only the sum); the body
// marks a part finish()ed when it returned, and the watchdog stops checking it.
// Concurrency: the counters and flags are atomics; the failure text is guarded by failure_mu_,
// the list of parts by parts_mu_. Every member is safe to use from any task and from the driver
// and watchdog threads.
#pragma once

#include <ccb/runtime.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ccb::stress {

// TestHook: deliberate faults for ccbench's own tests (CCB_STRESS_TEST_HOOK; the values and what
// each does are listed in stress_command.cpp, kHooks).
enum class TestHook {
  None, Violate, Stall, StallPart, LeakTask, EarlyTimer, LeakMemory, OverAdmit, EarlyTick, DupJob, Misroute,
  DoubleSelect, Crash
};

// OutsideThread: made in a task before it starts a plain thread that calls into the run (cancels
// contexts), and moved into that thread's function, which it outlives by nothing. While one
// exists, the driver does not end the run: ccb/run.hpp requires that a plain thread's call that
// wakes tasks not race the run's end, and a failure elsewhere ends the run at once (the driver
// returns from main), while such a thread could still be cancelling. Seen: `stress mixed` with
// CCB_STRESS_TEST_HOOK=violate segfaulted in Runtime::push_global_list, called by a canceller
// thread's cancel() while the ending run unwound its tasks (about 1 run in 2000 under load).
// live() counts them (process-wide: one ccb::run at a time).
class OutsideThread {
 public:
  OutsideThread() noexcept;
  OutsideThread(OutsideThread&& o) noexcept : live_(o.live_) { o.live_ = false; }
  OutsideThread(const OutsideThread&) = delete;
  OutsideThread& operator=(const OutsideThread&) = delete;
  OutsideThread& operator=(OutsideThread&&) = delete;
  ~OutsideThread();
  static int live() noexcept;

 private:
  bool live_ = true;
};

class ScenarioContext {
 public:
  ScenarioContext(uint64_t seed, int tasks, TestHook hook, bool exclusive)
      : seed(seed), tasks(tasks), hook(hook), exclusive(exclusive) {}

  const uint64_t seed;   // this scenario's own seed (derived from --seed, the name and procs)
  const int tasks;       // --tasks: concurrent worker tasks the scenario aims for
  const TestHook hook;
  const bool exclusive;  // alone in its run (false inside `mixed`): may use run-wide counters

  bool running() const noexcept { return !stop_.load(std::memory_order_relaxed); }
  void op(uint64_t n = 1) noexcept { progress_.fetch_add(n, std::memory_order_relaxed); }
  void passed(uint64_t n = 1) noexcept { checks_.fetch_add(n, std::memory_order_relaxed); }
  // check() counts a passed check or records `what()` as the failure; returns cond.
  template <class F>
  bool check(bool cond, F&& what) {
    if (cond) passed();
    else fail(what());
    return cond;
  }
  void fail(const std::string& message);
  // fail(message, dump) records a failure detected elsewhere with the task dump taken there (mixed
  // forwards a part's failure this way, so the message stays one line and the dump is shown once).
  void fail(const std::string& message, const std::string& dump);
  // join() waits until wg's counter is zero; after a failure it halts (never returns).
  void join(ccb::WaitGroup& wg);
  // halt() parks the calling task until the run ends (used after a failure).
  [[noreturn]] void halt();

  // BoundedWait: while one exists, the body is in a wait of at most `d` that then checks and
  // reports its own failure. The watchdog's stall clock for this context does not run until the
  // wait ends (destruction) or its deadline() passes, whichever comes first (a wait stuck past its
  // deadline is a stall again), and restarts from there. One at a time per context (the body's
  // task): the destructor ends whichever wait is in progress.
  class BoundedWait {
   public:
    BoundedWait(ScenarioContext& ctx, std::chrono::nanoseconds d) noexcept;
    ~BoundedWait();
    BoundedWait(const BoundedWait&) = delete;
    BoundedWait& operator=(const BoundedWait&) = delete;
    ccb::Clock::time_point deadline() const noexcept { return deadline_; }

   private:
    ScenarioContext& ctx_;
    ccb::Clock::time_point deadline_;
  };
  // wait_end(): until when the current or last bounded wait excuses a lack of progress (its
  // deadline while it runs, then the moment it ended; the clock's epoch if there was none).
  ccb::Clock::time_point wait_end() const noexcept {
    return ccb::Clock::time_point(ccb::Clock::duration(wait_end_.load(std::memory_order_relaxed)));
  }

  // Driver side.
  void request_stop() noexcept { stop_.store(true, std::memory_order_relaxed); }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  uint64_t progress() const noexcept { return progress_.load(std::memory_order_relaxed); }
  uint64_t checks() const noexcept { return checks_.load(std::memory_order_relaxed); }
  std::string failure() const;       // the first failure's message ("" if none)
  std::string failure_dump() const;  // the task dump taken when it was recorded

  // Parts (see above). add_part() returns the part's context (its own seed and --tasks share,
  // this context's hook, not exclusive); parts() is a snapshot in the order they were added.
  struct Part {
    std::string name;
    std::shared_ptr<const ScenarioContext> ctx;
  };
  std::shared_ptr<ScenarioContext> add_part(const std::string& name, uint64_t seed, int tasks);
  std::vector<Part> parts() const;
  void finish() noexcept { finished_.store(true, std::memory_order_release); }
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }

 private:
  // record_failure() keeps the first failure with `dump`, or a dump taken now when it is null.
  void record_failure(const std::string& message, const std::string* dump);

  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> progress_{0};
  std::atomic<uint64_t> checks_{0};
  std::atomic<ccb::Clock::rep> wait_end_{0};  // wait_end()'s time_since_epoch().count()
  mutable std::mutex failure_mu_;
  std::string failure_;  // guarded by failure_mu_
  std::string dump_;     // guarded by failure_mu_
  mutable std::mutex parts_mu_;
  std::vector<Part> parts_;  // guarded by parts_mu_; only ever appended to
};

// Rng: xorshift64* — small, seedable, one per task (never shared between tasks).
class Rng {
 public:
  explicit Rng(uint64_t seed) noexcept : s_(mix(seed) | 1) {}
  uint64_t next() noexcept {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  // below(n): uniform-ish in 0..n-1 (n >= 1).
  uint64_t below(uint64_t n) noexcept { return n <= 1 ? 0 : next() % n; }
  bool chance(uint64_t one_in) noexcept { return below(one_in) == 0; }
  static uint64_t mix(uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

 private:
  uint64_t s_;
};

using ScenarioFn = void (*)(ScenarioContext& ctx);

struct ScenarioInfo {
  const char* name;
  const char* description;
  ScenarioFn fn;
};

// scenarios() lists every scenario in the order `ccbench stress` runs them.
const std::vector<ScenarioInfo>& scenarios();

// The bodies (one file each).
void run_channels(ScenarioContext& ctx);
void run_select(ScenarioContext& ctx);
void run_sync(ScenarioContext& ctx);
void run_cancel(ScenarioContext& ctx);
void run_churn(ScenarioContext& ctx);
void run_ratelimit(ScenarioContext& ctx);
void run_patterns(ScenarioContext& ctx);
void run_mixed(ScenarioContext& ctx);
// run_stall(): the `stall` test hook's body (and, with `stall-part`, mixed's sync part): tasks
// blocked for good on a Mutex and a channel; it never reports progress and never returns.
void run_stall(ScenarioContext& ctx);

}  // namespace ccb::stress
