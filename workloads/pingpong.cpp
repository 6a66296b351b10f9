// workloads/pingpong.cpp — pingpong (CONTRACT.md): task A sends i = 0..n-1 on `ping`, task B
// replies v+1 on `pong` (both of capacity `cap`); mirrors workloads/go/pingpong.go.
// Impls: "ccbench" (ccb::Chan, A is the run's main task, B is spawned) and "threads" (B is a
// std::thread, ThreadChan channels, ThreadsScope for procs). The measured section includes
// starting B and waiting for it to finish. Check: every reply equals i+1, the replies sum to
// n(n+1)/2 and none comes after the last round trip (checks::check_pingpong), else WorkloadFailed.
// Latency: task A times one round trip (send + receive of the reply) in every
// latency::kEveryPingpong into RunResult::latency (threads/latency_sampling.hpp).
// threads: n is capped at threads::kCapPingpong per repetition (threads/thread_util.hpp, CONTRACT.md).
#include <ccb/runtime.hpp>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/latency_sampling.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

// Outcome of the ping loop, checked after the tasks are joined.
struct Tally {
  int64_t sum = 0, bad = -1, bad_reply = 0;
};

// ping_loop() is task A's loop over any channel type with send/recv.
// It times one round trip in every kEveryPingpong into `lat`.
template <class Ping, class Pong>
void ping_loop(int64_t n, Ping& ping, Pong& pong, Tally& t, latency::Sampler& lat) {
  for (int64_t i = 0; i < n; ++i) {
    const bool timed = lat.due();
    const uint64_t s = timed ? latency::now_ns() : 0;
    ping.send(i);
    const int64_t r = pong.recv().value_or(-1);
    if (timed) lat.record(latency::now_ns() - s);
    if (r != i + 1) {
      t.bad = i;
      t.bad_reply = r;
      break;
    }
    t.sum += r;
  }
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  Tally t;
  int64_t extra = 0;  // replies after the last round trip
  latency::Sampler lat(latency::kEveryPingpong);
  double elapsed = 0;
  run_checked(procs, [&] {
    ccb::Chan<int64_t> ping(cap), pong(cap);
    const auto t0 = Clock::now();
    ccb::go([ping, pong]() mutable {
      for (int64_t v : ping) pong.send(v + 1);
      pong.close();
    });
    ping_loop(n, ping, pong, t, lat);
    ping.close();
    for ([[maybe_unused]] int64_t v : pong) ++extra;  // until the echo task has finished; none due
    elapsed = checks::elapsed_ns_since(t0);
  });
  checks::check_pingpong(n, t.bad, t.bad_reply, t.sum, extra);
  RunResult r{static_cast<uint64_t>(n), elapsed, {}, {}};
  latency::attach(r, std::move(lat.histogram()), latency::kEveryPingpong);
  return r;
}

// threads_sizes(): the sizes run_threads runs at p (Workload::threads_sizes): n capped.
Params threads_sizes(const Params& p) { return threads::capped_param(p, "n", threads::kCapPingpong); }

// threads_needed(): the OS threads run_threads uses (Workload::threads_needed): the echoing thread
// and the calling one.
int64_t threads_needed(const Params&) { return 2; }

RunResult run_threads(const Params& given, int procs) {
  const Params p = threads_sizes(given);
  threads::require_threads("pingpong", threads_needed(given));
  const int64_t n = p.get_int("n");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  threads::ThreadsScope affinity(procs);
  threads::ThreadChan<int64_t> ping(cap), pong(cap);
  Tally t;
  latency::Sampler lat(latency::kEveryPingpong);
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  if (!g.try_spawn([&] {
        while (auto v = ping.recv()) pong.send(*v + 1);
        pong.close();
      }))
    g.throw_not_applicable("pingpong");
  ping_loop(n, ping, pong, t, lat);
  ping.close();
  int64_t extra = 0;  // replies after the last round trip; none are due
  while (pong.recv()) ++extra;
  g.join();
  const double elapsed = checks::elapsed_ns_since(t0);
  checks::check_pingpong(n, t.bad, t.bad_reply, t.sum, extra);
  RunResult r{static_cast<uint64_t>(n), elapsed, {}, {}};
  latency::attach(r, std::move(lat.histogram()), latency::kEveryPingpong);
  return r;
}

const bool registered = register_workload(Workload{
    .name = "pingpong",
    .description = "two tasks bounce a number over two channels; ns per round trip",
    .unit = "round trip",
    .params = {
        ParamSpec{.name = "cap", .help = "capacity of both channels (0 = unbuffered)",
                  .min = 0, .max = 1, .choices = {}, .quick = {"0", "1"}, .full = {"0", "1"}},
        ParamSpec{.name = "n", .help = "round trips", .min = 1, .max = 1000000000, .choices = {},
                  .quick = {"800000"}, .full = {"800000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("n")); },
    .threads_sizes = threads_sizes,
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
