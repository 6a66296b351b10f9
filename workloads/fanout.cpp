// workloads/fanout.cpp — fanout (CONTRACT.md): one producer (the run's main task / the calling
// thread) sends 0..n-1 on one channel of capacity `cap` and closes it; `workers` tasks range over
// it, each summing and counting what it got into its own slot; a WaitGroup (threads: join) joins
// them before the slots are read. Mirrors workloads/go/fanout.go.
// Impls: "ccbench" and "threads" (std::thread per worker, ThreadChan). ops = n.
// Check (checks::check_fanout): total count = n, total sum = n(n-1)/2 and total sum of squares
// (mod 2^64) that of 0..n-1; else WorkloadFailed.
// threads: n is capped at threads::kCapHandOff / kCapFanBuffered (by cap)
// per repetition (threads/thread_util.hpp, CONTRACT.md).
#include <ccb/runtime.hpp>

#include <vector>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

struct Slot {
  int64_t sum = 0, count = 0;
  uint64_t sumsq = 0;  // sum of v*v mod 2^64
};

void totals(const std::vector<Slot>& slots, int64_t& sum, int64_t& count, uint64_t& sumsq) {
  for (const Slot& s : slots) {
    sum += s.sum;
    count += s.count;
    sumsq += s.sumsq;
  }
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t workers = p.get_int("workers"), n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  std::vector<Slot> slots(static_cast<std::size_t>(workers));
  double elapsed = 0;
  run_checked(procs, [&] {
    ccb::Chan<int64_t> ch(cap);
    ccb::WaitGroup wg;
    const auto t0 = Clock::now();
    wg.add(workers);
    for (auto& slot : slots) {
      ccb::go([ch, &wg, &slot]() mutable {
        Slot mine;
        for (int64_t v : ch) {
          mine.sum += v;
          mine.sumsq += checks::square(v);
          ++mine.count;
        }
        slot = mine;
        wg.done();
      });
    }
    for (int64_t i = 0; i < n; ++i) ch.send(i);
    ch.close();
    wg.wait();
    elapsed = checks::elapsed_ns_since(t0);
  });
  int64_t sum = 0, count = 0;
  uint64_t sumsq = 0;
  totals(slots, sum, count, sumsq);
  checks::check_fanout(n, count, sum, sumsq);
  return RunResult{static_cast<uint64_t>(n), elapsed, {}};
}

// threads_sizes(): the sizes run_threads runs at p (Workload::threads_sizes): n capped, by far
// less when the channel is unbuffered (hand-offs) than when it is buffered.
Params threads_sizes(const Params& p) {
  return threads::capped_param(
      p, "n", threads::channel_cap(p.get_int("cap"), threads::kCapHandOff, threads::kCapFanBuffered));
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return threads_sizes(p).get_int("workers"); }

RunResult run_threads(const Params& given, int procs) {
  const Params p = threads_sizes(given);
  const int64_t workers = p.get_int("workers");
  const int64_t n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  threads::require_threads("fanout", threads_needed(given));
  threads::ThreadsScope affinity(procs);
  threads::ThreadChan<int64_t> ch(cap);
  std::vector<Slot> slots(static_cast<std::size_t>(workers));
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(slots.size());
  for (auto& slot : slots) {
    if (!g.try_spawn([&ch, &slot] {
          Slot mine;
          while (auto v = ch.recv()) {
            mine.sum += *v;
            mine.sumsq += checks::square(*v);
            ++mine.count;
          }
          slot = mine;
        })) {
      ch.close();  // the workers already started see the close and return
      g.throw_not_applicable("fanout");
    }
  }
  for (int64_t i = 0; i < n; ++i) ch.send(i);
  ch.close();
  g.join();
  const double elapsed = checks::elapsed_ns_since(t0);
  int64_t sum = 0, count = 0;
  uint64_t sumsq = 0;
  totals(slots, sum, count, sumsq);
  checks::check_fanout(n, count, sum, sumsq);
  return RunResult{static_cast<uint64_t>(n), elapsed, {}};
}

const bool registered = register_workload(Workload{
    .name = "fanout",
    .description = "one producer, workers range over one shared channel",
    .unit = "message",
    .params = {
        ParamSpec{.name = "workers", .help = "worker tasks", .min = 1, .max = 4096,
                  .choices = {}, .quick = {"4", "16"}, .full = {"4", "16"}},
        ParamSpec{.name = "cap", .help = "channel capacity (0 = unbuffered)", .min = 0,
                  .max = 1000000, .choices = {}, .quick = {"0", "128"}, .full = {"0", "128"}},
        ParamSpec{.name = "n", .help = "messages", .min = 1, .max = 1000000000, .choices = {},
                  .quick = {"400000"}, .full = {"400000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("n")); },
    .threads_sizes = threads_sizes,
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
