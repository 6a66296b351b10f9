// harness/machine_context.hpp — the machine a run measures on, as recorded in the results
// `context` (reports/SCHEMA.md), and the environment warnings derived from it.
// Guarantees: collect_machine_context() never throws for unreadable system files: a missing
// value becomes "unknown" / empty / nullopt (cpu_governor) and, where it matters, a warning.
// CPU count, MHz and caches come from Google Benchmark's CPUInfo (its field names), with
// sysconf() as the cache fallback when sysfs has no cache directory (containers, VMs).
// Environment warnings carry a stable code (EnvWarning) so that tools can filter them; the codes
// are listed in reports/SCHEMA.md (`context.environment_warnings`).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/shell_quote.hpp"
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
  std::vector<std::string> argv;  // argv as given (compare --confirm re-runs it: reports/gate_quality.hpp)
  // The executable's size and modification time (ns) at start: compare re-runs a recorded command
  // only while the file there is still this build. Empty when stat() failed.
  std::optional<long long> executable_size, executable_mtime_ns;
  int num_cpus = 0;          // online CPUs
  // CPUs in the process's affinity mask at start (taskset, a container's cpuset); 0 = unknown.
  // Not in the results JSON (context.pin.cpus shows what the workers ran on); it only decides
  // the "oversubscribed" warning.
  int usable_cpus = 0;
  std::optional<long long> memory_bytes;  // MemTotal of /proc/meminfo; nullopt when unreadable
  double mhz_per_cpu = 0;
  std::string cpu_model;
  std::vector<CacheInfo> caches;
  std::array<double, 3> load_avg{0, 0, 0};
  bool load_avg_known = false;
  std::string kernel;        // `uname -sr`
  std::optional<std::string> cpu_governor;  // cpu0's scaling governor, when readable
  // Every readable /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor: (cpu name, governor).
  std::vector<std::pair<std::string, std::string>> governors;
};

// FileIdentity: a program file as stat(2) saw it — context.go_binary records the ccbench-go a run
// used, so that `compare --confirm` re-measures its Go points only with that same file.
struct FileIdentity {
  std::string path;  // absolute (not resolved through symlinks; stat follows them)
  long long size = 0;
  long long mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

// file_identity() stats `path`, made absolute against the current directory; nullopt when it is
// not (or no longer) a regular file.
std::optional<FileIdentity> file_identity(const std::string& path);

// EnvWarning: one environment warning, e.g. {"load_high", "load average 1.20 at start …"}.
struct EnvWarning {
  std::string code;
  std::string message;
};

// collect_machine_context() reads the machine's facts now; `argv` is the full command line.
MachineContext collect_machine_context(const std::vector<std::string>& argv);

// environment_warnings() returns the warnings for `m` and `b`, with their codes:
//   load_unknown   load average unreadable;
//   load_high      1-minute load average at start above 0.2 x online CPUs;
//   governor       a readable CPU frequency governor is not "performance" (all CPUs are checked);
//   debug_build    CMake build type Debug;  no_ndebug  NDEBUG was not defined (assertions on);
//   sanitizer      built with a sanitizer (CCB_TSAN / CCB_ASAN);
//   oversubscribed more procs than online CPUs (`max_procs` is the largest procs of the run);
//   few_repetitions fewer repetitions than `gate_min_samples` (compare --min-samples default): such
//                  a file alone cannot get a significance verdict from `ccbench compare`.
std::vector<EnvWarning> environment_warnings(const MachineContext& m, const BuildInfo& b, int max_procs,
                                             int repetitions, int gate_min_samples);

// shell_quote(), shell_join(): common/shell_quote.hpp.
using common::shell_join;
using common::shell_quote;

// iso8601_now() returns the current local time, e.g. "2024-05-01T12:00:00+02:00".
std::string iso8601_now();

}  // namespace ccb::harness
