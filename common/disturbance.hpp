// common/disturbance.hpp — when a point counts as disturbed by other processes (reports/SCHEMA.md,
// `disturbance`): `run` notes and warns about such entries, `compare` warns about verdicts on
// them and about disturbed confirmation rounds, and `calibrate` about pairs holding them, with
// this one threshold.
// other_cpus is the average number of CPUs that processes other than the measurement's own kept
// busy while the entry's repetitions ran (harness/cpu_accounting.hpp). On this project's quiet
// 2-CPU machine it reads 0-0.07 (the kernel's threads, the sandbox's agent); a compiler at nice
// 19 beside a run read 0.3-0.5, a shell loop spinning on one CPU ~1.
#pragma once

#include <cstdio>
#include <string>

namespace ccb::common {

// kDisturbedOtherCpus: a quarter of one CPU, on average over the repetitions, taken by other
// processes: well above a quiet machine's readings (above), so that a quiet run is not flagged,
// and below a compile's.
inline constexpr double kDisturbedOtherCpus = 0.25;

// is_disturbed() is true when other_cpus reaches kDisturbedOtherCpus.
inline bool is_disturbed(double other_cpus) { return other_cpus >= kDisturbedOtherCpus; }

// cpus_text() is how the messages write a number of CPUs: "0.98 CPUs".
inline std::string cpus_text(double cpus) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f CPUs", cpus);
  return buf;
}

}  // namespace ccb::common
