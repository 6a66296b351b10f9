// workloads/spawn.cpp — spawn (CONTRACT.md): spawn n tasks; each counts itself in on a WaitGroup
// and parks receiving on one shared "start" channel; when all n are in, the channel is closed;
// each then adds 1 to a shared atomic and counts itself out on a second WaitGroup the spawner
// waits on. Mirrors workloads/go/spawn.go. ops = n. The measured section is the spawning plus the
// release, excluding the /proc read in between. Check (checks::check_spawn): the atomic = n; task
// i's 1 is checks::spawn_key(i), which also carries a hash of i in the high 32 bits, so that the
// atomic also shows each task ran exactly once.
// Impls: "ccbench" (tasks) and "threads" (one std::thread per task, std::latch for the two
// WaitGroups; n > kMaxThreads = 20000 is NotApplicable).
//
// extra rss_per_task_bytes = (RSS with all n parked − baseline RSS) / n, from /proc/self/statm.
// ccbench: the runtime keeps task stacks pooled across runs (and Go keeps freed stacks resident),
// so a baseline read before a later repetition would already hold the previous repetition's
// stacks and the difference would be ~0, while releasing them before every repetition would add
// first-touch page faults (~12 µs per page on the dev VM) to every spawn. So the first call of
// each (n, procs) point (the harness's warm-up) empties the runtime's stack pool
// (ccb::release_stacks), reads the baseline and measures, and the point's later repetitions
// report that figure (see run_ccbench): a point that runs after a larger one does not read low,
// and stacks pooled by other workloads (skynet's) are not reused without RSS growth. Go reads
// its baseline once per child process, i.e. per point. threads: joined threads give their stacks
// back, so the baseline is read before each repetition's spawn (a baseline read once per process
// also counted what ccbench's stack pool had grown by since: 68628 B per thread instead of 8640
// at n=2000 after a ccbench n=30000 point, under --shuffle).
// capacity=1's max_tasks_rss_bytes / max_tasks_1gib is the 1 GiB figure.
// When /proc/self/statm is unreadable the metric is left out.
//
// The rest of the seeds' table (threads/spawn_extras.hpp), attached to every repetition:
//  - switch_ns: measured once per process and impl, in-process, at the start of the first call;
//    ccbench: two tasks alternating over two unbuffered ccb::Chans in a ccb::run with procs 1.
//  - with parameter capacity=1 only: max_tasks_1gib, max_tasks_limit, max_tasks_rss_bytes,
//    measured once per process, impl and procs at the start of the first call of such a point
//    (before its measured section), in a fork()ed child. Touching 1 GiB costs ~15–20 s of page
//    faults on the dev VM, which is why the quick preset leaves it out. ccbench: batches of tasks
//    parked on one ccb::Chan receive in a ccb::run with the point's procs until RSS grew by
//    1 GiB. The child first empties the runtime's stack pool inherited from the parent
//    (ccb::release_stacks), since reusing already-resident stacks would add no RSS and inflate
//    the count.
//    The fork leaves the parent's pages copy-on-write, so this first call runs slower: with the
//    harness's warm-up it is the warm-up.
#include <ccb/runtime.hpp>

#include <atomic>
#include <latch>
#include <map>
#include <optional>
#include <mutex>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/spawn_extras.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;


// SeedsCache: the seeds' table per procs, measured once per process and impl (file comment).
// by_procs_ is guarded by m_ (repetitions of one impl do not overlap; the lock makes that moot).
class SeedsCache {
 public:
  template <class F>
  spawn_extras::Seeds get(int procs, const std::string& what, F measure) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = by_procs_.find(procs);
    if (it == by_procs_.end())
      it = by_procs_.emplace(procs, spawn_extras::measure_in_child(what, measure)).first;
    return it->second;
  }

 private:
  std::mutex m_;
  std::map<int, spawn_extras::Seeds> by_procs_;
};
SeedsCache ccbench_seeds, threads_seeds;

// SwitchCache: switch_ns measured once per process and impl.
struct SwitchCache {
  std::once_flag once;
  double ns = 0;
  template <class F>
  double get(F measure) {
    std::call_once(once, [&] { ns = measure(); });
    return ns;
  }
};
SwitchCache ccbench_switch, threads_switch;

// empty_stack_pool() makes the runtime unmap its pooled task stacks (ccb::release_stacks).
void empty_stack_pool() { ccb::release_stacks(); }

// extras() adds the seeds' table to r (see the file comment).
void extras(RunResult& r, double switch_ns, const spawn_extras::Seeds* capacity) {
  r.extra["switch_ns"] = switch_ns;
  if (capacity != nullptr) spawn_extras::put(r, *capacity);
}

RunResult result(int64_t n, uint64_t got, double elapsed, int64_t before, int64_t peak) {
  checks::check_spawn(n, got);
  RunResult r{static_cast<uint64_t>(n), elapsed, {}};
  if (before >= 0 && peak >= 0)
    r.extra["rss_per_task_bytes"] = static_cast<double>(peak - before) / static_cast<double>(n);
  return r;
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t n = p.get_int("n");
  const double sw = ccbench_switch.get(spawn_extras::switch_ns_ccbench);
  std::optional<spawn_extras::Seeds> cap;
  if (p.get_int("capacity") == 1)
    cap = ccbench_seeds.get(procs, "spawn (ccbench capacity)", [procs] {
      empty_stack_pool();
      return spawn_extras::Seeds{spawn_extras::capacity_ccbench(procs, spawn_extras::kCapacityRssBytes)};
    });
  // Memory per task is measured on the first call of each (n, procs) point — the harness's
  // warm-up — from an empty stack pool, and that figure is reported for the point's later
  // repetitions: they reuse already-resident pooled stacks, so their RSS growth says nothing
  // (a point run after a larger one read 21191 B/task at n=10000 under --shuffle).
  static std::map<std::pair<int64_t, int>, double> rss_per_task;
  const auto key = std::make_pair(n, procs);
  const bool measure_rss = !rss_per_task.count(key);
  if (measure_rss) empty_stack_pool();
  std::atomic<uint64_t> count{0};
  int64_t before = -1, peak = -1;
  double elapsed = 0;
  run_checked(procs, [&] {
    if (measure_rss) before = checks::resident_bytes();
    ccb::Chan<char> start(0);
    ccb::WaitGroup in, out;
    const auto t0 = Clock::now();
    in.add(n);
    out.add(n);
    for (int64_t i = 0; i < n; ++i) {
      ccb::go([&in, &out, &count, start, key = checks::spawn_key(i)]() mutable {
        in.done();
        (void)start.recv();
        count.fetch_add(key, std::memory_order_relaxed);
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
  RunResult r = result(n, count.load(), elapsed, before, peak);  // no rss_per_task_bytes unless measured
  if (measure_rss) {
    auto it = r.extra.find("rss_per_task_bytes");
    rss_per_task[key] = it != r.extra.end() ? it->second : -1;  // -1: statm unreadable
  } else if (rss_per_task[key] >= 0) {
    r.extra["rss_per_task_bytes"] = rss_per_task[key];
  }
  extras(r, sw, cap ? &*cap : nullptr);
  return r;
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return p.get_int("n"); }

RunResult run_threads(const Params& p, int procs) {
  const int64_t n = p.get_int("n");
  threads::require_threads("spawn", threads_needed(p));
  const double sw = threads_switch.get(spawn_extras::switch_ns_threads);
  std::optional<spawn_extras::Seeds> cap;
  if (p.get_int("capacity") == 1)
    cap = threads_seeds.get(procs, "spawn (threads capacity)", [procs] {
      return spawn_extras::Seeds{spawn_extras::capacity_threads(procs, spawn_extras::kCapacityRssBytes)};
    });
  threads::ThreadsScope affinity(procs);
  const int64_t before = checks::resident_bytes();  // per repetition (file comment)
  threads::ThreadChan<char> start(0);
  std::latch in(n);
  std::atomic<uint64_t> count{0};
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (!g.try_spawn([&, key = checks::spawn_key(i)] {
          in.count_down();
          (void)start.recv();
          count.fetch_add(key, std::memory_order_relaxed);
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
  RunResult r = result(n, count.load(), elapsed, before, peak);
  extras(r, sw, cap ? &*cap : nullptr);
  return r;
}

const bool registered = register_workload(Workload{
    .name = "spawn",
    .description = "spawn n tasks parked on one channel, then release them; RSS per task, switch "
                   "cost, tasks in 1 GiB (capacity=1)",
    .unit = "task",
    .params = {
        ParamSpec{.name = "n", .help = "tasks (threads: at most 20000)", .min = 1,
                  .max = 10000000, .choices = {}, .quick = {"10000", "50000"},
                  .full = {"10000", "1000000"}},
        ParamSpec{.name = "capacity",
                  .help = "1 = also measure the largest task count reached in 1 GiB (max_tasks_1gib; "
                          "~20 s once per impl and procs)",
                  .min = 0, .max = 1, .choices = {}, .quick = {"0"}, .full = {"0", "1"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    // Go keeps ~2.7 KB per goroutine resident after the run (RSS/task 2739 B at n=1000000, whose
    // Go child held 2.6 GB): 3 KiB a task. Eight such children in one window OOM-killed a full run.
    .resident_hint = [](const Params& p) { return 3072.0 * static_cast<double>(p.get_int("n")); },
    .own_window = true,  // empty_stack_pool() (see run_ccbench)
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("n")); },
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
