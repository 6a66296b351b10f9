// harness/results_json.hpp — the results JSON of reports/SCHEMA.md (schema_version 1): Google
// Benchmark's layout (`context`, `benchmarks`) plus ccbench's fields.
// Guarantees: built with nlohmann::ordered_json only (fields in SCHEMA.md order); never NaN or
// Infinity — a value that cannot be computed is null and the entry's `notes` (for context values:
// an environment warning with code "not_finite") says why; a non-finite sample is left out of
// samples_ns with a note naming its repetition; every file written validates against
// reports/results.schema.json (tests/harness/schema_test.cpp, nan_inf_test.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/build_info.hpp"
#include "harness/chaos_env.hpp"
#include "harness/impl_runner.hpp"
#include "harness/machine_context.hpp"
#include "harness/results.hpp"

namespace ccb::harness {

inline constexpr int kSchemaVersion = 1;

// PinInfo: context.pin — what --pin asked for and what was done.
struct PinInfo {
  bool requested = false;
  bool effective = false;             // pinning was applied (requested and not refused)
  std::vector<int> cpus;              // CPUs workers are pinned to, in worker order modulo size
  std::map<std::string, std::string> impls;  // per implementation: what was pinned
  long failures = 0;                  // worker or Go-child pins refused during the run
};

// ShuffleInfo: context.shuffle — the repetition order (runner.hpp).
struct ShuffleInfo {
  bool enabled = false;
  uint64_t seed = 0;
  int window = 1;
  double window_memory_bytes = 0;  // budget for the resident hints of a window (runner.hpp); 0: none
};

// InterruptInfo: context.interrupted — the run stopped on a signal (run_interrupts.hpp) and the
// file holds only the points finished before it.
struct InterruptInfo {
  std::string signal;         // "SIGINT", "SIGTERM", "SIGHUP"
  size_t points_done = 0;     // points whose entries the file holds
  size_t points_planned = 0;  // points the run had selected
};

// ResumeInfo: context.resumed — the run took `points` points from the results file of an earlier
// run (`run --resume FILE`, harness/resume.hpp) that started at `date`.
struct ResumeInfo {
  std::string file;
  std::string date;
  size_t points = 0;
};

// RunInfo: everything in `context` besides the machine itself.
struct RunInfo {
  MachineContext machine;
  BuildInfo build;
  std::optional<std::string> go_version;  // when the Go implementation ran
  // context.go_binary: the ccbench-go file the Go points ran, as it was when the run chose it
  // (absent when the Go implementation did not run, or the file could not be stat'ed).
  std::optional<FileIdentity> go_binary;
  std::optional<std::string> go_binary_fnv1a64;  // its content's hash (common::file_fnv1a64) then
  std::optional<std::string> preset;      // "quick" / "full"
  int repetitions = 0;
  double min_time_s = 0;  // --min-time: the least measured time of one repetition (runner.hpp)
  int warmup = 0;
  std::vector<EnvWarning> warnings;       // context.warnings (messages) and environment_warnings
  PinInfo pin;
  ShuffleInfo shuffle;
  std::optional<InjectDelay> inject;      // CCB_INJECT_DELAY_NS was active
  std::optional<ChaosEnv> chaos;          // CCB_CHAOS=1 was set (the runtime's fault injection)
  std::optional<InterruptInfo> interrupted;  // the run was stopped by a signal
  std::optional<ResumeInfo> resumed;         // --resume took points from an earlier run's file
};

// results_to_json() returns the whole results document.
nlohmann::ordered_json results_to_json(const RunInfo& info, const std::vector<Entry>& entries);

// results_json_text() returns the document as text (2-space indent, trailing newline); bytes of
// command-line text (context.invocation.argv, e.g. a Latin-1 --out path) that are not UTF-8 become
// U+FFFD (common::json_text) instead of throwing.
std::string results_json_text(const RunInfo& info, const std::vector<Entry>& entries);

}  // namespace ccb::harness
