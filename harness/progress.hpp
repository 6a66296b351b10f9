// harness/progress.hpp — the one-line progress display of `ccbench run` on stderr:
//   [ 3/40] pingpong/cap=0/n=200000/procs:1 ccbench · ETA 1m05s
// Guarantees: prints nothing unless enabled (the caller enables it only when stderr is a
// terminal and --quiet is off); the line is redrawn in place ("\r" + erase to end of line) and
// clear() removes it, so table rows on stdout never interleave with a half line. ETA is the mean
// time per repetition so far times the repetitions left (a rough figure, labelled "~").
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace ccb::harness {

class Progress {
 public:
  Progress(std::ostream& err, bool enabled, size_t total_points, size_t total_units);

  // step() records `units` finished repetitions of `what` (point `point_index`, 0-based) and
  // redraws the line.
  void step(size_t point_index, const std::string& what, size_t units);
  // clear() erases the line (call before writing anything else to the terminal).
  void clear();

 private:
  std::ostream& err_;
  bool enabled_;
  size_t total_points_;
  size_t total_units_;
  size_t done_units_ = 0;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

// format_duration() returns e.g. "45s", "3m07s", "2h05m".
std::string format_duration(double seconds);

}  // namespace ccb::harness
