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
//  - never block forever on its own once running() is false: joins go through ctx.join(). After a
//    failure, join() and halt() never return: the body parks for good, so the state its tasks
//    reference (on its stack) stays alive until the driver ends the run and the runtime unwinds
//    every task.
// Concurrency: the counters and flags are atomics; the failure text is guarded by failure_mu.
// Every member is safe to use from any task and from the driver and watchdog threads.
#pragma once

#include <ccb/runtime.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace ccb::stress {

// TestHook: deliberate faults for ccbench's own tests (CCB_STRESS_TEST_HOOK=violate|stall).
enum class TestHook { None, Violate, Stall };

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
  // join() waits until wg's counter is zero; after a failure it halts (never returns).
  void join(ccb::WaitGroup& wg);
  // halt() parks the calling task until the run ends (used after a failure).
  [[noreturn]] void halt();

  // Driver side.
  void request_stop() noexcept { stop_.store(true, std::memory_order_relaxed); }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  uint64_t progress() const noexcept { return progress_.load(std::memory_order_relaxed); }
  uint64_t checks() const noexcept { return checks_.load(std::memory_order_relaxed); }
  std::string failure() const;       // the first failure's message ("" if none)
  std::string failure_dump() const;  // the task dump taken when it was recorded

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<uint64_t> progress_{0};
  std::atomic<uint64_t> checks_{0};
  mutable std::mutex failure_mu_;
  std::string failure_;  // guarded by failure_mu_
  std::string dump_;     // guarded by failure_mu_
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
void run_mixed(ScenarioContext& ctx);

}  // namespace ccb::stress
