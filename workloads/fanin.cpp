// workloads/fanin.cpp — fanin (CONTRACT.md): `producers` tasks each send per = n/producers values
// (producer q sends q*per + i, i = 0..per-1) on one shared channel of capacity `cap`; one consumer
// receives all. Mirrors workloads/go/fanin.go: a WaitGroup joins the producers and a closer task
// closes the channel; the consumer (the run's main task / the calling thread) ranges over it.
// Impls: "ccbench" and "threads" (std::thread per producer, ThreadChan; an atomic count stands
// for the WaitGroup and the last producer out closes the channel, instead of a closer thread).
// Check (checks::check_fanin): count = ops = per*producers, sum = ops(ops-1)/2, and each
// producer's values arrive in increasing order; else WorkloadFailed.
// threads: n is capped at threads::kCapHandOff / kCapFanBuffered (by cap)
// per repetition (threads/thread_util.hpp, CONTRACT.md).
#include <ccb/runtime.hpp>

#include <algorithm>
#include <atomic>
#include <vector>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

// Consumer: tallies what arrives, tracking the last value seen from each producer.
struct Consumer {
  Consumer(int64_t producers, int64_t per) : per(per), last(static_cast<std::size_t>(producers), -1) {}
  void take(int64_t v) {
    const int64_t q = v / per;
    if (v < 0 || q >= static_cast<int64_t>(last.size()) || v <= last[static_cast<std::size_t>(q)]) {
      ++disorder;
    } else {
      last[static_cast<std::size_t>(q)] = v;
    }
    sum += v;
    ++count;
  }
  int64_t per;
  std::vector<int64_t> last;
  int64_t count = 0, sum = 0, disorder = 0;
};

// n_problem() is the registry's check_params: every producer sends n/producers >= 1 messages.
std::string n_problem(const Params& p) {
  const int64_t producers = p.get_int("producers"), n = p.get_int("n");
  if (n >= producers) return {};
  return "n=" + std::to_string(n) + " must be at least producers=" + std::to_string(producers);
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t producers = p.get_int("producers"), n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  const int64_t per = n / producers, ops = per * producers;
  if (per == 0) throw WorkloadFailed("fanin: n must be at least producers");
  Consumer c(producers, per);
  double elapsed = 0;
  run_checked(procs, [&] {
    ccb::Chan<int64_t> ch(cap);
    ccb::WaitGroup wg;
    const auto t0 = Clock::now();
    wg.add(producers);
    for (int64_t q = 0; q < producers; ++q) {
      ccb::go([ch, &wg, per](int64_t base) mutable {
        for (int64_t i = 0; i < per; ++i) ch.send(base + i);
        wg.done();
      }, q * per);
    }
    ccb::go([ch, &wg]() mutable {
      wg.wait();
      ch.close();
    });
    for (int64_t v : ch) c.take(v);
    elapsed = checks::elapsed_ns_since(t0);
  });
  checks::check_fanin(ops, c.count, c.disorder, c.sum);
  return RunResult{static_cast<uint64_t>(ops), elapsed, {}};
}

// threads_sizes(): the sizes run_threads runs at p (Workload::threads_sizes): n capped, but at
// least one message per producer.
Params threads_sizes(const Params& p) {
  const int64_t cap = threads::channel_cap(p.get_int("cap"), threads::kCapHandOff, threads::kCapFanBuffered);
  return threads::capped_param(p, "n", cap, p.get_int("producers"));
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return threads_sizes(p).get_int("producers") + 1; }

RunResult run_threads(const Params& given, int procs) {
  const Params p = threads_sizes(given);
  const int64_t producers = p.get_int("producers");
  const int64_t n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  const int64_t per = n / producers, ops = per * producers;
  if (per == 0) throw WorkloadFailed("fanin: n must be at least producers");
  threads::require_threads("fanin", threads_needed(given));
  threads::ThreadsScope affinity(procs);
  threads::ThreadChan<int64_t> ch(cap);
  std::atomic<int64_t> left{producers};  // the WaitGroup: the last producer out closes ch
  Consumer c(producers, per);
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(static_cast<std::size_t>(producers));
  for (int64_t q = 0; q < producers; ++q) {
    if (!g.try_spawn([&ch, &left, per, base = q * per] {
          for (int64_t i = 0; i < per; ++i) ch.send(base + i);
          if (left.fetch_sub(1) == 1) ch.close();
        })) {
      // The producers already started still send: the last of them (or we) closes ch; drain it.
      if (left.fetch_sub(producers - q) == producers - q) ch.close();
      while (ch.recv()) {
      }
      g.throw_not_applicable("fanin");
    }
  }
  while (auto v = ch.recv()) c.take(*v);
  const double elapsed = checks::elapsed_ns_since(t0);  // drained: where ccbench and Go stop too
  g.join();
  checks::check_fanin(ops, c.count, c.disorder, c.sum);
  return RunResult{static_cast<uint64_t>(ops), elapsed, {}};
}

const bool registered = register_workload(Workload{
    .name = "fanin",
    .description = "producers send on one shared channel, one consumer receives all",
    .unit = "message",
    .params = {
        ParamSpec{.name = "producers", .help = "producer tasks", .min = 1, .max = 4096,
                  .choices = {}, .quick = {"4", "16"}, .full = {"4", "16"}},
        ParamSpec{.name = "cap", .help = "channel capacity (0 = unbuffered)", .min = 0,
                  .max = 1000000, .choices = {}, .quick = {"0", "128"}, .full = {"0", "128"}},
        ParamSpec{.name = "n", .help = "messages in total (n/producers each)", .min = 1,
                  .max = 1000000000, .choices = {}, .quick = {"400000"}, .full = {"400000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .check_params = n_problem,
    .ops = [](const Params& p) {
      return static_cast<uint64_t>(p.get_int("n") / p.get_int("producers") * p.get_int("producers"));
    },
    .threads_sizes = threads_sizes,
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
