// harness/results.hpp — one results entry: a point run with one implementation, as the JSON,
// table, CSV and markdown writers see it (reports/SCHEMA.md, `benchmarks[]`).
// Invariants: status Ok <=> samples_ns non-empty and stats/cpu set; status != Ok => error is
// non-empty and samples_ns is empty (numbers from a failed point are never reported).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/disturbance.hpp"
#include "harness/cpu_accounting.hpp"
#include "harness/stats.hpp"
#include "workloads/latency_histogram.hpp"

namespace ccb::harness {

enum class EntryStatus { Ok, Failed, NotApplicable };

// status_name() returns "ok", "failed" or "not_applicable" (the JSON values).
const char* status_name(EntryStatus s);

struct EntryParam {
  std::string name;
  std::string value;   // canonical text
  bool is_int = true;  // Int parameter (JSON number) or Choice (JSON string)
};

// LatencySummary: the per-operation latency of a point, from the merged histograms of its
// measured repetitions (warm-ups excluded). Percentiles are LatencyHistogram::percentile(): the
// upper bound of the bucket holding the rank ceil(p% x count) sample (at most 3.2% above it).
struct LatencySummary {
  uint64_t count = 0;  // recorded (sampled) operations, all repetitions
  double mean = 0;
  uint64_t min = 0, p50 = 0, p90 = 0, p99 = 0, p99_9 = 0, max = 0;
  std::optional<double> sample_every;  // median over repetitions of extra.latency_sample_every
  std::optional<double> overhead_pct;  // median over repetitions of extra.latency_overhead_pct
  int repetitions = 0;                 // repetitions that contributed a histogram
};

// summarize_latency() computes a LatencySummary of `h` (count 0 gives all-zero percentiles).
LatencySummary summarize_latency(const ccb::workloads::LatencyHistogram& h);

struct Entry {
  std::string name;  // workload/param=value/…/procs:N/impl:I
  std::string base_name;  // the same without /impl:I (groups a point's implementations)
  std::string workload;
  std::vector<EntryParam> params;
  int procs = 1;
  std::string impl;
  std::string unit;

  EntryStatus status = EntryStatus::Ok;
  std::string error;
  bool checked = false;

  uint64_t iterations = 0;         // ops in one repetition (all its runs)
  int runs_per_repetition = 0;     // workload runs per repetition (runner.hpp); 0 when none ran
  std::vector<double> samples_ns;  // ns per op of each measured repetition, in run order
  std::optional<Summary> stats;    // of samples_ns
  std::optional<double> cpu_ns_per_op;
  // null (JSON) when the measuring process's usage could not be collected: a Go child that could
  // not be waited for (SIGCHLD ignored); never a made-up 0
  std::optional<long> ctx_voluntary = 0;
  std::optional<long> ctx_involuntary = 0;
  std::optional<long> max_rss_kb = 0;
  std::optional<Outliers> outliers;  // Tukey classification of samples_ns (never removed)
  std::optional<LatencySummary> latency;  // latency-shaped workloads only
  std::map<std::string, std::optional<double>> extra;  // median over repetitions
  // disturbance: CPU other processes (and the hypervisor) took while the measured repetitions ran
  // (cpu_accounting.hpp); ok entries, when /proc could be read. A note says when it reaches
  // common::kDisturbedOtherCpus.
  std::optional<Disturbance> disturbance;
  // disturbed() is true when disturbance->other_cpus reaches common::kDisturbedOtherCpus.
  bool disturbed() const { return disturbance && common::is_disturbed(disturbance->other_cpus); }
  std::vector<std::string> notes;
  bool below_min_time = false;  // a repetition stayed under --min-time (runner.hpp says when; also in notes)

  // ops_per_sec() returns 1e9 / median ns per op, when there is a positive median.
  std::optional<double> ops_per_sec() const;
  std::string params_text() const;  // "param=value param=value"
};

}  // namespace ccb::harness
