// harness/results_json.hpp — the results JSON of reports/SCHEMA.md (schema_version 1): Google
// Benchmark's layout (`context`, `benchmarks`) plus ccbench's fields.
// Guarantees: built with nlohmann::ordered_json only (fields in SCHEMA.md order); never NaN or
// Infinity — a value that cannot be computed is null and the entry's `notes` says why; every file
// written validates against reports/results.schema.json (tests/harness/schema_test.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "harness/build_info.hpp"
#include "harness/machine_context.hpp"
#include "harness/results.hpp"

namespace ccb::harness {

inline constexpr int kSchemaVersion = 1;

// RunInfo: everything in `context` besides the machine itself.
struct RunInfo {
  MachineContext machine;
  BuildInfo build;
  std::optional<std::string> go_version;  // when the Go implementation ran
  std::optional<std::string> preset;      // "quick" / "full"
  int repetitions = 0;
  int warmup = 0;
  std::vector<std::string> warnings;
};

// results_to_json() returns the whole results document.
nlohmann::ordered_json results_to_json(const RunInfo& info, const std::vector<Entry>& entries);

// results_json_text() returns the document as text (2-space indent, trailing newline).
std::string results_json_text(const RunInfo& info, const std::vector<Entry>& entries);

}  // namespace ccb::harness
