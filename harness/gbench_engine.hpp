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
// B B B. Only the current point's benchmarks are registered (begin_point clears the previous
// ones), which keeps each RunSpecifiedBenchmarks call O(number of implementations).
// Results come back through a BenchmarkReporter that only collects GB's Run records (it never
// measures); counters carry ops, context switches and the workload's extra metrics.
// GB flags are set once, explicitly, so BENCHMARK_* environment variables cannot change the run.
// Guarantees: a WorkloadFailed / NotApplicable thrown by a runner becomes a RepRecord with that
// status; any other exception is rethrown from run_rep() after GB returns.
// Concurrency: not reentrant; GB's benchmark registry is process-global and owned by the engine
// while a point is registered. Main thread only.
#pragma once

#include <exception>
#include <map>
#include <memory>
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
};

class GbenchEngine {
 public:
  GbenchEngine();
  ~GbenchEngine();
  GbenchEngine(const GbenchEngine&) = delete;
  GbenchEngine& operator=(const GbenchEngine&) = delete;

  // begin_point() registers `runners` (implementation name -> started runner) for point `p`.
  // Requires: the runners outlive end_point().
  void begin_point(const Point& p, const std::vector<std::pair<std::string, ImplRunner*>>& runners);

  // run_rep() runs one repetition of implementation `impl` of the current point.
  // Throws: whatever non-workload exception the runner threw; std::logic_error if GB did not run
  // exactly one benchmark.
  RepRecord run_rep(const std::string& impl);

  // end_point() unregisters the point's benchmarks.
  void end_point();

 private:
  std::map<std::string, std::string> filters_;  // impl -> exact-name GB filter
  std::shared_ptr<std::exception_ptr> pending_;  // set by a benchmark function, rethrown after GB
};

// gbench_filter_for() returns the GB filter (POSIX ERE) that matches only the benchmark
// registered as `name`: its escaped name followed by GB's "/iterations:" suffix.
std::string gbench_filter_for(const std::string& name);

}  // namespace ccb::harness
