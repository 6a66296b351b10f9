// tests/harness/fake_workloads.hpp — the test binary's own workloads (registered from
// fake_workloads.cpp; the real workloads and the runtime are never linked into harness_tests):
//   fake_sum    n 1..1000000 (2000 / 2000,4000), k 1..4 (1,2 / 1,2,4); impls ccbench, threads;
//               sums 0..n*k-1 and checks it; ops = n*k (declared as Workload::ops).
//   fake_fail   mode ok|fail|na|crash|fail_second|miscount|oom (ok / ok), n 1..100 (10 / 10); impls
//               ccbench (acts on mode) and threads (always ok); Workload::ops = n. fail:
//               WorkloadFailed; na: NotApplicable; crash: std::runtime_error (a harness-level
//               surprise); fail_second: the 2nd call of the process fails; miscount: a checked
//               sum of n+1 items, so ops = n+1 against the declared n; oom: std::bad_alloc.
//   fake_extra  no parameters, procs 1; impl ccbench; extra metrics rss_per_task_bytes = 2800
//               and weird = NaN.
//   fake_latency no parameters, procs 1; impl ccbench; every repetition records the latencies
//               1..1000 ns (one each) and reports latency_sample_every = 4, latency_overhead_pct = 1.5.
// Every call appends its implementation name to call_log(), so tests can check interleaving.
#pragma once

#include <string>
#include <vector>

namespace ccb::test {

// call_log() is the list of implementation names called, in order (single-threaded use).
std::vector<std::string>& call_log();

// reset_fakes() clears the call log and per-process counters.
void reset_fakes();

}  // namespace ccb::test
