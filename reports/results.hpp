// reports/results.hpp — the in-memory form of one ccbench results file (reports/SCHEMA.md, v1).
//
// Guarantees (established by results_loader.cpp, which is the only producer of these structs):
//  - Every field listed as required in SCHEMA.md was present with the documented JSON type.
//  - Every number is finite; a JSON `null` where SCHEMA.md allows a value that "cannot be computed"
//    is an empty std::optional, never NaN.
//  - Point names are unique within one Results; `index` is the entry's position in `benchmarks`.
//  - `status` is one of "ok", "failed", "not_applicable"; `impl` is "ccbench", "go" or "threads";
//    `samples_ns` holds numbers that are 0 or within [kMinSampleNs, kMaxSampleNs] of
//    results_loader.hpp (it may be empty when status is not "ok").
// Nothing here recomputes statistics: compare.cpp recomputes what it needs from `samples_ns`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/disturbance.hpp"

namespace ccb::reports {

// Cache is one entry of context.caches (Google Benchmark's shape).
struct Cache {
  std::string type;
  std::int64_t level = 0;
  std::int64_t size = 0;
  std::int64_t num_sharing = 0;
};

// Context is the machine and build context of a run (SCHEMA.md, `context`).
struct Context {
  std::int64_t schema_version = 0;
  std::string ccbench_version;
  std::string git_commit;
  std::string date;
  std::string host_name;
  std::string executable;
  std::string command_line;
  std::int64_t num_cpus = 0;
  std::optional<double> mhz_per_cpu;
  std::string cpu_model;
  std::vector<Cache> caches;
  std::vector<std::optional<double>> load_avg;  // 1/5/15-minute load average
  std::string kernel;
  std::optional<std::string> cpu_governor;
  std::string library_build_type;
  std::string build_type;
  std::string compiler;
  std::string compiler_flags;
  std::string sanitizer;  // "", "thread" or "address"
  std::optional<std::string> go_version;
  std::optional<std::string> preset;
  std::int64_t repetitions = 0;
  std::int64_t warmup = 0;
  std::optional<double> min_time_s;  // context.min_time_s (--min-time); absent in older files
  std::vector<std::string> warnings;
  // Optional (absent in files written before them):
  std::vector<std::pair<std::string, std::string>> environment_warnings;  // (code, message)
  std::optional<bool> pin_effective;        // context.pin.effective
  std::optional<std::uint64_t> shuffle_seed;  // context.shuffle.seed when shuffle was enabled
  bool injection = false;                   // context.injection was an object (test hook active)
  std::optional<double> injection_delay_ns;       // context.injection.delay_ns_per_op
  std::optional<double> injection_slowdown;       // context.injection.slowdown (absent in older files)
  std::optional<std::string> injection_workload;  // context.injection.workload
  bool chaos = false;                       // context.chaos was an object (CCB_CHAOS=1 was set)
  std::optional<std::uint64_t> chaos_seed;  // context.chaos.seed (CCB_CHAOS_SEED; null: none)
  // context.interrupted: the run stopped on a signal, e.g. "SIGINT after 8 of 50 points".
  std::optional<std::string> interrupted;
  // context.resumed: `run --resume` took points from an earlier run's file, e.g. "12 points from
  // a.json, whose run started 2026-12-06T20:49:10+00:00".
  std::optional<std::string> resumed;
  // context.invocation (compare --confirm re-runs it): argv, and the binary's size and mtime.
  bool invocation_known = false;
  std::vector<std::string> argv;
  std::optional<std::int64_t> executable_size, executable_mtime_ns;
  // context.go_binary: the ccbench-go file the Go points ran (null or absent: none recorded).
  struct Program {
    std::string path;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::optional<std::string> fnv1a64;  // the content's hash (16 hex digits); absent in older files
    // same_file(): the same path, size and modification time (the hash is not compared: a file
    // that does not record it may still name the same file).
    bool same_file(const Program& o) const { return path == o.path && size == o.size && mtime_ns == o.mtime_ns; }
  };
  std::optional<Program> go_binary;
};

// Point is one entry of `benchmarks`: one (workload, params, procs, impl) measurement.
struct Point {
  std::size_t index = 0;  // position in the file's benchmarks array
  std::string name;
  std::string workload;
  // Parameters in file order; numbers are rendered as JSON would print them ("200000", "0.5").
  std::vector<std::pair<std::string, std::string>> params;
  std::int64_t procs = 0;
  std::string impl;
  std::string unit;
  std::string status;
  std::string error;  // empty when status is "ok"
  bool checked = false;
  std::optional<std::int64_t> iterations;
  std::int64_t repetitions = 0;
  std::vector<double> samples_ns;
  std::optional<double> median_ns, mean_ns, stddev_ns, min_ns, max_ns, cv;
  std::optional<double> ops_per_sec, cpu_ns_per_op;
  std::optional<std::int64_t> ctx_switches_voluntary, ctx_switches_involuntary, max_rss_kb;
  std::vector<std::pair<std::string, std::optional<double>>> extra;
  std::vector<std::string> notes;
  // Optional `outliers` (Tukey counts) and `latency` (per-operation percentiles, ns).
  struct Outliers {
    std::int64_t low_mild = 0, low_extreme = 0, high_mild = 0, high_extreme = 0;
  };
  std::optional<Outliers> outliers;
  struct Latency {
    std::int64_t count = 0, p50 = 0, p90 = 0, p99 = 0, p99_9 = 0, max = 0;
    std::optional<double> mean, sample_every, overhead_pct;
  };
  std::optional<Latency> latency;
  // Optional `disturbance.other_cpus`: CPUs other processes kept busy while the point was measured
  // (common/disturbance.hpp says from when that disturbs it).
  std::optional<double> other_cpus;

  bool ok() const { return status == "ok"; }
  // disturbed() is true when other_cpus reaches common::kDisturbedOtherCpus.
  bool disturbed() const { return other_cpus && common::is_disturbed(*other_cpus); }
};

// Results is one loaded file. `file` is the path exactly as the user gave it (used in messages
// only); for a confirmation round or a calibration run, whose file is a scratch file removed
// afterwards, it names the run instead ("round 2 (new)", "pair 1, run A": run_and_load()).
struct Results {
  std::string file;
  Context context;
  std::vector<Point> benchmarks;
};

}  // namespace ccb::reports
