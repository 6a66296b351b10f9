// workloads/timers.cpp — timers (CONTRACT.md): `tasks` tasks each do `k` timer operations;
// mirrors workloads/go/timers.go. Modes: startstop (create a one-hour timer and stop it; stop must
// report the timer was active) and sleep (sleep 20 µs; must not return earlier than 20 µs after
// it was called). ops = tasks*k. The measured section includes spawning the tasks and joining them.
// Check (checks::check_timers): exactly tasks*k operations ran and none failed its check.
// Latency: each task times one timer op in every K (startstop: latency::kEveryStartStop, the
// create+stop pair; sleep: latency::kEverySleep = every sleep, from the call to the return, the
// same clock reads the check uses) into its own Sampler; merged into RunResult::latency.
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

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/latency_sampling.hpp"
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
// Every op that lat.due() selects is timed into lat.
template <class StartStop, class Sleep>
Tally body(bool sleep, int64_t k, latency::Sampler& lat, StartStop&& start_stop, Sleep&& do_sleep) {
  Tally t;
  for (int64_t j = 0; j < k; ++j) {
    if (sleep) {
      const bool timed = lat.due();
      const auto s = Clock::now();
      do_sleep();
      const auto took = Clock::now() - s;
      if (took < kTimerSleep) ++t.bad;
      if (timed)
        lat.record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
    } else if (lat.due()) {
      const uint64_t s = latency::now_ns();
      const bool ok = start_stop();
      lat.record(latency::now_ns() - s);
      if (!ok) ++t.bad;
    } else if (!start_stop()) {
      ++t.bad;
    }
    ++t.done;
  }
  return t;
}

uint32_t sample_every(bool sleep) { return sleep ? latency::kEverySleep : latency::kEveryStartStop; }

// samplers() makes one latency Sampler per task (before the measured section).
std::vector<latency::Sampler> samplers(int64_t tasks, bool sleep) {
  std::vector<latency::Sampler> v;
  v.reserve(static_cast<std::size_t>(tasks));
  for (int64_t i = 0; i < tasks; ++i) v.emplace_back(sample_every(sleep));
  return v;
}

RunResult finish(const std::string& mode, int64_t tasks, int64_t k, const std::vector<Tally>& tally,
                 std::vector<latency::Sampler>& lats, double elapsed) {
  int64_t ops = 0, bad = 0;
  for (const Tally& t : tally) {
    ops += t.done;
    bad += t.bad;
  }
  checks::check_timers(mode, tasks, k, ops, bad);
  RunResult r{static_cast<uint64_t>(ops), elapsed, {}, {}};
  LatencyHistogram all;
  for (auto& l : lats) all.merge(l.histogram());
  latency::attach(r, std::move(all), sample_every(mode == "sleep"));
  return r;
}

RunResult run_ccbench(const Params& p, int procs) {
  const std::string mode = p.get("mode");
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  const bool sleep = mode == "sleep";
  std::vector<Tally> tally(static_cast<std::size_t>(tasks));
  auto lats = samplers(tasks, sleep);
  double elapsed = 0;
  run_checked(procs, [&] {
    ccb::WaitGroup wg;
    const auto t0 = Clock::now();
    wg.add(tasks);
    for (std::size_t i = 0; i < tally.size(); ++i) {
      ccb::go([&, i] {
        tally[i] = body(
            sleep, k, lats[i], [] { return ccb::Timer(kTimerLong).stop(); },
            [] { ccb::sleep_for(kTimerSleep); });
        wg.done();
      });
    }
    wg.wait();
    elapsed = checks::elapsed_ns_since(t0);
  });
  return finish(mode, tasks, k, tally, lats, elapsed);
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return p.get_int("tasks"); }

RunResult run_threads(const Params& p, int procs) {
  const std::string mode = p.get("mode");
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  const bool sleep = mode == "sleep";
  threads::require_threads("timers", threads_needed(p));
  threads::ThreadsScope affinity(procs);
  std::vector<Tally> tally(static_cast<std::size_t>(tasks));
  auto lats = samplers(tasks, sleep);
  ThreadTimers timers;
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(tally.size());
  for (std::size_t i = 0; i < tally.size(); ++i) {
    if (!g.try_spawn([&, i] {
          tally[i] = body(
              sleep, k, lats[i], [&] { return timers.stop(timers.start(kTimerLong)); },
              [] { std::this_thread::sleep_for(kTimerSleep); });
        }))
      g.throw_not_applicable("timers");
  }
  g.join();
  const double elapsed = checks::elapsed_ns_since(t0);
  return finish(mode, tasks, k, tally, lats, elapsed);
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
                  .choices = {}, .quick = {"250"}, .full = {"250"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("tasks") * p.get_int("k")); },
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
