// workloads/timers.cpp — timers (CONTRACT.md): `tasks` tasks each do `k` timer operations;
// mirrors workloads/go/timers.go. Modes: startstop (create a one-hour timer and stop it; stop must
// report the timer was active) and sleep (sleep 20 µs; must not return earlier than 20 µs after
// it was called). ops = tasks*k. The measured section includes spawning the tasks and joining them.
// Check (checks::check_timers): exactly tasks*k operations ran and none failed its check.
// Impls:
//  - "ccbench": ccb::Timer(1h).stop() / ccb::sleep_for(20µs), WaitGroup join.
//  - "threads": one std::thread per task (tasks > kMaxThreads is NotApplicable).
//    sleep: std::this_thread::sleep_for(20µs).
//    startstop: there is no standard timer object for threads, so ThreadTimers below is the plain
//    equivalent of a timer service's queue: start() reads the clock and inserts (deadline, id)
//    into one std::set shared by all threads under one std::mutex; stop() erases it and reports
//    whether it was still pending. What it measures: a clock read plus an insert and an erase in
//    a shared, lock-protected ordered set (the bookkeeping of arming and disarming a timer). No
//    thread ever fires these timers: a one-hour deadline never arrives within a run, so a firing
//    thread would only sleep; it is left out and its wake-up cost is not measured.
#include <ccb/runtime.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTimerSleep = std::chrono::microseconds(20);
constexpr auto kTimerLong = std::chrono::hours(1);

// One task's tally: operations done and operations that failed their check.
struct Tally {
  int64_t done = 0, bad = 0;
};

// ThreadTimers: the threads impl's timer queue (see the file comment). Thread-safe: every field
// is guarded by m_.
class ThreadTimers {
 public:
  using Handle = std::pair<Clock::time_point, uint64_t>;
  Handle start(Clock::duration d) {
    const auto deadline = Clock::now() + d;
    std::lock_guard<std::mutex> lock(m_);
    Handle h{deadline, next_id_++};
    pending_.insert(h);
    return h;
  }
  // stop() returns true iff the timer was still pending (it is then removed).
  bool stop(const Handle& h) {
    std::lock_guard<std::mutex> lock(m_);
    return pending_.erase(h) == 1;
  }

 private:
  std::mutex m_;
  std::set<Handle> pending_;
  uint64_t next_id_ = 0;
};

// body() is one task's k operations; Sleep sleeps kTimerSleep, StartStop returns stop()'s answer.
template <class StartStop, class Sleep>
Tally body(bool sleep, int64_t k, StartStop&& start_stop, Sleep&& do_sleep) {
  Tally t;
  for (int64_t j = 0; j < k; ++j) {
    if (sleep) {
      const auto s = Clock::now();
      do_sleep();
      if (Clock::now() - s < kTimerSleep) ++t.bad;
    } else if (!start_stop()) {
      ++t.bad;
    }
    ++t.done;
  }
  return t;
}

RunResult finish(const std::string& mode, int64_t tasks, int64_t k, const std::vector<Tally>& tally,
                 double elapsed) {
  int64_t ops = 0, bad = 0;
  for (const Tally& t : tally) {
    ops += t.done;
    bad += t.bad;
  }
  checks::check_timers(mode, tasks, k, ops, bad);
  return RunResult{static_cast<uint64_t>(ops), elapsed, {}};
}

RunResult run_ccbench(const Params& p, int procs) {
  const std::string mode = p.get("mode");
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  const bool sleep = mode == "sleep";
  std::vector<Tally> tally(static_cast<std::size_t>(tasks));
  double elapsed = 0;
  ccb::run(ccb::Config{.procs = procs}, [&] {
    ccb::WaitGroup wg;
    const auto t0 = Clock::now();
    wg.add(tasks);
    for (auto& t : tally) {
      ccb::go([&] {
        t = body(
            sleep, k, [] { return ccb::Timer(kTimerLong).stop(); },
            [] { ccb::sleep_for(kTimerSleep); });
        wg.done();
      });
    }
    wg.wait();
    elapsed = checks::elapsed_ns_since(t0);
  });
  return finish(mode, tasks, k, tally, elapsed);
}

RunResult run_threads(const Params& p, int procs) {
  const std::string mode = p.get("mode");
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  const bool sleep = mode == "sleep";
  threads::require_threads("timers", tasks);
  threads::AffinityScope affinity(procs);
  std::vector<Tally> tally(static_cast<std::size_t>(tasks));
  ThreadTimers timers;
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(tally.size());
  for (auto& t : tally) {
    if (!g.try_spawn([&] {
          t = body(
              sleep, k, [&] { return timers.stop(timers.start(kTimerLong)); },
              [] { std::this_thread::sleep_for(kTimerSleep); });
        }))
      g.throw_not_applicable("timers");
  }
  g.join();
  const double elapsed = checks::elapsed_ns_since(t0);
  return finish(mode, tasks, k, tally, elapsed);
}

const bool registered = register_workload(Workload{
    .name = "timers",
    .description = "tasks start and stop one-hour timers, or sleep 20us; ns per timer operation",
    .unit = "timer",
    .params = {
        ParamSpec{.name = "mode", .type = ParamType::Choice,
                  .help = "startstop (create a 1 h timer and stop it) | sleep (sleep 20us)",
                  .min = 0, .max = 0, .choices = {"startstop", "sleep"},
                  .quick = {"startstop", "sleep"}, .full = {"startstop", "sleep"}},
        ParamSpec{.name = "tasks", .help = "tasks doing timer operations", .min = 1, .max = 4096,
                  .choices = {}, .quick = {"4"}, .full = {"4"}},
        ParamSpec{.name = "k", .help = "timer operations per task", .min = 1, .max = 1000000000,
                  .choices = {}, .quick = {"200"}, .full = {"2000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
});

}  // namespace
}  // namespace ccb::workloads
