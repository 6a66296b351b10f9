// harness/machine_context.hpp — the machine a run measures on, as recorded in the results
// `context` (reports/SCHEMA.md), and the environment warnings derived from it.
// Guarantees: collect_machine_context() never throws for unreadable system files: a missing
// value becomes "unknown" / empty / nullopt (cpu_governor) and, where it matters, a warning.
// CPU count, MHz and caches come from Google Benchmark's CPUInfo (its field names), with
// sysconf() as the cache fallback when sysfs has no cache directory (containers, VMs).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "harness/build_info.hpp"

namespace ccb::harness {

struct CacheInfo {
  std::string type;     // "Data", "Instruction" or "Unified"
  int level = 0;
  long size = 0;        // bytes
  int num_sharing = 0;  // CPUs sharing it; 0 when unknown
};

struct MachineContext {
  std::string date;          // ISO-8601 local time with offset, e.g. 2024-05-01T12:00:00+02:00
  std::string host_name;
  std::string executable;    // /proc/self/exe
  std::string command_line;  // shell-quoted argv
  int num_cpus = 0;          // online CPUs
  double mhz_per_cpu = 0;
  std::string cpu_model;
  std::vector<CacheInfo> caches;
  std::array<double, 3> load_avg{0, 0, 0};
  bool load_avg_known = false;
  std::string kernel;        // `uname -sr`
  std::optional<std::string> cpu_governor;
};

// collect_machine_context() reads the machine's facts now; `argv` is the full command line.
MachineContext collect_machine_context(const std::vector<std::string>& argv);

// environment_warnings() returns the warnings for `m` and `b`: load average above 0.2 x CPUs,
// governor readable and not "performance", debug or sanitizer build, unreadable load average,
// and more procs than online CPUs (`max_procs` is the largest procs value the run will use).
std::vector<std::string> environment_warnings(const MachineContext& m, const BuildInfo& b,
                                              int max_procs);

// shell_quote() quotes `arg` for a POSIX shell when needed; shell_join() quotes and joins argv.
std::string shell_quote(const std::string& arg);
std::string shell_join(const std::vector<std::string>& argv);

// iso8601_now() returns the current local time, e.g. "2024-05-01T12:00:00+02:00".
std::string iso8601_now();

}  // namespace ccb::harness
