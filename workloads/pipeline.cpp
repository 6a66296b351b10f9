// workloads/pipeline.cpp — pipeline (CONTRACT.md): a source sends 0..n-1 into a chain of
// `stages` tasks linked by channels of capacity `cap`; each stage sends v+1 on; channels are
// closed down the chain; the sink (the run's main task / the calling thread) receives.
// Mirrors workloads/go/pipeline.go: making the channels is set-up (not measured), starting the
// source and stages is measured. Impls: "ccbench" and "threads" (std::thread per stage and for
// the source, ThreadChan). ops = n.
// Check (checks::check_pipeline): exactly n items, item i equals i + stages, in order.
// threads: n is capped at threads::kCapPipelineHandOff / kCapPipelineBuffered
// per repetition (threads/thread_util.hpp, CONTRACT.md).
#include <ccb/runtime.hpp>

#include <memory>
#include <vector>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

// Sink: counts items and remembers the first wrong one.
struct Sink {
  void take(int64_t v, int64_t stages) {
    if (v != got + stages && bad < 0) {
      bad = got;
      bad_value = v;
    }
    ++got;
  }
  int64_t got = 0, bad = -1, bad_value = 0;
};

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t stages = p.get_int("stages"), n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  Sink sink;
  double elapsed = 0;
  run_checked(procs, [&] {
    std::vector<ccb::Chan<int64_t>> chans;
    for (int64_t i = 0; i <= stages; ++i) chans.emplace_back(cap);
    const auto t0 = Clock::now();
    ccb::go([n](ccb::SendChan<int64_t> out) {
      for (int64_t i = 0; i < n; ++i) out.send(i);
      out.close();
    }, ccb::SendChan<int64_t>(chans[0]));
    for (std::size_t s = 0; s < static_cast<std::size_t>(stages); ++s) {
      ccb::go([](ccb::RecvChan<int64_t> in, ccb::SendChan<int64_t> out) {
        for (int64_t v : in) out.send(v + 1);
        out.close();
      }, ccb::RecvChan<int64_t>(chans[s]), ccb::SendChan<int64_t>(chans[s + 1]));
    }
    for (int64_t v : chans.back()) sink.take(v, stages);
    elapsed = checks::elapsed_ns_since(t0);
  });
  checks::check_pipeline(n, stages, sink.got, sink.bad, sink.bad_value);
  return RunResult{static_cast<uint64_t>(n), elapsed, {}};
}

// threads_sizes(): the sizes run_threads runs at p (Workload::threads_sizes): n capped, by far
// less when the channels are unbuffered (hand-offs) than when they are buffered.
Params threads_sizes(const Params& p) {
  return threads::capped_param(
      p, "n", threads::channel_cap(p.get_int("cap"), threads::kCapPipelineHandOff, threads::kCapPipelineBuffered));
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return threads_sizes(p).get_int("stages") + 1; }

RunResult run_threads(const Params& given, int procs) {
  const Params p = threads_sizes(given);
  const int64_t stages = p.get_int("stages");
  const int64_t n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  threads::require_threads("pipeline", threads_needed(given));
  threads::ThreadsScope affinity(procs);
  std::vector<std::unique_ptr<threads::ThreadChan<int64_t>>> chans;
  for (int64_t i = 0; i <= stages; ++i) chans.push_back(std::make_unique<threads::ThreadChan<int64_t>>(cap));
  Sink sink;
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(static_cast<std::size_t>(stages + 1));
  // Stages first, then the source: if a thread cannot start, closing chans[0] shuts the chain.
  for (std::size_t s = 0; s < static_cast<std::size_t>(stages); ++s) {
    if (!g.try_spawn([in = chans[s].get(), out = chans[s + 1].get()] {
          while (auto v = in->recv()) out->send(*v + 1);
          out->close();
        })) {
      chans[0]->close();  // no item was sent yet: the close runs down the started stages
      g.throw_not_applicable("pipeline");
    }
  }
  if (!g.try_spawn([out = chans[0].get(), n] {
        for (int64_t i = 0; i < n; ++i) out->send(i);
        out->close();
      })) {
    chans[0]->close();
    g.throw_not_applicable("pipeline");
  }
  while (auto v = chans.back()->recv()) sink.take(*v, stages);
  g.join();
  const double elapsed = checks::elapsed_ns_since(t0);
  checks::check_pipeline(n, stages, sink.got, sink.bad, sink.bad_value);
  return RunResult{static_cast<uint64_t>(n), elapsed, {}};
}

const bool registered = register_workload(Workload{
    .name = "pipeline",
    .description = "a chain of stages, each adding one, linked by channels",
    .unit = "item",
    .params = {
        ParamSpec{.name = "stages", .help = "stage tasks between source and sink", .min = 1,
                  .max = 1024, .choices = {}, .quick = {"8"}, .full = {"8"}},
        ParamSpec{.name = "cap", .help = "capacity of every link (0 = unbuffered)", .min = 0,
                  .max = 1000000, .choices = {}, .quick = {"0", "128"}, .full = {"0", "128"}},
        ParamSpec{.name = "n", .help = "items", .min = 1, .max = 1000000000, .choices = {},
                  .quick = {"30000"}, .full = {"30000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("n")); },
    .threads_sizes = threads_sizes,
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
