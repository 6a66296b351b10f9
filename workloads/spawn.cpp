// workloads/spawn.cpp — spawn (CONTRACT.md): spawn n tasks; each counts itself in on a WaitGroup
// and parks receiving on one shared "start" channel; when all n are in, the channel is closed;
// each then adds 1 to a shared atomic and counts itself out on a second WaitGroup the spawner
// waits on. Mirrors workloads/go/spawn.go. ops = n. The measured section is the spawning plus the
// release, excluding the /proc read in between. Check (checks::check_spawn): the atomic = n.
// Impls: "ccbench" (tasks) and "threads" (one std::thread per task, std::latch for the two
// WaitGroups; n > kMaxThreads = 20000 is NotApplicable).
//
// extra rss_per_task_bytes = (RSS with all n parked − baseline RSS) / n, from /proc/self/statm.
// The baseline is read ONCE per process and impl, the first time this workload runs (inside the
// first ccb::run for ccbench, before any spawn), as the Go reference does: the runtime keeps task
// stacks pooled across runs (and Go keeps freed stacks resident), so a baseline read before a later
// repetition would already hold the previous repetition's stacks and the difference would be ~0;
// releasing them first would add first-touch page faults (~12 µs per page on the dev VM) to every
// spawn. Consequence: memory left resident by workloads run earlier in the same process (e.g.
// skynet's pooled stacks) before spawn's first run is not counted, so the value can read low.
// When /proc/self/statm is unreadable the metric is left out.
#include <ccb/runtime.hpp>

#include <atomic>
#include <latch>
#include <mutex>

#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

// Baseline: the RSS read once per impl the first time it runs (see the file comment).
struct Baseline {
  std::once_flag once;
  int64_t rss = -1;
  int64_t get() {
    std::call_once(once, [this] { rss = checks::resident_bytes(); });
    return rss;
  }
};
Baseline ccbench_baseline, threads_baseline;

RunResult result(int64_t n, int64_t got, double elapsed, int64_t before, int64_t peak) {
  checks::check_spawn(n, got);
  RunResult r{static_cast<uint64_t>(n), elapsed, {}};
  if (before >= 0 && peak >= 0)
    r.extra["rss_per_task_bytes"] = static_cast<double>(peak - before) / static_cast<double>(n);
  return r;
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t n = p.get_int("n");
  std::atomic<int64_t> count{0};
  int64_t before = -1, peak = -1;
  double elapsed = 0;
  ccb::run(ccb::Config{.procs = procs}, [&] {
    before = ccbench_baseline.get();
    ccb::Chan<char> start(0);
    ccb::WaitGroup in, out;
    const auto t0 = Clock::now();
    in.add(n);
    out.add(n);
    for (int64_t i = 0; i < n; ++i) {
      ccb::go([&in, &out, &count, start]() mutable {
        in.done();
        (void)start.recv();
        count.fetch_add(1, std::memory_order_relaxed);
        out.done();
      });
    }
    in.wait();
    const double spawned = checks::elapsed_ns_since(t0);
    peak = checks::resident_bytes();
    const auto t1 = Clock::now();
    start.close();
    out.wait();
    elapsed = spawned + checks::elapsed_ns_since(t1);
  });
  return result(n, count.load(), elapsed, before, peak);
}

RunResult run_threads(const Params& p, int procs) {
  const int64_t n = p.get_int("n");
  threads::require_threads("spawn", n);
  threads::AffinityScope affinity(procs);
  const int64_t before = threads_baseline.get();
  threads::ThreadChan<char> start(0);
  std::latch in(n);
  std::atomic<int64_t> count{0};
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (!g.try_spawn([&] {
          in.count_down();
          (void)start.recv();
          count.fetch_add(1, std::memory_order_relaxed);
        })) {
      start.close();
      g.throw_not_applicable("spawn");
    }
  }
  in.wait();
  const double spawned = checks::elapsed_ns_since(t0);
  const int64_t peak = checks::resident_bytes();
  const auto t1 = Clock::now();
  start.close();
  g.join();  // the second WaitGroup: every thread has added its 1 and exited
  const double elapsed = spawned + checks::elapsed_ns_since(t1);
  return result(n, count.load(), elapsed, before, peak);
}

const bool registered = register_workload(Workload{
    .name = "spawn",
    .description = "spawn n tasks parked on one channel, then release them; RSS per task",
    .unit = "task",
    .params = {
        ParamSpec{.name = "n", .help = "tasks (threads: at most 20000)", .min = 1,
                  .max = 10000000, .choices = {}, .quick = {"100000"}, .full = {"1000000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
});

}  // namespace
}  // namespace ccb::workloads
