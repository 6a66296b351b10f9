// workloads/ratelimit.cpp — ratelimit (CONTRACT.md): `tasks` tasks each call allow() `k` times
// on one shared token bucket (rate 1e8 tokens/s, burst 1000) and count the calls that returned
// true. Mirrors workloads/go/ratelimit.go. ops = tasks*k. The bucket is made inside the measured
// section (which also includes spawning and joining the tasks), so it cannot have refilled before.
// Check (checks::check_ratelimit): min(calls, burst) <= allowed <= burst + rate*elapsed_seconds + 1;
// then, after the measured time, checks::probe_ratelimit: the run's bucket refills after a pause
// and a fresh bucket of the same type at 1000/s limits (the measured calls rarely empty the
// bucket at 1e8/s, so the first check alone cannot catch a bucket that never refills or limits).
// Impls:
//  - "ccbench": ccb::rate::Limiter(1e8, 1000).allow(), WaitGroup join.
//  - "threads": one std::thread per task (tasks > kMaxThreads is NotApplicable) and MutexBucket
//    below, the same hand-written bucket as the Go version's tokenBucket: it reads the clock
//    before taking its std::mutex, refills elapsed*rate tokens capped at burst (a clock reading
//    older than the last refill refills nothing), and spends one token if at least one is there.
#include <ccb/runtime.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kRate = 1e8;   // tokens per second
constexpr int kBurst = 1000;

// MutexBucket: a std::mutex token bucket that starts full. Thread-safe; tokens_ and last_ are
// guarded by m_.
class MutexBucket {
 public:
  MutexBucket(double rate, double burst)
      : rate_(rate), burst_(burst), tokens_(burst), last_(Clock::now()) {}
  bool allow() {
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(m_);
    if (now > last_) {
      tokens_ += std::chrono::duration<double>(now - last_).count() * rate_;
      if (tokens_ > burst_) tokens_ = burst_;
      last_ = now;
    }
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return true;
    }
    return false;
  }

 private:
  const double rate_, burst_;
  std::mutex m_;
  double tokens_;
  Clock::time_point last_;
};

// body() is one task's k allow() calls; returns how many were allowed.
template <class Bucket>
int64_t body(int64_t k, Bucket& b) {
  int64_t a = 0;
  for (int64_t j = 0; j < k; ++j)
    if (b.allow()) ++a;
  return a;
}

// check() is the measured run's count check, then the probe of its bucket (both after the
// measured time).
template <class Bucket, class MakeSlow, class Pause>
void check(int64_t tasks, int64_t k, const std::vector<int64_t>& allowed, double elapsed, Bucket& bucket,
           MakeSlow make_slow, Pause pause) {
  int64_t total = 0;
  for (int64_t a : allowed) total += a;
  checks::check_ratelimit(total, tasks * k, kRate, kBurst, elapsed);
  checks::probe_ratelimit(bucket, kBurst, make_slow, pause);
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  std::vector<int64_t> allowed(static_cast<std::size_t>(tasks));
  double elapsed = 0;
  run_checked(procs, [&] {
    ccb::WaitGroup wg;
    const auto t0 = Clock::now();
    ccb::rate::Limiter lim(kRate, kBurst);
    wg.add(tasks);
    for (auto& a : allowed) {
      ccb::go([&] {
        a = body(k, lim);
        wg.done();
      });
    }
    wg.wait();
    elapsed = checks::elapsed_ns_since(t0);
    check(
        tasks, k, allowed, elapsed, lim,
        [] { return std::make_unique<ccb::rate::Limiter>(checks::kProbeRate, checks::kProbeBurst); },
        [] { ccb::sleep_for(checks::kProbePause); });
  });
  return RunResult{static_cast<uint64_t>(tasks * k), elapsed, {}};
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return p.get_int("tasks"); }

RunResult run_threads(const Params& p, int procs) {
  const int64_t tasks = p.get_int("tasks"), k = p.get_int("k");
  threads::require_threads("ratelimit", threads_needed(p));
  threads::ThreadsScope affinity(procs);
  std::vector<int64_t> allowed(static_cast<std::size_t>(tasks));
  const auto t0 = Clock::now();
  MutexBucket bucket(kRate, kBurst);
  threads::ThreadGroup g;
  g.reserve(allowed.size());
  for (auto& a : allowed) {
    if (!g.try_spawn([&] { a = body(k, bucket); })) g.throw_not_applicable("ratelimit");
  }
  g.join();
  const double elapsed = checks::elapsed_ns_since(t0);
  check(
      tasks, k, allowed, elapsed, bucket,
      [] { return std::make_unique<MutexBucket>(checks::kProbeRate, checks::kProbeBurst); },
      [] { std::this_thread::sleep_for(checks::kProbePause); });
  return RunResult{static_cast<uint64_t>(tasks * k), elapsed, {}};
}

const bool registered = register_workload(Workload{
    .name = "ratelimit",
    .description = "tasks call allow() on one token bucket (1e8/s, burst 1000); ns per allow call",
    .unit = "allow call",
    .params = {
        ParamSpec{.name = "tasks", .help = "tasks calling allow()", .min = 1, .max = 4096,
                  .choices = {}, .quick = {"4"}, .full = {"4", "8"}},
        ParamSpec{.name = "k", .help = "allow() calls per task", .min = 1, .max = 1000000000,
                  .choices = {}, .quick = {"200000"}, .full = {"200000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("tasks") * p.get_int("k")); },
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
