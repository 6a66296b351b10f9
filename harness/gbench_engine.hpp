// harness/gbench_engine.hpp — Google Benchmark as ccbench's measurement engine.
//
// How a point is measured: begin_point() registers one GB benchmark per implementation with
// benchmark::RegisterBenchmark, named exactly as the point (`…/procs:N/impl:I`) and configured
// UseManualTime() + Iterations(1) + Repetitions(1) + MeasureProcessCPUTime(): one GB run is one
// workload repetition, its real time is the workload's own elapsed_ns (SetIterationTime) and its
// CPU time is the process CPU time GB measures around it. run_rep(impl) then runs ONE repetition
// of one implementation through benchmark::RunSpecifiedBenchmarks(reporter, spec) with a filter
// that matches only that benchmark, so the caller can interleave implementations
// (A B C A B C …) and drift hits all of them equally; GB's own repetition loop would run A A A
// B B B. Only the current point's (or shuffle window's, see runner.hpp) benchmarks are registered
// (begin_point / clear drop the previous ones), which keeps each RunSpecifiedBenchmarks call
// O(registered benchmarks). add() registers one benchmark under a caller-chosen key, so the runner
// can keep several points registered at once and run their repetitions in any order.
// A repetition's latency histogram (RunResult::latency) cannot travel through GB's counters; the
// benchmark function moves it into a slot the engine owns and run_rep() returns it in RepRecord.
// Results come back through a BenchmarkReporter that only collects GB's Run records (it never
// measures); counters carry ops, context switches and the workload's extra metrics.
// GB flags are set once, explicitly, so BENCHMARK_* environment variables cannot change the run.
// Guarantees: a WorkloadFailed / NotApplicable thrown by a runner becomes a RepRecord with that
// status, a std::bad_alloc one with status Failed (out_of_memory_text(), errors.hpp); any other
// exception is rethrown from run_rep() after GB returns.
// Concurrency: not reentrant; GB's benchmark registry is process-global and owned by the engine
// while a point is registered. Main thread only.
#pragma once

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/impl_runner.hpp"
#include "harness/matrix.hpp"

namespace ccb::harness {

// RepRecord: one repetition as Google Benchmark reported it.
struct RepRecord {
  enum class Status { Ok, Failed, NotApplicable };
  Status status = Status::Ok;
  std::string error;        // Failed / NotApplicable: the workload's message
  double ops = 0;           // ops in this repetition
  double elapsed_ns = 0;    // GB real time (= the workload's elapsed_ns)
  double cpu_ns = 0;        // GB process CPU time of the repetition
  long ctx_voluntary = 0;
  long ctx_involuntary = 0;
  std::map<std::string, double> extra;
  std::optional<ccb::workloads::LatencyHistogram> latency;  // the repetition's, when it recorded one
};

class GbenchEngine {
 public:
  GbenchEngine();
  ~GbenchEngine();
  GbenchEngine(const GbenchEngine&) = delete;
  GbenchEngine& operator=(const GbenchEngine&) = delete;

  // begin_point() registers `runners` (implementation name -> started runner) for point `p`.
  // Requires: the runners outlive end_point().
  // (It is clear() followed by add(impl, p.name(impl), runner) for each runner.)
  void begin_point(const Point& p, const std::vector<std::pair<std::string, ImplRunner*>>& runners);

  // add() registers `runner` as GB benchmark `gb_name` under `key` (a key used twice replaces the
  // filter; names must be unique among the registered benchmarks).
  void add(const std::string& key, const std::string& gb_name, ImplRunner* runner);

  // run_rep() runs one repetition of the benchmark registered under `key` (an implementation name
  // after begin_point()).
  // Throws: whatever non-workload exception the runner threw; std::logic_error if GB did not run
  // exactly one benchmark or the key is unknown.
  RepRecord run_rep(const std::string& key);

  // end_point() / clear() unregister every benchmark.
  void end_point() { clear(); }
  void clear();

 private:
  std::map<std::string, std::string> filters_;  // key -> exact-name GB filter
  std::shared_ptr<std::exception_ptr> pending_;  // set by a benchmark function, rethrown after GB
  // set by a benchmark function, moved into the RepRecord by run_rep()
  std::shared_ptr<std::optional<ccb::workloads::LatencyHistogram>> latency_;
};

// gbench_filter_for() returns the GB filter (POSIX ERE) that matches only the benchmark
// registered as `name`: its escaped name followed by GB's "/iterations:" suffix.
std::string gbench_filter_for(const std::string& name);

}  // namespace ccb::harness
