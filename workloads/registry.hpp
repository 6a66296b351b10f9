// workloads/registry.hpp — the workload registry: what a workload declares and how it is run.
//
// Guarantees:
//  - Each workload self-registers from its own .cpp with a file-scope `static const bool` that calls
//    register_workload(); names are unique (a duplicate aborts at start-up, a programming error).
//  - A workload's run function for an implementation ("ccbench", "threads") executes ONE repetition
//    with fully-resolved parameters, verifies its own result, and returns the elapsed time of the
//    measured section. A wrong result throws WorkloadFailed — it is never returned as a number.
//  - Parameter values arrive already validated against ParamSpec (type, range, choices) by the
//    harness, and each point's combination of values against Workload::check_params, before any
//    point runs: a combination the workload cannot run (n < producers) is the user's bad input,
//    never a self-check failure. Run functions keep their own checks as a last line of defence.
// Concurrency: the registry is filled during static initialisation (single-threaded) and read-only
// afterwards. This header depends on nothing in the runtime: the harness and its tests use it alone.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "latency_histogram.hpp"

namespace ccb::workloads {

// WorkloadFailed is thrown when a workload's self-check fails (wrong sum, lost message…).
// The harness turns it into exit code 1.
class WorkloadFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// NotApplicable is thrown by an implementation that cannot run a point (e.g. 1M OS threads);
// the harness reports the point as "not applicable" with the message as reason.
class NotApplicable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// kMaxThreads: the most OS threads one repetition of a "threads" implementation attempts (one
// thread per task); a point that needs more is NotApplicable to it. 20000 threads x (8 MiB
// reserved, ~16 KiB touched) fit the 24 GiB dev VM and its 32768 pids.
inline constexpr int64_t kMaxThreads = 20000;

// threads_limit_text() is the NotApplicable reason of a point whose "threads" implementation needs
// `needed` OS threads, more than kMaxThreads.
std::string threads_limit_text(const std::string& workload, int64_t needed);

enum class ParamType { Int, Choice };

// ParamSpec describes one parameter. Int parameters accept min..max inclusive; Choice parameters
// accept one of `choices`. `quick` and `full` are the values the presets sweep (each non-empty);
// the default is quick.front().
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Int;
  std::string help;
  int64_t min = 0;
  int64_t max = 0;
  std::vector<std::string> choices;  // Choice only
  std::vector<std::string> quick;    // values swept by --preset quick
  std::vector<std::string> full;     // values swept by --preset full
};

// Params: resolved parameter values by name (every declared parameter present).
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, std::string> v) : values_(std::move(v)) {}
  // get_int() returns the value of an Int parameter; throws std::out_of_range if absent.
  int64_t get_int(const std::string& name) const;
  // get() returns the raw string value; throws std::out_of_range if absent.
  const std::string& get(const std::string& name) const;
  const std::map<std::string, std::string>& values() const { return values_; }
  // with() returns a copy whose parameter `name` holds `value` (a capped size, see threads_sizes).
  Params with(const std::string& name, int64_t value) const;

 private:
  std::map<std::string, std::string> values_;
};

// RunResult is one verified repetition.
struct RunResult {
  uint64_t ops = 0;          // operations done (the unit's count), > 0
  double elapsed_ns = 0;     // wall time of the measured section
  std::map<std::string, double> extra;  // optional extra metrics, e.g. "rss_per_task_bytes"
  // Per-operation latency of latency-shaped workloads (pingpong, select, context, timers), sampled
  // one op in every extra["latency_sample_every"]; extra["latency_overhead_pct"] is the measured
  // cost of recording as % of the elapsed time. Empty for other workloads.
  std::optional<LatencyHistogram> latency{};
};

// RunFn runs one repetition of the workload with `procs` (runtime procs or GOMAXPROCS-like
// parallelism) and returns the verified result. Throws WorkloadFailed / NotApplicable.
using RunFn = std::function<RunResult(const Params& params, int procs)>;

struct Workload {
  std::string name;          // stable, lower-case; part of the results contract
  std::string description;   // one line for `ccbench list`
  std::string unit;          // what one op is: "round trip", "message", "item", "increment", ...
  std::vector<ParamSpec> params;
  std::vector<int> quick_procs{1, 2};
  std::vector<int> full_procs{1, 2, 4, 8};
  std::map<std::string, RunFn> impls;  // "ccbench" (required), "threads" (optional)
  // resident_hint, when set, estimates the bytes a process may still hold after running a point
  // (a Go child keeps its goroutine stacks and heap until it exits: 2.7 GB after spawn n=1000000).
  // The harness keeps the summed hints of a shuffle window's points under a memory budget
  // (harness/runner.hpp), so that the window's live Go children fit in RAM. Unset: negligible.
  std::function<double(const Params& params)> resident_hint{};
  // own_window: running a point changes process-wide state that other points' warm-ups prepare
  // (spawn empties the runtime's stack pool to measure memory per task, so a skynet point
  // warmed up before it in the same shuffle window faulted its stacks back in inside its first
  // timed repetition: 1215 ms against ~500). The harness measures such points in a shuffle window
  // of their own (harness/runner.hpp).
  bool own_window = false;
  // check_params, when set, rejects a combination of parameter values (each already within its
  // ParamSpec) that the workload cannot run: it returns the reason, one line naming the values
  // ("n=3 must be at least producers=16"), or "" if the point can run. The harness calls it for
  // every selected point at matrix expansion, before anything runs, and exits 2 naming the point.
  std::function<std::string(const Params& params)> check_params{};
  // ops, when set, is the `ops` one run of the workload does at these parameters (CONTRACT.md's
  // "ops = …"). The harness checks every repetition of every implementation against it (a wrong
  // count would skew ns/op without failing any other check) and fails the point when they differ;
  // for "threads" at ops(threads_sizes(params)). Unset: not checked.
  std::function<uint64_t(const Params& params)> ops{};
  // threads_sizes, when set, returns the parameters the "threads" implementation actually runs at
  // `params`: its sizes capped (CONTRACT.md, "threads: capped sizes"). That implementation reads
  // its sizes through the same function, so the harness's ops check and the run agree. Unset: the
  // threads implementation runs `params` as given.
  std::function<Params(const Params& params)> threads_sizes{};
  // threads_needed, when set, is how many OS threads the "threads" implementation starts at the
  // point `params` (its capped sizes applied). Above kMaxThreads the point is not applicable to it,
  // which is then known before anything runs: the harness marks it so without starting it, and
  // `run --dry-run` lists it as such (known_not_applicable). The implementation checks the same
  // count when it runs.
  std::function<int64_t(const Params& params)> threads_needed{};
};

// known_not_applicable() returns why implementation `impl` cannot run w at `params`, when that is
// known before running it (threads_needed above kMaxThreads), or "" when it may run. A point can
// still turn out not applicable while it runs (the OS refuses a thread).
std::string known_not_applicable(const Workload& w, const std::string& impl, const Params& params);

// register_workload() adds w to the registry and returns true (for static registration).
bool register_workload(Workload w);

// all_workloads() returns every registered workload sorted by name.
const std::vector<Workload>& all_workloads();

// find_workload() returns the workload named `name`, or nullptr.
const Workload* find_workload(const std::string& name);

}  // namespace ccb::workloads
