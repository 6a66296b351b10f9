// harness/impl_runner.hpp — how one implementation (ccbench, threads, go) runs one point.
//
// An ImplBackend stands for one implementation; it says whether the implementation can run here
// at all (check_available) and for which workloads (supports), and makes an ImplRunner per point.
// An ImplRunner's life is: start(warmup) -> run_rep() x repetitions -> finish().
//  - start() prepares the point (the Go backend starts its child process) and runs `warmup`
//    repetitions whose results are discarded (their self-checks still count).
//  - run_rep() runs ONE verified repetition and returns it; it is called from inside a Google
//    Benchmark benchmark function (gbench_engine.hpp), interleaved with the point's other runners.
//  - finish() ends the point and returns what is only known at the end (child-process usage).
// Errors: start() and run_rep() throw ccb::workloads::WorkloadFailed for a failed self-check and
// ccb::workloads::NotApplicable when the implementation cannot run the point; the runner does not
// run further repetitions after either. finish() is called once after the point's repetitions,
// also after such a throw, and must not throw. When the run aborts on any other exception the
// runner is destroyed without finish(), so its destructor must release everything (Go: kill the
// child).
// Concurrency: everything runs on the harness's main thread, one point at a time.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/hang_watch.hpp"
#include "harness/matrix.hpp"
#include "harness/pinning.hpp"
#include "workloads/registry.hpp"

namespace ccb::harness {

// InjectDelay: the CCB_INJECT_DELAY_NS / CCB_INJECT_SLOWDOWN test hooks (run_command.hpp). The
// in-process "ccbench" backend busy-waits ns_per_op x ops + slowdown x (the workload's own elapsed
// time) after each run of the workload (warm-ups too) and adds the measured spin time to the run's
// elapsed_ns, so the reported ns/op rises by ns_per_op, or by the fraction `slowdown` of itself
// (+ the clock-read overhead of the spin loop, ~20 ns per run). Only for `workload` when set.
struct InjectDelay {
  double ns_per_op = 0;  // CCB_INJECT_DELAY_NS
  double slowdown = 0;   // CCB_INJECT_SLOWDOWN as a fraction: 0.1 = 10% slower
  std::optional<std::string> workload;
  bool is_slowdown = false;  // set from CCB_INJECT_SLOWDOWN (either value may be 0)
};

// MeasureControls: run-wide measurement settings a backend applies to the runners it makes.
struct MeasureControls {
  std::shared_ptr<Pinner> pinner;     // null: no pinning (pinning.hpp says what each backend pins)
  std::optional<InjectDelay> inject;  // null: no injected delay (never set by default)
  // null: no watchdog. Otherwise the in-process runners arm it around each run of a workload
  // (hang_watch.hpp; `ccbench run` sets it, CCB_RUN_TIMEOUT).
  std::shared_ptr<HangWatch> hang_watch;
  // null, or the flag a signal sets to ask the run to stop (RunInterrupts::flag()): a Go child
  // that has not answered kStopGrace (run_interrupts.hpp) after it is killed (go_impl.hpp); an
  // in-process runner skips the warm-ups left, and its run in progress is the hang_watch's.
  const std::atomic<int>* stop = nullptr;
};

// RepOutcome: one repetition as an ImplRunner reports it.
struct RepOutcome {
  ccb::workloads::RunResult result;
  // Context switches during this repetition, when the runner can tell (in-process: getrusage
  // RUSAGE_SELF deltas). Runners that cannot report them per repetition leave them 0 and report
  // totals from finish() instead.
  long ctx_voluntary = 0;
  long ctx_involuntary = 0;
};

// PointUsage: returned by ImplRunner::finish().
struct PointUsage {
  // When set, replace the per-repetition sums of RepOutcome (Go: the child's totals from wait4).
  std::optional<long> ctx_voluntary;
  std::optional<long> ctx_involuntary;
  long max_rss_kb = 0;  // peak RSS of the measuring process (Go: the child)
  // usage_unknown: the measuring process's usage could not be collected (a Go child that could not
  // be waited for: SIGCHLD ignored): the entry's context switches and max_rss_kb are null, not 0.
  bool usage_unknown = false;
  // failure: set when the point failed at its end, after every repetition passed (a Go child that
  // printed something after `quit` or exited non-zero on it); the entry is then failed with it.
  std::optional<std::string> failure;
  // When set, the CPU time of the whole point in ns (all repetitions, warm-ups and start-up
  // included) and the ops it covers; used when per-repetition CPU time is not measurable.
  std::optional<double> cpu_ns_total;
  std::optional<double> cpu_ops_total;
  std::vector<std::string> notes;
};

class ImplRunner {
 public:
  virtual ~ImplRunner() = default;
  virtual void start(int warmup) = 0;
  // begin_repetition() is called before the first run_rep() of each measured repetition (a
  // repetition is one or more runs, runner.hpp). The Go runner collects Go's garbage there, once
  // per repetition as testing.B does per round, not before every run; others do nothing.
  virtual void begin_repetition() {}
  // run_rep() runs the workload once (one run of the current repetition).
  virtual RepOutcome run_rep() = 0;
  virtual PointUsage finish() = 0;
  // cpu_is_this_process() is true when this process's CPU time during run_rep() is the
  // implementation's CPU time (in-process implementations), false for a child process.
  virtual bool cpu_is_this_process() const = 0;
};

class ImplBackend {
 public:
  virtual ~ImplBackend() = default;
  // name() is the implementation's name: "ccbench", "threads" or "go".
  virtual std::string name() const = 0;
  // check_available() throws ImplUnavailable when the implementation cannot run on this machine;
  // the message says how to fix it (e.g. names scripts/setup).
  virtual void check_available() = 0;
  // supports() is true when the implementation exists for workload `w`.
  virtual bool supports(const ccb::workloads::Workload& w) = 0;
  // listing_problem(), once supports() has been called, says why the implementation could not be
  // asked which workloads it has (Go: `ccbench-go list` failed, or hung); nullopt when it answered
  // or when the backend needs no asking. `hung`: no point of this implementation can run either.
  struct ListingProblem {
    std::string what;
    bool hung = false;
  };
  virtual std::optional<ListingProblem> listing_problem() const { return std::nullopt; }
  // make_runner() returns a fresh runner for point `p` (not started).
  virtual std::unique_ptr<ImplRunner> make_runner(const Point& p) = 0;
  // version() describes the implementation's toolchain when relevant (Go: `go version`).
  virtual std::optional<std::string> version() { return std::nullopt; }
  // program() is the separate program the implementation runs its points in (Go: ccbench-go), once
  // check_available() succeeded; nullopt for in-process implementations.
  virtual std::optional<std::string> program() const { return std::nullopt; }
  // set_controls() applies run-wide measurement settings to the runners made afterwards; backends
  // that support neither pinning nor injection ignore it (the default).
  virtual void set_controls(const MeasureControls& controls) { (void)controls; }
};

// make_in_process_backend() returns the backend for "ccbench" or "threads": the workload's
// `impls` RunFn of that name, called in this process.
std::shared_ptr<ImplBackend> make_in_process_backend(const std::string& impl);

// Backends: the implementations a run may use, by name.
using Backends = std::map<std::string, std::shared_ptr<ImplBackend>>;

}  // namespace ccb::harness
