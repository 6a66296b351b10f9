// harness/cpu_accounting.hpp — how much CPU other processes took while a point was measured
// (reports/SCHEMA.md, `disturbance`).
//
// At the start and the end of each measured interval the meter reads every process's CPU time
// from /proc/PID/stat (utime + stime + cutime + cstime: its own and its reaped children's) and
// its parent. Ours are this process and its descendants (the Go child and what it starts); all
// others, kernel threads included, are "other". Over the interval:
//   other = Σ Δ(time) of other processes alive at both ends
//         + Σ time of other processes that started during it
//         - Σ time at the start of other processes gone at the end (their time reappears,
//           whole, in the reaper's cutime; what is left is what they used during the interval),
//           but at most what the other processes' cutime + cstime grew by: a process reaped
//           without a wait (its parent ignores SIGCHLD) is added to no one's cutime, and its
//           subtraction alone made `other` negative, hiding real load (session 49's review)
//   Disturbance::other_cpus = max(0, Σ other / Σ wall) over the meter's intervals;
//   Disturbance::steal_cpus = Δ steal of /proc/stat's "cpu" line (time the hypervisor gave this
//                             machine's CPUs to other guests), per wall time.
// Counting processes rather than the machine's busy time (CPUs x wall - idle) leaves out the
// kernel's own switching and interrupt time, which no process is charged with and which rises
// with the measured workload's wake-ups (0.19 CPUs for the threads baseline's pingpong here).
// Only the processes this process can see are counted: in a container, another container's
// processes on the same machine are not (steal_cpus still counts other virtual machines' time).
// /proc counts in USER_HZ ticks (10 ms), each process rounded down, so a meter whose intervals add
// up to less than kMinDisturbanceWallS reports nothing.
// A process is identified by its pid and start time, so a pid reused during an interval is two
// processes. Guarantees: nothing throws; an interval whose /proc could not be read is unknown.
// Not thread-safe: one meter per measured slot, used by the harness's main thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

namespace ccb::harness {

// ProcStat: the fields of /proc/PID/stat the meter uses (times in ticks).
struct ProcStat {
  pid_t ppid = 0;
  double ticks = 0;  // utime + stime + cutime + cstime
  std::uint64_t start_time = 0;
  double child_ticks = 0;  // cutime + cstime (part of ticks): its reaped children's
};

// parse_pid_stat() reads /proc/PID/stat's text; nullopt when a field is missing or malformed.
std::optional<ProcStat> parse_pid_stat(std::string_view text);

// parse_steal_ticks() returns the steal field (the 8th value) of /proc/stat's "cpu" line.
std::optional<double> parse_steal_ticks(std::string_view proc_stat_text);

// ProcessTable: every process by (pid, start time).
using ProcessTable = std::map<std::pair<pid_t, std::uint64_t>, ProcStat>;

// other_ticks() is `other` of the header comment between tables `a` and `b`, where ours are
// `self` and its descendants (by ppid, in each table).
double other_ticks(const ProcessTable& a, const ProcessTable& b, pid_t self);

// kMinDisturbanceWallS: the least summed wall time a meter reports. Rounding moves a busy
// process's time by up to a tick at each end of an interval, so at 0.25 s a few active processes
// move other_cpus by ~0.05, a fifth of common::kDisturbedOtherCpus; the quick preset's points
// run ~0.4 s (7 x 1.2 x 50 ms).
inline constexpr double kMinDisturbanceWallS = 0.25;

// Disturbance: see the header comment; averages over the measured intervals.
struct Disturbance {
  double other_cpus = 0;
  double steal_cpus = 0;
  double wall_s = 0;  // summed length of the known intervals
};

// DisturbanceMeter accumulates intervals: begin() and end() around each measured repetition.
class DisturbanceMeter {
 public:
  void begin();
  void end();
  // result() is nullopt until the known intervals add up to kMinDisturbanceWallS.
  std::optional<Disturbance> result() const;

 private:
  struct Sample {
    double wall_ns = 0;
    double steal_ticks = 0;
    ProcessTable procs;
  };
  static std::optional<Sample> sample();

  std::optional<Sample> open_;  // set between begin() and end()
  double other_ticks_ = 0, steal_ticks_ = 0, wall_ns_ = 0;
};

}  // namespace ccb::harness
