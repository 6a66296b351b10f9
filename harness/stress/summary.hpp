// harness/stress/summary.hpp — the results of `ccbench stress`: one RunResult per scenario and
// procs value, printed as a table and optionally written as JSON.
//
// JSON document (format "ccbench-stress", version 1):
//   {"format": "ccbench-stress", "version": 1, "seed": N, "seed_text": "N", "scenarios": [..],
//    "duration_seconds": x, "stall_limit_seconds": x, "tasks": N, "chaos": bool, "procs": [..],
//    "passed": bool (every run passed and none is left unrun),
//    "runs": [{"scenario", "procs", "seed", "seed_text", "seconds", "ops", "ops_per_second",
//              "checks_passed", "rss_start_kib", "rss_end_kib", "peak_rss_kib",
//              "chaos_yields", "passed", "failure" (string, absent when passed)}],
//    "not_run": [{"scenario", "procs"}] (skipped after a failure, in run order)}
// A seed is a 64-bit integer; "seed_text" is the same seed as a decimal string, exact for readers
// that hold JSON numbers as doubles (jq 1.6 rounds integers above 2^53).
// Guarantees: write_json() replaces the file atomically (harness/atomic_file.hpp: complete or
// absent; IoError otherwise). Numbers are finite (ops_per_second is 0 for a zero-length run).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "harness/stress/options.hpp"

namespace ccb::stress {

struct RunResult {
  std::string scenario;
  int procs = 0;
  uint64_t seed = 0;
  double seconds = 0;
  uint64_t ops = 0;
  uint64_t checks = 0;
  uint64_t rss_start_kib = 0, rss_end_kib = 0, peak_rss_kib = 0;
  uint64_t chaos_yields = 0;
  bool passed = true;
  std::string failure;
  double ops_per_second() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

// print_result_line() prints one run as a line of the summary table (print_header() first).
void print_header(std::ostream& out);
void print_result_line(std::ostream& out, const RunResult& r);

// json_summary() is the JSON document of every result (see above), with the runs not reached in
// "not_run". write_json() writes it to settings.out (a file, never standard output: see
// StressSettings::out_is_stdout). Throws harness::IoError.
std::string json_summary(const StressSettings& settings, const std::vector<RunResult>& results);
void write_json(const StressSettings& settings, const std::vector<RunResult>& results);

}  // namespace ccb::stress
